import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FlowKey,
  ForwardBatch,
  forwardDecision,
  FRAGMENT,
  MALFORMED,
  NEW_CONNECTION,
  NO_ENTRY,
  NOT_DISTRIBUTED,
  NOT_TCP,
  Vcrt,
} from '../../../src/firmware/sd/index.js';
import { diagnose } from './diagnose.js';
import { ACK, FIN, ip, RST, SYN, tcpPacket, writeTcpPacket, type TcpPacketSpec } from './packets.js';

const DVIPA = ip('10.1.1.10');
const CLIENT = ip('203.0.113.20');

function table(): Vcrt {
  const vcrt = new Vcrt();
  vcrt.services.intern(DVIPA, 80);
  vcrt.insert(CLIENT, 40000, DVIPA, 80, 2);
  return vcrt;
}

describe('forwardDecision', () => {
  it('forwards every segment of a known connection to its target', () => {
    const vcrt = table();
    for (const flags of [ACK, ACK | FIN, RST, SYN]) {
      expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, flags, payload: 100 }), vcrt)).toBe(2);
    }
  });

  it('reports a SYN without a row as a new connection, other segments as no entry', () => {
    const vcrt = table();
    const key = new FlowKey();
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40001, dport: 80, flags: SYN }), vcrt, key)).toBe(NEW_CONNECTION);
    expect([key.clientIp, key.clientPort, key.dvipa, key.port, key.service, key.tcpFlags, key.tcpOffset]).toEqual([CLIENT, 40001, DVIPA, 80, 1, SYN, 20]);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40001, dport: 80, flags: SYN | ACK }), vcrt)).toBe(NO_ENTRY);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40001, dport: 80, flags: ACK }), vcrt)).toBe(NO_ENTRY);
  });

  it('honours IP and TCP options (IHL, data offset) and a packet inside a larger buffer', () => {
    const vcrt = table();
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, ipOptions: 8, tcpOptions: 12 }), vcrt)).toBe(2);
    const buf = new Uint8Array(200);
    const n = writeTcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, ipOptions: 4 }, buf, 37);
    const key = new FlowKey();
    expect(forwardDecision(buf, vcrt, key, 37, n + 6 /* link padding */)).toBe(2);
    expect(key.tcpOffset).toBe(37 + 24);
  });

  it('separates traffic that is not for the distributor', () => {
    const vcrt = table();
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 81, flags: SYN }), vcrt)).toBe(NOT_DISTRIBUTED);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: ip('10.1.1.11'), sport: 40000, dport: 80 }), vcrt)).toBe(NOT_DISTRIBUTED);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, protocol: 17 }), vcrt)).toBe(NOT_TCP);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, fragment: 0x2000 }), vcrt)).toBe(FRAGMENT);
    expect(forwardDecision(tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, fragment: 0x0010 }), vcrt)).toBe(FRAGMENT);
  });

  it('calls damaged headers MALFORMED and diagnose names the byte at fault', () => {
    const vcrt = table();
    const good = (): Uint8Array => tcpPacket({ src: CLIENT, dst: DVIPA, sport: 40000, dport: 80, payload: 4 });
    const cases: [string, (p: Uint8Array) => Uint8Array, number][] = [
      ['short', (p) => p.subarray(0, 19), 19],
      ['version 6', (p) => ((p[0] = 0x65), p), 0],
      ['IHL 4', (p) => ((p[0] = 0x44), p), 0],
      ['total length past the bytes', (p) => ((p[3] = p[3]! + 1), p), 2],
      ['total length inside the header', (p) => ((p[2] = 0), (p[3] = 12), p), 2],
      ['TCP header cut short', (p) => ((p[3] = 30), p.subarray(0, 30)), 20],
      ['TCP data offset 4', (p) => ((p[32] = 0x40), p), 32],
      ['TCP data offset past the segment', (p) => ((p[32] = 0xf0), p), 32],
    ];
    for (const [what, damage, offset] of cases) {
      const p = damage(good());
      expect(forwardDecision(p, vcrt), what).toBe(MALFORMED);
      const d = diagnose(p);
      expect(d.ok, what).toBe(false);
      expect(d.offset, what).toBe(offset);
    }
    expect(diagnose(good())).toEqual({ ok: true, offset: 0, reason: 'well-formed IPv4/TCP' });
  });

  it('never throws on arbitrary bytes, and MALFORMED exactly when diagnose finds a fault', () => {
    const vcrt = table();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, plausible) => {
        if (plausible && bytes.length > 0) bytes[0] = 0x45;
        const d = forwardDecision(bytes, vcrt);
        expect(d === MALFORMED).toBe(!diagnose(bytes).ok);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ForwardBatch', () => {
  const specArb: fc.Arbitrary<TcpPacketSpec & { damage: number }> = fc.record({
    src: fc.constantFrom(CLIENT, ip('203.0.113.21'), ip('198.51.100.1')),
    dst: fc.constantFrom(DVIPA, ip('10.1.1.11')),
    sport: fc.constantFrom(40000, 40001, 40002),
    dport: fc.constantFrom(80, 7, 81),
    flags: fc.constantFrom(SYN, ACK, SYN | ACK, FIN | ACK, RST),
    protocol: fc.constantFrom(6, 6, 6, 17),
    fragment: fc.constantFrom(0x4000, 0x4000, 0x2000),
    payload: fc.integer({ min: 0, max: 30 }),
    damage: fc.integer({ min: -1, max: 45 }),
  });

  it('gives the same verdicts and flow fields as forwardDecision, packet by packet', () => {
    const vcrt = table();
    vcrt.insert(CLIENT, 40001, DVIPA, 7, 1);
    vcrt.insert(ip('198.51.100.1'), 40002, DVIPA, 80, 0);
    const batch = new ForwardBatch(64);
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 64 }), (specs) => {
        const packets = specs.map(({ damage, ...spec }) => {
          const p = tcpPacket(spec);
          if (damage >= 0 && damage < p.length) p[damage] = p[damage]! ^ 0x5a;
          return p;
        });
        batch.run(packets, packets.length, vcrt);
        const key = new FlowKey();
        packets.forEach((p, j) => {
          const d = forwardDecision(p, vcrt, key);
          expect(batch.decisions[j]).toBe(d);
          if (d >= 0 || d === NEW_CONNECTION || d === NO_ENTRY) {
            expect([batch.clientIp[j], batch.clientPort[j], batch.service[j], batch.tcpFlags[j]]).toEqual([key.clientIp, key.clientPort, key.service, key.tcpFlags]);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decides a burst over a large table', () => {
    const vcrt = new Vcrt();
    for (let i = 0; i < 20_000; i++) vcrt.insert((0x64400000 + i) >>> 0, 1024 + (i % 5000), DVIPA, 80, i % 3);
    const packets = Array.from({ length: 200 }, (_, k) => tcpPacket({ src: (0x64400000 + k * 97) >>> 0, dst: DVIPA, sport: 1024 + ((k * 97) % 5000), dport: 80 }));
    const batch = new ForwardBatch(256);
    batch.run(packets, packets.length, vcrt);
    for (let k = 0; k < 200; k++) expect(batch.decisions[k]).toBe((k * 97) % 3);
  });

  it('refuses an impossible capacity with SdError', () => {
    expect(() => new ForwardBatch(0)).toThrow(/capacity/);
  });
});
