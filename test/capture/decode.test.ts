// The network-layer decoder and the timestamp arithmetic, checked on edge cases and against BigInt.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeNetworkLayer, EtherType, LinkType, NetworkLayer, TimestampScale } from '../../src/capture/index.js';
import { ethernet, ipv4, sll } from './synth.js';

function decode(linkType: number, frame: Uint8Array): NetworkLayer {
  const out = new NetworkLayer();
  decodeNetworkLayer(out, linkType, frame, 0, frame.length);
  return out;
}

describe('decodeNetworkLayer', () => {
  test('Ethernet padding is left out of the IPv4 packet', () => {
    const l3 = decode(LinkType.ETHERNET, ethernet(ipv4(6), { pad: true }));
    expect([l3.etherType, l3.offset, l3.length]).toEqual([EtherType.IPv4, 14, 26]);
  });

  test('a segmentation-offload frame with IPv4 total length 0 keeps all captured bytes', () => {
    const pkt = ipv4(3000);
    pkt[2] = 0;
    pkt[3] = 0;
    expect(decode(LinkType.ETHERNET, ethernet(pkt)).length).toBe(3020);
  });

  test('a frame cut short by the snaplen keeps what was captured', () => {
    const frame = ethernet(ipv4(1000)).subarray(0, 96);
    expect(decode(LinkType.ETHERNET, frame).length).toBe(82);
  });

  test('802.3 with LLC/SNAP carries an EtherType; plain 802.3 does not', () => {
    const pkt = ipv4(10);
    const snap = Uint8Array.from([...ethernet(new Uint8Array(0), { etherType: 8 + pkt.length }), 0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00, ...pkt]);
    const l3 = decode(LinkType.ETHERNET, snap);
    expect([l3.etherType, l3.offset, l3.length]).toEqual([EtherType.IPv4, 22, 30]);
    const stp = Uint8Array.from([...ethernet(new Uint8Array(0), { etherType: 38 }), 0x42, 0x42, 3, ...new Uint8Array(35)]);
    expect(decode(LinkType.ETHERNET, stp).offset).toBe(-1);
  });

  test('too short for the link header: no network layer', () => {
    for (const [lt, n] of [
      [LinkType.ETHERNET, 13],
      [LinkType.LINUX_SLL, 15],
      [LinkType.LINUX_SLL2, 19],
      [LinkType.NULL, 3],
      [LinkType.RAW, 0],
    ] as const) {
      const l3 = decode(lt, new Uint8Array(n));
      expect([l3.etherType, l3.offset]).toEqual([0, -1]);
    }
  });

  test('a VLAN tag cut in the middle gives no network layer', () => {
    const frame = ethernet(ipv4(10), { vlans: [5, 6] }).subarray(0, 20);
    expect(decode(LinkType.ETHERNET, frame).offset).toBe(-1);
  });

  test('an SLL protocol below 0x0600 (802.2 LLC) is not an EtherType', () => {
    expect(decode(LinkType.LINUX_SLL, sll(new Uint8Array(20), 0x0004)).etherType).toBe(0);
  });

  test('raw IP tells IPv4 from IPv6 by the version nibble', () => {
    expect(decode(LinkType.RAW, ipv4(4)).etherType).toBe(EtherType.IPv4);
    expect(decode(LinkType.RAW, Uint8Array.of(0x60, 0, 0, 0)).etherType).toBe(EtherType.IPv6);
    expect(decode(LinkType.RAW, Uint8Array.of(0x50, 0, 0, 0)).etherType).toBe(0);
  });

  test('never reads past the frame, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(LinkType)), fc.uint8Array({ maxLength: 80 }), (lt, bytes) => {
        // Surround the frame with bytes that would be "found" if the decoder strayed outside it.
        const buf = new Uint8Array(bytes.length + 64).fill(0x81);
        buf.set(bytes, 32);
        const out = new NetworkLayer();
        decodeNetworkLayer(out, lt, buf, 32, bytes.length);
        const alone = decode(lt, bytes);
        expect(out).toEqual(alone);
        if (out.offset >= 0) expect(out.offset + out.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TimestampScale', () => {
  const reference = (resol: number, units: bigint, offset: number): [number, number] => {
    const n = BigInt(resol & 0x7f);
    const [sec, frac, perSec] = resol & 0x80 ? [units >> n, units & ((1n << n) - 1n), 1n << n] : [units / 10n ** n, units % 10n ** n, 10n ** n];
    return [Number(sec) + offset, Number((frac * 1_000_000_000n) / perSec)];
  };

  test('matches BigInt arithmetic for every decimal and binary resolution', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0x80, max: 0x80 + 40 })),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (resol, units, offset) => {
          const s = new TimestampScale(resol, offset);
          s.convert(Number(units >> 32n), Number(units & 0xffffffffn));
          const [sec, nsec] = reference(resol, units, offset);
          // Whole seconds past 2^53 cannot be exact in a double; compare those approximately.
          if (Math.abs(sec) < 2 ** 53) expect(s.sec).toBe(sec);
          else expect(s.sec / sec).toBeCloseTo(1, 12);
          expect(s.nsec).toBe(nsec);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('microseconds and nanoseconds of today', () => {
    const us = new TimestampScale(6);
    const t = 1_795_586_328_766_925n;
    us.convert(Number(t >> 32n), Number(t & 0xffffffffn));
    expect([us.sec, us.nsec]).toEqual([1_795_586_328, 766_925_000]);
    const ns = new TimestampScale(9, 10);
    const u = 1_795_586_328_766_925_997n;
    ns.convert(Number(u >> 32n), Number(u & 0xffffffffn));
    expect([ns.sec, ns.nsec]).toEqual([1_795_586_338, 766_925_997]);
  });
});
