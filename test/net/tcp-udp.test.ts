import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpProtocol, parseIpv4 } from '../../src/net/ipv4.js';
import {
  buildIpv4Tcp,
  buildTcpSegment,
  parseTcp,
  scanTcpOptions,
  tcpAck,
  tcpDstPort,
  tcpFlags,
  TcpFlag,
  tcpFlagsToString,
  tcpOptionsLength,
  TcpOptionScan,
  tcpSeq,
  tcpSrcPort,
  tcpWindow,
  type TcpOptions,
} from '../../src/net/tcp.js';
import { buildUdp, parseUdp } from '../../src/net/udp.js';

const SRC = 0xc6336407; // 198.51.100.7
const DST = 0x0a01010a; // 10.1.1.10

const optionsArb: fc.Arbitrary<TcpOptions> = fc.record(
  {
    mss: fc.integer({ min: 0, max: 0xffff }),
    windowScale: fc.integer({ min: 0, max: 14 }),
    sackPermitted: fc.constant(true),
    timestamp: fc.record({ value: fc.integer({ min: 0, max: 0xffffffff }), echo: fc.integer({ min: 0, max: 0xffffffff }) }),
    sack: fc.array(fc.record({ left: fc.integer({ min: 0, max: 0xffffffff }), right: fc.integer({ min: 0, max: 0xffffffff }) }), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe('TCP header', () => {
  it('round-trips every field and option through an IPv4 datagram with valid checksums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0x1ff }),
        fc.integer({ min: 0, max: 0xffff }),
        optionsArb.filter((o) => tcpOptionsLength(o) <= 40),
        fc.uint8Array({ maxLength: 100 }),
        (srcPort, dstPort, seq, ack, flags, window, options, payload) => {
          const p = buildIpv4Tcp({ src: SRC, dst: DST }, { srcPort, dstPort, seq, ack, flags, window, options, urgentPointer: 3 }, payload);
          const ip = parseIpv4(p);
          expect(ip.ok).toBe(true);
          if (!ip.ok) return;
          expect(ip.value.protocol).toBe(IpProtocol.TCP);
          const t = parseTcp(p, ip.value.payloadOffset, ip.value.payloadLength, { src: SRC, dst: DST });
          expect(t.ok).toBe(true);
          if (!t.ok) return;
          const expected: TcpOptions = { ...options };
          if (!options.sackPermitted) delete (expected as { sackPermitted?: boolean }).sackPermitted;
          expect(t.value).toMatchObject({ srcPort, dstPort, seq, ack, flags, window, urgentPointer: 3, payloadLength: payload.length });
          expect(t.value.options).toEqual(expected);
          expect(p.subarray(t.value.payloadOffset)).toEqual(payload);
          const o = ip.value.payloadOffset;
          expect([tcpSrcPort(p, o), tcpDstPort(p, o), tcpSeq(p, o), tcpAck(p, o), tcpFlags(p, o), tcpWindow(p, o)]).toEqual([
            srcPort, dstPort, seq, ack, flags & 0xff, window,
          ]);
        },
      ),
    );
  });

  it('encodes a Linux-style SYN option block in 20 bytes', () => {
    const opts: TcpOptions = { mss: 1460, sackPermitted: true, timestamp: { value: 1, echo: 0 }, windowScale: 7 };
    expect(tcpOptionsLength(opts)).toBe(20);
    const seg = buildTcpSegment({ srcPort: 40000, dstPort: 80, seq: 1, flags: TcpFlag.SYN, window: 64240, options: opts }, new Uint8Array(0), SRC, DST);
    expect(seg.length).toBe(40);
    expect(Array.from(seg.subarray(20, 24))).toEqual([2, 4, 0x05, 0xb4]);
  });

  it('detects a corrupted payload byte by checksum, at the checksum field', () => {
    const seg = buildTcpSegment({ srcPort: 1, dstPort: 2, seq: 3, flags: TcpFlag.ACK, window: 4 }, Uint8Array.from([9, 9, 9]), SRC, DST);
    seg[21] ^= 0x40;
    const r = parseTcp(seg, 0, seg.length, { src: SRC, dst: DST });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-checksum', offset: 16 } });
    expect(parseTcp(seg).ok).toBe(true); // no pseudo-header, no check
  });

  it('reports bad data offsets and malformed options with offsets', () => {
    const base = buildTcpSegment({ srcPort: 1, dstPort: 2, seq: 3, flags: 0, window: 4, options: { mss: 1000 } }, new Uint8Array(0), 0, 0);
    const lowDoff = Uint8Array.from(base);
    lowDoff[12] = 0x40;
    expect(parseTcp(lowDoff)).toMatchObject({ ok: false, error: { code: 'bad-header-length', offset: 12 } });
    expect(parseTcp(base.subarray(0, 22))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 22 } });
    const badMss = Uint8Array.from(base);
    badMss[21] = 3; // MSS with length 3
    expect(parseTcp(badMss)).toMatchObject({ ok: false, error: { code: 'bad-option', offset: 20 } });
    const zeroLen = Uint8Array.from(base);
    zeroLen[20] = 99;
    zeroLen[21] = 0;
    expect(parseTcp(zeroLen)).toMatchObject({ ok: false, error: { code: 'bad-option', offset: 20 } });
    const unknown = Uint8Array.from(base);
    unknown[20] = 99; // unknown kind with a sane length is skipped
    expect(parseTcp(unknown)).toMatchObject({ ok: true, value: { options: {} } });
  });

  it('scans options without allocation into a reusable record', () => {
    const seg = buildTcpSegment({ srcPort: 1, dstPort: 2, seq: 3, flags: TcpFlag.SYN, window: 4,
      options: { mss: 536, windowScale: 2, timestamp: { value: 77, echo: 88 } } }, new Uint8Array(0), 0, 0);
    const s = new TcpOptionScan();
    expect(scanTcpOptions(seg, 20, seg.length, s)).toBe(-1);
    expect([s.mss, s.windowScale, s.hasTimestamp, s.tsValue, s.tsEcho, s.sackPermitted]).toEqual([536, 2, true, 77, 88, false]);
  });

  it('prints flags like tcpdump', () => {
    expect(tcpFlagsToString(TcpFlag.SYN | TcpFlag.ACK)).toBe('S.');
    expect(tcpFlagsToString(TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK)).toBe('FP.');
    expect(tcpFlagsToString(TcpFlag.RST)).toBe('R');
  });

  it('never throws on random segments', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), fc.boolean(), (b, sane) => {
        if (sane && b.length > 12) b[12] = 0x50 | (b[12]! & 0x01); // a plausible data offset reaches the checksum
        const r = parseTcp(b, 0, b.length, { src: SRC, dst: DST });
        if (!r.ok) expect(r.error.offset).toBeLessThanOrEqual(b.length);
      }),
    );
  });
});

describe('UDP', () => {
  it('round-trips and verifies the checksum', () => {
    const d = buildUdp(53, 40000, Uint8Array.from([1, 2, 3]), SRC, DST);
    const r = parseUdp(d, 0, d.length, { src: SRC, dst: DST });
    expect(r).toMatchObject({ ok: true, value: { srcPort: 53, dstPort: 40000, length: 11, payloadOffset: 8, payloadLength: 3 } });
    d[9] ^= 1;
    expect(parseUdp(d, 0, d.length, { src: SRC, dst: DST })).toMatchObject({ ok: false, error: { code: 'bad-checksum', offset: 6 } });
  });

  it('rejects short and inconsistent lengths', () => {
    const d = buildUdp(1, 2, new Uint8Array(4), SRC, DST);
    expect(parseUdp(d.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 7 } });
    const long = Uint8Array.from(d);
    long[5] = 40;
    expect(parseUdp(long)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 4 } });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 30 }), (b) => void parseUdp(b, 0, b.length, { src: 1, dst: 2 })));
  });
});
