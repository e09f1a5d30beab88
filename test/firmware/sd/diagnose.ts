// An independent reading of the header checks behind forwardDecision's MALFORMED verdict, with the byte
// offset of the field at fault: the oracle test/firmware/sd/forward.test.ts holds the verdicts against.

const PROTO_TCP = 6;

/** Why a datagram is MALFORMED (or not): the byte offset (from `offset`) of the field at fault. */
export interface PacketDiagnosis {
  readonly ok: boolean;
  readonly offset: number;
  readonly reason: string;
}

/** The reason behind a MALFORMED verdict, with a byte offset; `ok` when the headers parse. Never throws. */
export function diagnose(packet: Uint8Array, offset = 0, length = packet.length - offset): PacketDiagnosis {
  const bad = (at: number, reason: string): PacketDiagnosis => ({ ok: false, offset: at, reason });
  if (length < 20) return bad(length, `IPv4 header needs 20 bytes, ${length} present`);
  const b0 = packet[offset]!;
  if (b0 >>> 4 !== 4) return bad(0, `IP version ${b0 >>> 4}, not 4`);
  const ihl = (b0 & 0x0f) << 2;
  if (ihl < 20) return bad(0, `IHL ${ihl >>> 2} words is below the minimum of 5`);
  const total = (packet[offset + 2]! << 8) | packet[offset + 3]!;
  if (total < ihl) return bad(2, `total length ${total} is shorter than the ${ihl}-byte header`);
  if (total > length) return bad(2, `total length ${total} exceeds the ${length} bytes present`);
  if (packet[offset + 9] !== PROTO_TCP) return { ok: true, offset: 9, reason: `protocol ${packet[offset + 9]}, not TCP` };
  if (((packet[offset + 6]! & 0x3f) | packet[offset + 7]!) !== 0) return { ok: true, offset: 6, reason: 'IP fragment' };
  if (total - ihl < 20) return bad(ihl, `TCP header needs 20 bytes, ${total - ihl} present`);
  const dataOffset = (packet[offset + ihl + 12]! >>> 4) << 2;
  if (dataOffset < 20) return bad(ihl + 12, `TCP data offset ${dataOffset >>> 2} words is below the minimum of 5`);
  if (dataOffset > total - ihl) return bad(ihl + 12, `TCP data offset ${dataOffset} bytes exceeds the ${total - ihl}-byte segment`);
  return { ok: true, offset: 0, reason: 'well-formed IPv4/TCP' };
}
