// The XCF encapsulation of docs/capture.md, byte by byte: IP-in-IP for forwarded and redirected datagrams (the
// XCF type in the outer identification), UDP 5099 for control and status, valid IPv4 and UDP checksums.

import { describe, expect, test } from 'vitest';
import { encapsulateXcf, XCF_STATUS_TYPE, XCF_UDP_PORT } from '../../src/capture/xcf-encap.js';
import { buildIpv4Tcp, internetChecksum, onesComplementSum, pseudoHeaderSum, readU32 as u32 } from '../../src/net/index.js';

const from = { name: 'SYS1', ip: 0x0a090901, mac: 0x02_00_00_00_00_01 };
const to = { name: 'SYS2', ip: 0x0a090902, mac: 0x02_00_00_00_00_02 };
const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

function outer(f: Uint8Array): { proto: number; id: number; payload: Uint8Array } {
  expect(u16(f, 12)).toBe(0x0800);
  expect(internetChecksum(f, 14, 20)).toBe(0);
  expect(u32(f, 14 + 12)).toBe(from.ip);
  expect(u32(f, 14 + 16)).toBe(to.ip);
  expect(u16(f, 14 + 2)).toBe(f.length - 14);
  return { proto: f[14 + 9]!, id: u16(f, 14 + 4), payload: f.subarray(34) };
}

describe('XCF encapsulation', () => {
  const client = buildIpv4Tcp({ src: 0xc6336401, dst: 0x0a01010a }, { srcPort: 40000, dstPort: 80, seq: 1, flags: 2, window: 1000 });

  test('a forwarded datagram is IP-in-IP carrying the client packet unchanged; a redirect is marked by id 3', () => {
    for (const type of [1, 3]) {
      const bytes = new Uint8Array(client.length + 2);
      bytes[0] = 1;
      bytes[1] = type;
      bytes.set(client, 2);
      const o = outer(encapsulateXcf({ kind: 'xcf-data', from: 'SYS1', bytes }, from, to));
      expect(o.proto).toBe(4);
      expect(o.id).toBe(type);
      expect(o.payload).toEqual(client);
    }
  });

  test('control messages and member status are UDP 5099 with the documented payloads', () => {
    const json = new TextEncoder().encode('{"m":"wlm","weight":8}');
    const control = Uint8Array.of(1, 2, ...json);
    const c = outer(encapsulateXcf({ kind: 'xcf-data', from: 'SYS1', bytes: control }, from, to));
    expect(c.proto).toBe(17);
    expect([u16(c.payload, 0), u16(c.payload, 2), u16(c.payload, 4)]).toEqual([XCF_UDP_PORT, XCF_UDP_PORT, 8 + control.length]);
    const sum = onesComplementSum(c.payload, 0, c.payload.length, pseudoHeaderSum(from.ip, to.ip, 17, c.payload.length));
    expect(sum).toBe(0xffff);
    expect(c.payload.subarray(8)).toEqual(control);

    const s = outer(encapsulateXcf({ kind: 'xcf-status', from: 'SYS1', joined: true, incarnation: 3, reply: true }, from, to));
    expect(s.proto).toBe(17);
    const p = s.payload.subarray(8);
    expect([p[0], p[1], p[2], p[3]]).toEqual([1, XCF_STATUS_TYPE, 3, 4]);
    expect(u32(p, 4)).toBe(3);
    expect(new TextDecoder().decode(p.subarray(8))).toBe('SYS1');
  });
});
