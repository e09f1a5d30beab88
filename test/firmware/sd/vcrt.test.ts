import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_FOUND, SdError, ServiceTable, VCRT_AFFINITY, VCRT_MOVING, Vcrt } from '../../../src/firmware/sd/index.js';
import { ip } from './packets.js';

const DVIPA = ip('10.1.1.10');
const DVIPA2 = ip('10.1.1.11');
const SERVICES: readonly (readonly [number, number])[] = [
  [DVIPA, 80],
  [DVIPA, 7],
  [DVIPA2, 80],
];
const CLIENT_IPS = [0x00000001, 0x7fffffff, 0x80000000, 0xffffffff, ip('192.168.1.1')];

type Op =
  | { kind: 'insert'; ipIx: number; cport: number; svc: number; target: number; flags: number }
  | { kind: 'delete'; ipIx: number; cport: number; svc: number }
  | { kind: 'lookup'; ipIx: number; cport: number; svc: number }
  | { kind: 'deleteTarget'; target: number };

const clientIp = (ix: number): number => (ix < CLIENT_IPS.length ? CLIENT_IPS[ix]! : (ip('172.16.0.0') + ix * 7919) >>> 0);

const keyArb = { ipIx: fc.integer({ min: 0, max: 300 }), cport: fc.oneof(fc.constantFrom(0, 1, 65535), fc.integer({ min: 1024, max: 1060 })), svc: fc.integer({ min: 0, max: 2 }) };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), ...keyArb, target: fc.integer({ min: 0, max: 7 }), flags: fc.constantFrom(0, VCRT_AFFINITY, VCRT_MOVING) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), ...keyArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lookup' as const), ...keyArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteTarget' as const), target: fc.integer({ min: 0, max: 7 }) }) },
);

function modelKey(ipv: number, cport: number, svc: number): string {
  return `${ipv}:${cport}:${svc}`;
}

