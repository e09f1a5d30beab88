// Builders of synthetic captures for the tests: every format variant the readers claim to read, built byte by
// byte here (independently of src/capture) so a reader bug cannot hide behind a matching writer bug.

/** Growable byte buffer with explicit byte order. */
export class Bytes {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  length = 0;
  constructor(public littleEndian = true) {}

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf);
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v;
    return this;
  }
  u16(v: number, le = this.littleEndian): this {
    this.room(2);
    this.dv.setUint16(this.length, v, le);
    this.length += 2;
    return this;
  }
  u32(v: number, le = this.littleEndian): this {
    this.room(4);
    this.dv.setUint32(this.length, v >>> 0, le);
    this.length += 4;
    return this;
  }
  i64(v: bigint, le = this.littleEndian): this {
    this.room(8);
    this.dv.setBigInt64(this.length, v, le);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }
  setU32(at: number, v: number, le = this.littleEndian): void {
    this.dv.setUint32(at, v >>> 0, le);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function ip(a: string): number[] {
  return a.split('.').map(Number);
}

function checksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface TcpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  /** TCP flag bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16. */
  flags: number;
  payload?: Uint8Array;
  id?: number;
}

/** An IPv4 datagram carrying TCP, both checksums correct. */
export function ipv4Tcp(t: TcpSpec): Uint8Array {
  const payload = t.payload ?? new Uint8Array(0);
  const total = 20 + 20 + payload.length;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  b[0] = 0x45;
  dv.setUint16(2, total);
  dv.setUint16(4, t.id ?? 1);
  dv.setUint16(6, 0x4000); // DF
  b[8] = 64;
  b[9] = 6;
  b.set(ip(t.src), 12);
  b.set(ip(t.dst), 16);
  dv.setUint16(10, checksum(b, 0, 20));
  dv.setUint16(20, t.sport);
  dv.setUint16(22, t.dport);
  dv.setUint32(24, t.seq >>> 0);
  dv.setUint32(28, t.ack >>> 0);
  b[32] = 5 << 4;
  b[33] = t.flags;
  dv.setUint16(34, 65535);
  b.set(payload, 40);
  // Pseudo-header: source, destination, zero, protocol, TCP length.
  let pseudo = 0;
  for (let i = 12; i < 20; i += 2) pseudo += (b[i]! << 8) | b[i + 1]!;
  pseudo += 6 + (total - 20);
  dv.setUint16(36, checksum(b, 20, total, pseudo));
  return b;
}

