import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnTable } from '../../../src/firmware/tcp/conn-table.js';
import { ConnStore } from '../../../src/firmware/tcp/conn-store.js';
import { TcpConnection } from '../../../src/firmware/tcp/connection.js';
import { Reassembly } from '../../../src/firmware/tcp/reassembly.js';
import { SendBuffer } from '../../../src/firmware/tcp/send-buffer.js';
import { seqAdd, seqGt, seqLt } from '../../../src/net/tcp-seq.js';
import { RttEstimator } from '../../../src/net/rtt.js';
import { LINUX_TCP_CONFIG, tcpConfig, ZOS_TCP_CONFIG } from '../../../src/firmware/tcp/config.js';

const MS = 1_000_000_000;

describe('sequence arithmetic', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqLt(0xffff_fff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xffff_fff0)).toBe(true);
    expect(seqAdd(0xffff_ffff, 2)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (a, n) => {
        expect(seqLt(a, seqAdd(a, n))).toBe(true);
        expect(seqGt(seqAdd(a, n), a)).toBe(true);
      }),
    );
  });
});

describe('ConnTable', () => {
  it('finds, adds and deletes by 4-tuple like a Map keyed by the tuple string', () => {
    type E = { localIp: number; localPort: number; remoteIp: number; remotePort: number };
    const tuple = fc.record({
      localIp: fc.constantFrom(0x0a01010a, 0x0a010101, 0xffffffff),
      localPort: fc.constantFrom(80, 7, 65535),
      remoteIp: fc.constantFrom(0xc6336401, 0xc6336402, 0),
      remotePort: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), tuple), { maxLength: 60 }), (ops) => {
        const t = new ConnTable<E>();
        const ref = new Map<string, E>();
        const key = (e: E) => `${e.localIp}:${e.localPort}:${e.remoteIp}:${e.remotePort}`;
        for (const [add, e] of ops) {
          if (add) {
            const fresh = { ...e };
            expect(t.add(fresh)).toBe(!ref.has(key(e)));
            if (!ref.has(key(e))) ref.set(key(e), fresh);
          } else {
            const cur = ref.get(key(e));
            expect(t.delete(cur ?? { ...e })).toBe(cur !== undefined);
            ref.delete(key(e));
          }
          expect(t.size).toBe(ref.size);
        }
        for (const e of ref.values()) expect(t.get(e.localIp, e.localPort, e.remoteIp, e.remotePort)).toBe(e);
        expect(new Set(t.values())).toEqual(new Set(ref.values()));
      }),
    );
  });
});

describe('SendBuffer', () => {
  it('behaves as a bounded FIFO of bytes across growth and wrap-around', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9000 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 40 }),
        (cap, ops) => {
          const b = new SendBuffer(cap);
          const ref: number[] = [];
          let counter = 0;
          for (const [push, n] of ops) {
            if (push) {
              const data = Uint8Array.from({ length: n }, () => counter++ & 0xff);
              const took = b.push(data);
              expect(took).toBe(Math.min(n, cap - ref.length));
              for (let i = 0; i < took; i++) ref.push(data[i]!);
            } else {
              const k = Math.min(n, ref.length);
              b.consume(k);
              ref.splice(0, k);
            }
            expect(b.length).toBe(ref.length);
            const out = new Uint8Array(ref.length);
            b.copyOut(0, ref.length, out, 0);
            expect(Array.from(out)).toEqual(ref);
          }
        },
      ),
    );
  });
});

describe('Reassembly', () => {
  it('rebuilds the stream from overlapping out-of-order pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 200 })), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (pieces, base) => {
          const total = 700;
          const stream = Uint8Array.from({ length: total }, (_, i) => (i * 7 + 3) & 0xff);
          const r = new Reassembly();
          let rcvNxt = base;
          for (const [start, len] of pieces) {
            const end = Math.min(total, start + len);
            r.insert(seqAdd(base, start), stream.subarray(start, end), rcvNxt);
          }
          // Deliver [0, 1) directly, then pull what the pieces make contiguous.
          const got: number[] = [stream[0]!];
          rcvNxt = seqAdd(base, 1);
          for (let c = r.take(rcvNxt); c !== null; c = r.take(rcvNxt)) {
            got.push(...c);
            rcvNxt = seqAdd(rcvNxt, c.length);
          }
          // Everything delivered is the true stream, and it stops exactly at the first uncovered byte.
          expect(got).toEqual(Array.from(stream.subarray(0, got.length)));
          const covered = new Array<boolean>(total).fill(false);
          covered[0] = true;
          for (const [start, len] of pieces) for (let i = start; i < Math.min(total, start + len); i++) covered[i] = true;
          const firstHole = covered.indexOf(false);
          expect(got.length).toBe(firstHole < 0 ? total : firstHole);
        },
      ),
    );
  });
});

