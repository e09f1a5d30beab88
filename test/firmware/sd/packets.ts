// Builds IPv4/TCP datagrams byte by byte for the forwarding tests and bench (independent of src/net).

export interface TcpPacketSpec {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  flags?: number;
  payload?: number;
  /** IPv4 options bytes (multiple of 4). */
  ipOptions?: number;
  /** TCP options bytes (multiple of 4). */
  tcpOptions?: number;
  protocol?: number;
  fragment?: number;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const FIN = 0x01;
export const RST = 0x04;

export function ip(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number);
  return ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
}

/** Writes the datagram into `out` at `at` (or a new array); returns the bytes written. */
export function writeTcpPacket(spec: TcpPacketSpec, out: Uint8Array, at = 0): number {
  const ihl = 20 + (spec.ipOptions ?? 0);
  const thl = 20 + (spec.tcpOptions ?? 0);
  const total = ihl + thl + (spec.payload ?? 0);
  out.fill(0, at, at + total);
  out[at] = 0x40 | (ihl >>> 2);
  out[at + 2] = total >>> 8;
  out[at + 3] = total & 0xff;
  const frag = spec.fragment ?? 0x4000; // DF
  out[at + 6] = frag >>> 8;
  out[at + 7] = frag & 0xff;
  out[at + 8] = 64;
  out[at + 9] = spec.protocol ?? 6;
  for (let i = 0; i < 4; i++) {
    out[at + 12 + i] = (spec.src >>> (24 - 8 * i)) & 0xff;
    out[at + 16 + i] = (spec.dst >>> (24 - 8 * i)) & 0xff;
  }
  const t = at + ihl;
  out[t] = spec.sport >>> 8;
  out[t + 1] = spec.sport & 0xff;
  out[t + 2] = spec.dport >>> 8;
  out[t + 3] = spec.dport & 0xff;
  out[t + 12] = (thl >>> 2) << 4;
  out[t + 13] = spec.flags ?? ACK;
  return total;
}

export function tcpPacket(spec: TcpPacketSpec): Uint8Array {
  const out = new Uint8Array(20 + (spec.ipOptions ?? 0) + 20 + (spec.tcpOptions ?? 0) + (spec.payload ?? 0));
  writeTcpPacket(spec, out);
  return out;
}