/** A minimal IPv4 datagram (protocol 253, experimental) with a recognisable payload. */
export function ipv4(payloadLen: number, seed = 1): Uint8Array {
  const total = 20 + payloadLen;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  b[0] = 0x45;
  dv.setUint16(2, total);
  b[8] = 64;
  b[9] = 253;
  b.set([10, 1, 1, seed & 0xff], 12);
  b.set([198, 51, 100, 2], 16);
  dv.setUint16(10, checksum(b, 0, 20));
  for (let i = 20; i < total; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

export interface EthOptions {
  etherType?: number;
  /** VLAN ids, outermost first; the outer one uses `outerTpid`. */
  vlans?: number[];
  outerTpid?: number;
  /** Pad to the 60-byte Ethernet minimum, as a NIC does. */
  pad?: boolean;
}

export const CLIENT_MAC = [0x02, 0, 0, 0, 0xc0, 0x02];
export const SERVER_MAC = [0x02, 0, 0, 0, 0x5e, 0x02];

export function ethernet(payload: Uint8Array, o: EthOptions = {}): Uint8Array {
  const b = new Bytes(false);
  b.bytes(Uint8Array.from(SERVER_MAC)).bytes(Uint8Array.from(CLIENT_MAC));
  const vlans = o.vlans ?? [];
  vlans.forEach((id, i) => {
    b.u16(i === 0 && vlans.length > 1 ? (o.outerTpid ?? 0x88a8) : 0x8100);
    b.u16((3 << 13) | id);
  });
  b.u16(o.etherType ?? 0x0800).bytes(payload);
  if (o.pad) while (b.length < 60) b.u8(0);
  return b.done();
}

/** Linux cooked capture v1 header (16 bytes) + payload, as `tcpdump -i any` wrote before libpcap 1.10. */
export function sll(payload: Uint8Array, etherType = 0x0800): Uint8Array {
  const b = new Bytes(false);
  b.u16(0) // packet type: to us
    .u16(1) // ARPHRD_ETHER
    .u16(6)
    .bytes(Uint8Array.from([...CLIENT_MAC, 0, 0]))
    .u16(etherType)
    .bytes(payload);
  return b.done();
}

/** Linux cooked capture v2 header (20 bytes) + payload. */
export function sll2(payload: Uint8Array, etherType = 0x0800): Uint8Array {
  const b = new Bytes(false);
  b.u16(etherType)
    .u16(0)
    .u32(3) // interface index
    .u16(1) // ARPHRD_ETHER
    .u8(0) // packet type
    .u8(6)
    .bytes(Uint8Array.from([...CLIENT_MAC, 0, 0]))
    .bytes(payload);
  return b.done();
}

export interface PcapRecord {
  sec: number;
  /** Microseconds, or nanoseconds for the nanosecond magic. */
  frac: number;
  data: Uint8Array;
  origLen?: number;
}

export interface PcapSpec {
  nanosecond?: boolean;
  bigEndian?: boolean;
  /** The Kuznetsov "modified" format, with 8 more bytes per record header. */
  modified?: boolean;
  linkType?: number;
  snapLen?: number;
  records: PcapRecord[];
}

export function pcapFile(s: PcapSpec): Uint8Array {
  const b = new Bytes(!s.bigEndian);
  b.u32(s.modified ? 0xa1b2cd34 : s.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(s.snapLen ?? 262144)
    .u32(s.linkType ?? 1);
  for (const r of s.records) {
    b.u32(r.sec).u32(r.frac).u32(r.data.length).u32(r.origLen ?? r.data.length);
    if (s.modified) b.u32(2).u16(0x0800).u8(0).u8(0);
    b.bytes(r.data);
  }
  return b.done();
}

export interface IfOptions {
  snapLen?: number;
  /** The raw if_tsresol byte (bit 7 set = power of 2); omitted = default 10^-6. */
  tsresol?: number;
  tsoffset?: bigint;
  name?: string;
}

/** pcapng built block by block; each `section` may switch byte order. */
export class PcapngBuilder {
  private out: Uint8Array[] = [];
  private le = true;

  private block(type: number, body: (b: Bytes) => void): this {
    const b = new Bytes(this.le);
    b.u32(type).u32(0);
    body(b);
    b.pad4();
    const total = b.length + 4;
    b.u32(total);
    b.setU32(4, total);
    this.out.push(b.done());
    return this;
  }

  private static option(b: Bytes, code: number, value: Uint8Array): void {
    b.u16(code).u16(value.length).bytes(value).pad4();
  }

  section(opts: { bigEndian?: boolean; comment?: string } = {}): this {
    this.le = !opts.bigEndian;
    return this.block(0x0a0d0d0a, (b) => {
      b.u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff);
      if (opts.comment !== undefined) {
        PcapngBuilder.option(b, 1, new TextEncoder().encode(opts.comment));
        b.u32(0);
      }
    });
  }

  iface(linkType: number, o: IfOptions = {}): this {
    return this.block(1, (b) => {
      b.u16(linkType).u16(0).u32(o.snapLen ?? 0);
      let any = false;
      if (o.name !== undefined) {
        PcapngBuilder.option(b, 2, new TextEncoder().encode(o.name));
        any = true;
      }
      if (o.tsresol !== undefined) {
        PcapngBuilder.option(b, 9, Uint8Array.of(o.tsresol));
        any = true;
      }
      if (o.tsoffset !== undefined) {
        const v = new Bytes(this.le).i64(o.tsoffset).done();
        PcapngBuilder.option(b, 14, v);
        any = true;
      }
      if (any) b.u32(0);
    });
  }

  /** Enhanced Packet Block; `ts` in the interface's units. */
  epb(ifId: number, ts: bigint, data: Uint8Array, o: { origLen?: number; comment?: string } = {}): this {
    return this.block(6, (b) => {
      b.u32(ifId)
        .u32(Number(ts >> 32n))
        .u32(Number(ts & 0xffffffffn))
        .u32(data.length)
        .u32(o.origLen ?? data.length)
        .bytes(data)
        .pad4();
      if (o.comment !== undefined) {
        PcapngBuilder.option(b, 1, new TextEncoder().encode(o.comment));
        b.u32(0);
      }
    });
  }

  /** Obsolete Packet Block (type 2). */
  pb(ifId: number, ts: bigint, data: Uint8Array): this {
    return this.block(2, (b) => {
      b.u16(ifId)
        .u16(0)
        .u32(Number(ts >> 32n))
        .u32(Number(ts & 0xffffffffn))
        .u32(data.length)
        .u32(data.length)
        .bytes(data);
    });
  }

  /** Simple Packet Block: no interface id, no timestamp. */
  spb(data: Uint8Array, origLen = data.length): this {
    return this.block(3, (b) => {
      b.u32(origLen).bytes(data);
    });
  }

  /** Name Resolution Block with one IPv4 record. */
  nrb(): this {
    return this.block(4, (b) => {
      const name = new TextEncoder().encode('dvipa.example\0');
      b.u16(1).u16(4 + name.length).bytes(Uint8Array.of(10, 1, 1, 10)).bytes(name).pad4();
      b.u16(0).u16(0);
    });
  }

  /** Interface Statistics Block. */
  isb(ifId: number): this {
    return this.block(5, (b) => {
      b.u32(ifId).u32(0).u32(0);
      PcapngBuilder.option(b, 4, new Bytes(this.le).i64(0n).done()); // isb_ifrecv
      b.u32(0);
    });
  }

  /** Decryption Secrets Block (TLS key log). */
  dsb(): this {
    return this.block(0x0000000a, (b) => {
      const secrets = new TextEncoder().encode('CLIENT_RANDOM 00 00\n');
      b.u32(0x544c534b).u32(secrets.length).bytes(secrets);
    });
  }

  /** Custom block (copiable or not) with a private enterprise number and opaque data. */
  custom(noCopy = false): this {
    return this.block(noCopy ? 0x40000bad : 0x00000bad, (b) => {
      b.u32(32473).bytes(Uint8Array.of(1, 2, 3, 4, 5));
    });
  }

  /** Raw bytes appended as they are (for damaged-file tests). */
  raw(bytes: Uint8Array): this {
    this.out.push(bytes);
    return this;
  }

  build(): Uint8Array {
    const total = this.out.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let o = 0;
    for (const c of this.out) {
      all.set(c, o);
      o += c.length;
    }
    return all;
  }
}
