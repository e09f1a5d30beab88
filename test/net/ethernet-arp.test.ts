import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArpOp, arpReply, arpRequest, gratuitousArp, parseArp } from '../../src/net/arp.js';
import {
  buildEthernetFrame,
  EtherType,
  ethernetPayloadOffset,
  ethernetType,
  MAC_BROADCAST,
  macFromString,
  macToString,
  parseEthernet,
} from '../../src/net/ethernet.js';

const MAC_A = 0x02000a010101;
const MAC_B = 0x02000a010102;

describe('Ethernet', () => {
  it('formats and parses MAC addresses', () => {
    expect(macToString(MAC_A)).toBe('02:00:0a:01:01:01');
    expect(macToString(MAC_BROADCAST)).toBe('ff:ff:ff:ff:ff:ff');
    const r = macFromString('02-00-0A-01-01-01');
    expect(r.ok && r.value).toBe(MAC_A);
    const bad = macFromString('02:00:0a:zz:01:01');
    expect(!bad.ok && bad.error).toMatchObject({ code: 'bad-address', offset: 9 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (m) => {
        const back = macFromString(macToString(m));
        expect(back.ok && back.value).toBe(m);
      }),
    );
  });

  it('round-trips untagged, 802.1Q and QinQ headers', () => {
    const payload = Uint8Array.from([0x45, 0, 0, 20]);
    const tagSets = [
      [],
      [{ tpid: EtherType.VLAN, pcp: 5, dei: false, vid: 100 }],
      [
        { tpid: EtherType.QinQ, pcp: 1, dei: true, vid: 4094 },
        { tpid: EtherType.VLAN, pcp: 0, dei: false, vid: 7 },
      ],
    ];
    for (const tags of tagSets) {
      const frame = buildEthernetFrame({ dst: MAC_BROADCAST, src: MAC_A, tags, etherType: EtherType.IPv4 }, payload);
      const r = parseEthernet(frame);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.value).toEqual({ dst: MAC_BROADCAST, src: MAC_A, tags, etherType: EtherType.IPv4, headerLength: 14 + 4 * tags.length });
      expect(ethernetPayloadOffset(frame)).toBe(14 + 4 * tags.length);
      expect(ethernetType(frame)).toBe(EtherType.IPv4);
      expect(frame.subarray(r.value.headerLength)).toEqual(payload);
    }
  });

  it('reports truncation and 802.3 length frames with offsets', () => {
    const r1 = parseEthernet(new Uint8Array(13));
    expect(!r1.ok && r1.error).toMatchObject({ code: 'truncated', offset: 13 });
    const tagged = buildEthernetFrame({ dst: 1, src: 2, tags: [{ tpid: EtherType.VLAN, pcp: 0, dei: false, vid: 1 }], etherType: EtherType.ARP }, new Uint8Array(0));
    const r2 = parseEthernet(tagged.subarray(0, 16));
    expect(!r2.ok && r2.error.code).toBe('truncated');
    const llc = buildEthernetFrame({ dst: 1, src: 2, etherType: 46 }, new Uint8Array(46));
    const r3 = parseEthernet(llc);
    expect(!r3.ok && r3.error).toMatchObject({ code: 'unsupported', offset: 12 });
  });

  it('never throws on random frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const r = parseEthernet(b);
        const off = ethernetPayloadOffset(b);
        if (r.ok) expect(off).toBe(r.value.headerLength);
      }),
    );
  });
});

describe('ARP', () => {
  it('round-trips requests, replies and gratuitous ARP', () => {
    const req = parseArp(arpRequest(MAC_A, 0x0a010101, 0x0a01010a));
    expect(req.ok && req.value).toEqual({ op: ArpOp.Request, senderMac: MAC_A, senderIp: 0x0a010101, targetMac: 0, targetIp: 0x0a01010a });
    const rep = parseArp(arpReply(MAC_B, 0x0a01010a, MAC_A, 0x0a010101));
    expect(rep.ok && rep.value).toEqual({ op: ArpOp.Reply, senderMac: MAC_B, senderIp: 0x0a01010a, targetMac: MAC_A, targetIp: 0x0a010101 });
    const g = parseArp(gratuitousArp(MAC_B, 0x0a01010a));
    expect(g.ok && g.value.senderIp === g.value.targetIp).toBe(true);
  });

  it('rejects other hardware/protocol types and short packets', () => {
    const p = arpRequest(MAC_A, 1, 2);
    const ipv6 = Uint8Array.from(p);
    ipv6[2] = 0x86;
    ipv6[3] = 0xdd;
    expect(parseArp(ipv6)).toMatchObject({ ok: false, error: { code: 'unsupported', offset: 2 } });
    expect(parseArp(p.subarray(0, 27))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 27 } });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => void parseArp(b)));
  });
});
