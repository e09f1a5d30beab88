import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildIpv4,
  inSubnet,
  ipFromString,
  ipOf,
  ipToString,
  ipv4Check,
  ipv4Dst,
  ipv4IsFragment,
  ipv4Src,
  maskToPrefix,
  networkOf,
  parseCidr,
  parseIpv4,
  prefixToMask,
  refreshIpv4Checksum,
} from '../../src/net/ipv4.js';

const ip = ipOf;

describe('IPv4 addresses', () => {
  it('converts dotted quads to unsigned numbers and back', () => {
    expect(ip('10.1.1.10')).toBe(0x0a01010a);
    expect(ip('255.255.255.255')).toBe(0xffffffff);
    expect(ip('0.0.0.0')).toBe(0);
    expect(ipToString(0xc0a80001)).toBe('192.168.0.1');
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(ip(ipToString(n))).toBe(n);
    }));
  });

  it('rejects bad text with the position of the fault', () => {
    const cases: [string, number][] = [
      ['10.1.1', 6],
      ['10.1.1.256', 7],
      ['10..1.1', 3],
      ['10.1.1.1.1', 9],
      ['10.01.1.1', 3],
      ['10.1.x.1', 5],
      [' 10.1.1.1', 0],
      ['', 0],
    ];
    for (const [text, offset] of cases) {
      const r = ipFromString(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('bad-address');
        expect(r.error.offset, text).toBe(offset);
      }
    }
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), (s) => void ipFromString(s)));
  });

  it('handles prefixes and masks', () => {
    expect(prefixToMask(24)).toBe(0xffffff00);
    expect(prefixToMask(0)).toBe(0);
    expect(prefixToMask(32)).toBe(0xffffffff);
    expect(maskToPrefix(0xffffff00)).toBe(24);
    expect(maskToPrefix(0)).toBe(0);
    expect(maskToPrefix(0xffffffff)).toBe(32);
    expect(maskToPrefix(0xff00ff00)).toBe(-1);
    for (let p = 0; p <= 32; p++) expect(maskToPrefix(prefixToMask(p))).toBe(p);
    expect(networkOf(ip('10.1.1.77'), 24)).toBe(ip('10.1.1.0'));
    expect(inSubnet(ip('10.9.9.3'), ip('10.9.9.0'), 24)).toBe(true);
    expect(inSubnet(ip('10.9.8.3'), ip('10.9.9.0'), 24)).toBe(false);
    const c = parseCidr('198.51.100.7/24');
    expect(c.ok && c.value).toEqual({ network: ip('198.51.100.0'), prefix: 24 });
    const bad = parseCidr('10.1.1.0/33');
    expect(!bad.ok && bad.error.offset).toBe(9);
  });
});

describe('IPv4 header', () => {
  it('round-trips every field', () => {
    const payload = Uint8Array.from([1, 2, 3, 4, 5]);
    const p = buildIpv4(
      { src: ip('10.1.1.1'), dst: ip('198.51.100.9'), protocol: 17, ttl: 33, id: 0xbeef, dscp: 46, ecn: 1,
        dontFragment: false, moreFragments: true, fragmentOffset: 1480, options: Uint8Array.from([1, 1, 1]) },
      payload,
    );
    const r = parseIpv4(p);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      headerLength: 24, optionsLength: 4, totalLength: 29, id: 0xbeef, ttl: 33, protocol: 17, dscp: 46, ecn: 1,
      dontFragment: false, moreFragments: true, fragmentOffset: 1480, src: ip('10.1.1.1'), dst: ip('198.51.100.9'),
      payloadOffset: 24, payloadLength: 5,
    });
    expect(ipv4Src(p)).toBe(ip('10.1.1.1'));
    expect(ipv4Dst(p)).toBe(ip('198.51.100.9'));
    expect(ipv4IsFragment(p)).toBe(true);
    expect(ipv4Check(p)).toBe(24);
  });

  it('reports each kind of damage with its offset', () => {
    const good = buildIpv4({ src: 1, dst: 2, protocol: 6 }, new Uint8Array(8));
    const at = (mut: (b: Uint8Array) => Uint8Array) => {
      const r = parseIpv4(mut(Uint8Array.from(good)));
      return r.ok ? null : r.error;
    };
    expect(at((b) => b.subarray(0, 19))).toMatchObject({ code: 'truncated', offset: 19 });
    expect(at((b) => ((b[0] = 0x65), b))).toMatchObject({ code: 'bad-version', offset: 0 });
    expect(at((b) => ((b[0] = 0x44), b))).toMatchObject({ code: 'bad-header-length', offset: 0 });
    expect(at((b) => ((b[3] = 200), b))).toMatchObject({ code: 'bad-length', offset: 2 });
    expect(at((b) => ((b[3] = 10), b))).toMatchObject({ code: 'bad-length', offset: 2 });
    expect(at((b) => ((b[8] ^= 1), b))).toMatchObject({ code: 'bad-checksum', offset: 10 });
    expect(ipv4Check(Uint8Array.from(good).fill(0x45, 8, 9))).toBe(-5);
    const ttl = Uint8Array.from(good);
    ttl[8] = 5;
    refreshIpv4Checksum(ttl);
    expect(parseIpv4(ttl).ok).toBe(true);
  });

  it('accepts trailing Ethernet padding beyond the total length', () => {
    const p = buildIpv4({ src: 1, dst: 2, protocol: 6 }, new Uint8Array(6));
    const padded = new Uint8Array(46);
    padded.set(p);
    const r = parseIpv4(padded);
    expect(r.ok && r.value.payloadLength).toBe(6);
  });

  it('never throws on random bytes, and agrees with the allocation-free check', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (b, v4) => {
        if (v4 && b.length > 0) b[0] = 0x40 | (b[0]! & 0x0f);
        const r = parseIpv4(b);
        const c = ipv4Check(b);
        expect(r.ok).toBe(c > 0);
        if (r.ok) expect(r.value.headerLength).toBe(c);
        else expect(r.error.offset).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