describe('Vcrt against a Map model', () => {
  it('agrees on every insert, delete, lookup, per-target delete and count, through growth', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 1500 }), fc.integer(), (ops, seed) => {
        const vcrt = new Vcrt({ initialCapacity: 1, seed });
        const model = new Map<string, { target: number; flags: number }>();
        for (const op of ops) {
          if (op.kind === 'deleteTarget') {
            let expected = 0;
            for (const [k, v] of model) if (v.target === op.target) (model.delete(k), expected++);
            expect(vcrt.deleteTarget(op.target)).toBe(expected);
            continue;
          }
          const ipv = clientIp(op.ipIx);
          const [dvipa, port] = SERVICES[op.svc]!;
          const k = modelKey(ipv, op.cport, op.svc);
          if (op.kind === 'insert') {
            expect(vcrt.insert(ipv, op.cport, dvipa, port, op.target, op.flags)).toBe(!model.has(k));
            model.set(k, { target: op.target, flags: op.flags });
          } else if (op.kind === 'delete') {
            expect(vcrt.delete(ipv, op.cport, dvipa, port)).toBe(model.get(k)?.target ?? NOT_FOUND);
            model.delete(k);
          } else {
            const m = model.get(k);
            expect(vcrt.lookup(ipv, op.cport, dvipa, port)).toBe(m?.target ?? NOT_FOUND);
            if (m !== undefined) expect(vcrt.flagsAt(vcrt.lastSlot)).toBe(m.flags);
          }
          expect(vcrt.size).toBe(model.size);
        }
        // Full content and per-target counts.
        const seen = new Map<string, { target: number; flags: number }>();
        vcrt.forEach((cip, cport, dvipa, port, target, flags) => {
          const svc = SERVICES.findIndex(([d, p]) => d === dvipa && p === port);
          seen.set(modelKey(cip, cport, svc), { target, flags });
        });
        expect(seen).toEqual(model);
        for (let t = 0; t < 8; t++) {
          expect(vcrt.countForTarget(t)).toBe([...model.values()].filter((v) => v.target === t).length);
        }
        expect(vcrt.size).toBeLessThanOrEqual((vcrt.capacity * 3) / 4);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Vcrt', () => {
  it('grows past its initial capacity and keeps every row findable', () => {
    const vcrt = new Vcrt({ initialCapacity: 4 });
    const n = 50_000;
    for (let i = 0; i < n; i++) vcrt.insert((0x0a000000 + i) >>> 0, 1024 + (i % 60000), DVIPA, 80, i % 32);
    expect(vcrt.size).toBe(n);
    expect(vcrt.capacity).toBe(131072);
    for (let i = 0; i < n; i++) expect(vcrt.lookup((0x0a000000 + i) >>> 0, 1024 + (i % 60000), DVIPA, 80)).toBe(i % 32);
    expect(vcrt.lookup(0x0a000000, 1025, DVIPA, 80)).toBe(NOT_FOUND);
    expect(vcrt.lookup(0x0a000000, 1024, DVIPA, 81)).toBe(NOT_FOUND);
  });

  it('deletes all rows of a lost target and keeps the others', () => {
    const vcrt = new Vcrt();
    for (let i = 0; i < 3000; i++) vcrt.insert(0x0b000000 + i, 5000, DVIPA, 80, i % 3);
    expect(vcrt.countForTarget(1)).toBe(1000);
    expect(vcrt.deleteTarget(1)).toBe(1000);
    expect(vcrt.size).toBe(2000);
    expect(vcrt.countForTarget(1)).toBe(0);
    expect(vcrt.deleteTarget(1)).toBe(0);
    for (let i = 0; i < 3000; i++) expect(vcrt.lookup(0x0b000000 + i, 5000, DVIPA, 80)).toBe(i % 3 === 1 ? NOT_FOUND : i % 3);
    vcrt.compact();
    expect(vcrt.capacity).toBe(4096);
    expect(vcrt.lookup(0x0b000000, 5000, DVIPA, 80)).toBe(0);
  });

  it('deletes all rows of one service', () => {
    const vcrt = new Vcrt();
    for (let i = 0; i < 100; i++) {
      vcrt.insert(0x0b000000 + i, 5000, DVIPA, 80, 0);
      vcrt.insert(0x0b000000 + i, 5000, DVIPA, 7, 1);
    }
    const svc = vcrt.services.find(DVIPA, 7);
    expect(vcrt.deleteAllOfService(svc)).toBe(100);
    expect(vcrt.size).toBe(100);
    expect(vcrt.lookup(0x0b000005, 5000, DVIPA, 80)).toBe(0);
  });

  it('pages through every row exactly once', () => {
    const vcrt = new Vcrt();
    for (let i = 0; i < 1000; i++) vcrt.insert(0x0c000000 + i, 40000 + i, DVIPA2, 80, i % 5, i % 2 === 0 ? 0 : VCRT_MOVING);
    const rows: string[] = [];
    for (let offset = 0; ; offset += 64) {
      const page = vcrt.page(offset, 64);
      expect(page.length).toBeLessThanOrEqual(64);
      for (const r of page) {
        expect(r.dvipa).toBe(DVIPA2);
        expect(r.port).toBe(80);
        expect(r.target).toBe((r.clientIp - 0x0c000000) % 5);
        expect(r.clientPort).toBe(40000 + r.clientIp - 0x0c000000);
        expect(r.flags).toBe((r.clientIp - 0x0c000000) % 2 === 0 ? 0 : VCRT_MOVING);
        rows.push(`${r.clientIp}:${r.clientPort}`);
      }
      if (page.length < 64) break;
    }
    expect(rows.length).toBe(1000);
    expect(new Set(rows).size).toBe(1000);
    expect(vcrt.page(1000, 10)).toEqual([]);
    expect(vcrt.page(998, 10).length).toBe(2);
    let visited = 0;
    expect(vcrt.forEach(() => visited++, 990, 100)).toBe(10);
    expect(visited).toBe(10);
  });

  it('keeps an affinity record (client port 0) apart from the connections of the same client', () => {
    const vcrt = new Vcrt();
    const c = ip('192.0.2.7');
    vcrt.insert(c, 0, DVIPA, 80, 2, VCRT_AFFINITY);
    vcrt.insert(c, 33000, DVIPA, 80, 2);
    expect(vcrt.flags(c, 0, DVIPA, 80)).toBe(VCRT_AFFINITY);
    expect(vcrt.flags(c, 33000, DVIPA, 80)).toBe(0);
    expect(vcrt.setFlags(c, 33000, DVIPA, 80, VCRT_MOVING)).toBe(true);
    expect(vcrt.flags(c, 33000, DVIPA, 80)).toBe(VCRT_MOVING);
    expect(vcrt.setFlags(c, 33001, DVIPA, 80, VCRT_MOVING)).toBe(false);
    expect(vcrt.delete(c, 0, DVIPA, 80)).toBe(2);
    expect(vcrt.lookup(c, 33000, DVIPA, 80)).toBe(2);
  });

  it('replacing a row moves it between per-target counts', () => {
    const vcrt = new Vcrt();
    expect(vcrt.insert(1, 2, DVIPA, 80, 3)).toBe(true);
    expect(vcrt.insert(1, 2, DVIPA, 80, 4)).toBe(false);
    expect(vcrt.countForTarget(3)).toBe(0);
    expect(vcrt.countForTarget(4)).toBe(1);
    expect(vcrt.size).toBe(1);
  });

  it('rejects out-of-range numbers with a typed SdError and never throws on lookups', () => {
    const vcrt = new Vcrt();
    const attempt = (f: () => unknown): SdError => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SdError);
        return e as SdError;
      }
      throw new Error('expected an SdError');
    };
    expect(attempt(() => vcrt.insert(-1, 80, DVIPA, 80, 0)).code).toBe('ADDRESS_RANGE');
    expect(attempt(() => vcrt.insert(1, 70000, DVIPA, 80, 0)).code).toBe('PORT_RANGE');
    expect(attempt(() => vcrt.insert(1, 80, DVIPA, 80, 256)).code).toBe('TARGET_RANGE');
    expect(attempt(() => vcrt.insert(1, 80, DVIPA, 80, 0, 512)).code).toBe('VALUE_RANGE');
    expect(attempt(() => vcrt.insertService(1, 80, 999, 0)).code).toBe('UNKNOWN_SERVICE');
    expect(attempt(() => new Vcrt({ initialCapacity: 0 })).code).toBe('VALUE_RANGE');
    expect(vcrt.lookup(-5, 99999, 1.5, -3)).toBe(NOT_FOUND);
    expect(vcrt.size).toBe(0);
  });

  it('shares its ServiceTable with other tables', () => {
    const services = new ServiceTable();
    const svc = services.intern(DVIPA, 443);
    const vcrt = new Vcrt({ services });
    vcrt.insertService(ip('198.51.100.1'), 50000, svc, 6);
    expect(vcrt.lookup(ip('198.51.100.1'), 50000, DVIPA, 443)).toBe(6);
    expect(vcrt.lookupService(ip('198.51.100.1'), 50000, svc)).toBe(6);
  });
});

describe('ServiceTable', () => {
  it('interns, finds, releases and reuses indices deterministically', () => {
    const s = new ServiceTable();
    const a = s.intern(DVIPA, 80);
    const b = s.intern(DVIPA, 7);
    expect([a, b]).toEqual([1, 2]);
    expect(s.intern(DVIPA, 80)).toBe(1);
    for (let p = 1000; p < 1200; p++) expect(s.intern(DVIPA2, p)).toBe(p - 997);
    expect(s.size).toBe(202);
    expect(s.find(DVIPA2, 1100)).toBe(103);
    s.release(2);
    expect(s.find(DVIPA, 7)).toBe(-1);
    expect(s.find(DVIPA, 80)).toBe(1);
    expect(s.intern(DVIPA, 8080)).toBe(2);
    expect(s.dvipaOf(2)).toBe(DVIPA);
    expect(s.portOf(2)).toBe(8080);
    expect(() => s.release(2000)).toThrow(SdError);
  });
});