describe('RTO estimation (RFC 6298)', () => {
  it('follows the RFC formulas, clamps to the minimum and backs off to the maximum', () => {
    const e = new RttEstimator(LINUX_TCP_CONFIG);
    expect(e.rto).toBe(1000 * MS);
    e.sample(100 * MS); // SRTT 100, RTTVAR 50 -> 100 + 200 = 300 ms
    expect(e.rto).toBe(300 * MS);
    e.sample(100 * MS); // RTTVAR 37.5 -> 100 + 150
    expect(e.rto).toBe(250 * MS);
    for (let i = 0; i < 50; i++) e.sample(1 * MS);
    expect(e.rto).toBe(200 * MS); // minRto
    e.backoff = 20;
    expect(e.rto).toBe(120_000 * MS); // maxRto
    const z = new RttEstimator(ZOS_TCP_CONFIG);
    z.sample(100 * MS); // z/OS VARIANCEMULTIPLIER 2: 100 + 2 * 50 = 200 -> raised to MINIMUMRETRANSMITTIME 500 ms
    expect(z.rto).toBe(500 * MS);
  });

  it('clamps nonsense configuration values', () => {
    const c = tcpConfig(LINUX_TCP_CONFIG, { mss: 10, windowScale: 99, receiveWindow: 1e12, minRto: -5, initialRto: 0, ephemeralLow: 70000 });
    expect(c.mss).toBe(64);
    expect(c.windowScale).toBe(14);
    expect(c.receiveWindow).toBe(0xffff << 14);
    expect(c.minRto).toBe(1);
    expect(c.initialRto).toBe(1);
    expect(c.ephemeralLow).toBe(65535);
    expect(Object.isFrozen(c)).toBe(true);
  });
});

describe('control blocks in a shared row store', () => {
  const handler = {};
  const open = (store: ConnStore, id: number, now: number) =>
    new TcpConnection(id, 0xc0a8_0001, 1000 + id, 0xc633_6407, 80, null, handler, LINUX_TCP_CONFIG, now, store);

  it('starts every connection from the same fields, and a freed one keeps its own when the row is reused', () => {
    const store = new ConnStore();
    const a = open(store, 1, 5 * MS);
    expect([a.localIp, a.remoteIp, a.openedAt, a.ssthresh, a.rttTime, a.armedAt, a.establishedAt]).toEqual([0xc0a8_0001, 0xc633_6407, 5 * MS, 0x3fff_ffff, -1, Infinity, -1]);
    expect(a.rto).toBe(LINUX_TCP_CONFIG.initialRto);
    a.sndUna = 0xffff_fff0; // beyond the small-integer range, as half of all sequence numbers are
    a.rcvNxt = 0x8000_0001;
    a.closeAt = 61_000 * MS;
    a.tsOn = true;
    a.finQueued = true;
    a.rtt.sample(40 * MS);
    const rto = a.rto;
    a.release(store);
    expect(store.rows).toBe(0);
    const b = open(store, 2, 7 * MS); // takes the row a gave back
    b.sndUna = 17;
    b.rcvNxt = 18;
    expect([a.sndUna, a.rcvNxt, a.closeAt, a.openedAt, a.tsOn, a.finQueued, a.rto]).toEqual([0xffff_fff0, 0x8000_0001, 61_000 * MS, 5 * MS, true, true, rto]);
    expect([b.sndUna, b.rcvNxt, b.closeAt, b.openedAt, b.tsOn, b.finQueued, b.rto]).toEqual([17, 18, 0, 7 * MS, false, false, LINUX_TCP_CONFIG.initialRto]);
  });

  it('estimates RTT exactly as the standalone estimator does', () => {
    const store = new ConnStore();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 * MS }), { minLength: 1, maxLength: 20 }), fc.nat(8), (samples, backoff) => {
        const c = open(store, 3, 0);
        const r = new RttEstimator(LINUX_TCP_CONFIG);
        for (const s of samples) {
          c.rtt.sample(s);
          r.sample(s);
        }
        c.rtt.backoff = backoff;
        r.backoff = backoff;
        expect([c.srtt, c.rttvar, c.baseRto, c.rto]).toEqual([r.srtt, r.rttvar, r.baseRto, r.rto]);
        c.release(store);
      }),
    );
  });

  it('holds thousands of rows across chunks and recycles them', () => {
    const store = new ConnStore();
    const conns = Array.from({ length: 3000 }, (_, i) => open(store, i + 1, i));
    conns.forEach((c, i) => (c.sndNxt = 0xffff_0000 + i));
    expect(conns.every((c, i) => c.sndNxt === 0xffff_0000 + i && c.openedAt === i)).toBe(true);
    for (const c of conns) c.release(store);
    expect(store.rows).toBe(0);
    const again = Array.from({ length: 3000 }, (_, i) => open(store, i + 1, 0));
    expect(again.every((c) => c.sndNxt === 0 && c.armedAt === Infinity)).toBe(true);
    expect(conns.every((c, i) => c.sndNxt === 0xffff_0000 + i)).toBe(true);
  });
});
