// IPv4 text and numbers, masks and prefix lengths.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  classfulPrefix, formatIpv4, looksLikeIpv4, maskToPrefix, parseIpv4, prefixToMask,
} from '../../../src/firmware/profile/ipv4.js';

describe('ipv4', () => {
  test('dotted quads become unsigned 32-bit numbers', () => {
    expect(parseIpv4('10.1.1.10')).toBe(0x0a01010a);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('192.168.001.010')).toBe(parseIpv4('192.168.1.10'));
  });

  test.each(['', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '256.1.1.1', '1.2.3.4444', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4/24', 'a.b.c.d', '1,2,3,4'])(
    '%j is not an address',
    (text) => expect(parseIpv4(text)).toBeNull(),
  );

  test('format and parse are inverse over all of u32', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
  });

  test('every prefix length has a contiguous mask, and back', () => {
    for (let p = 0; p <= 32; p++) expect(maskToPrefix(prefixToMask(p))).toBe(p);
    expect(formatIpv4(prefixToMask(24))).toBe('255.255.255.0');
    expect(formatIpv4(prefixToMask(26))).toBe('255.255.255.192');
  });

  test('non-contiguous masks have no prefix length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const contiguous = [...Array(33).keys()].some((p) => prefixToMask(p) === n);
        return (maskToPrefix(n) >= 0) === contiguous;
      }),
    );
    expect(maskToPrefix(parseIpv4('255.0.255.0')!)).toBe(-1);
  });

  test('classful prefixes, and what looks like an address', () => {
    expect([classfulPrefix(parseIpv4('10.0.0.1')!), classfulPrefix(parseIpv4('172.16.0.1')!), classfulPrefix(parseIpv4('192.168.1.1')!), classfulPrefix(parseIpv4('224.0.0.1')!)]).toEqual([8, 16, 24, 32]);
    expect(looksLikeIpv4('10.1.1.256')).toBe(true);
    expect(looksLikeIpv4('10.1')).toBe(true);
    expect(looksLikeIpv4('OSA1')).toBe(false);
    expect(looksLikeIpv4('80')).toBe(false);
  });
});
