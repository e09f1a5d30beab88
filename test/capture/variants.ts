// Every format variant the readers claim, as synthetic files with the IPv4 packets each frame must yield.
// Shared by the decoding tests and the fuzzing seeds.

import { Bytes, ethernet, ipv4, PcapngBuilder, pcapFile, sll, sll2 } from './synth.js';

export interface Variant {
  name: string;
  bytes: Uint8Array;
  /** Per frame: the IPv4 packet it carries, or null for a frame without IPv4. */
  ipv4: (Uint8Array | null)[];
  /** Per frame: [seconds, nanoseconds]. */
  times: [number, number][];
  linkTypes: number[];
  ifIndex?: number[];
  vlanIds?: number[];
}

const T0 = 1_795_586_328;
const p1 = ipv4(40, 1);
const p2 = ipv4(1000, 2);
const p3 = ipv4(6, 3); // 26 bytes: padded to the Ethernet minimum

function pcapVariant(name: string, linkType: number, frame: (p: Uint8Array) => Uint8Array, opts: { nanosecond?: boolean; bigEndian?: boolean; modified?: boolean } = {}): Variant {
  const packets = [p1, p2, p3];
  const frac = (i: number) => (opts.nanosecond ? 123_456_789 + i : 654_321 + i);
  return {
    name,
    bytes: pcapFile({ ...opts, linkType, records: packets.map((p, i) => ({ sec: T0 + i, frac: frac(i), data: frame(p) })) }),
    ipv4: packets,
    times: packets.map((_, i) => [T0 + i, opts.nanosecond ? frac(i) : frac(i) * 1000]),
    linkTypes: packets.map(() => linkType),
  };
}

/** The NULL/loopback header: address family 2 (AF_INET) in little-endian host order. */
const nullLoop = (p: Uint8Array) => new Bytes(true).u32(2).bytes(p).done();

export function pcapVariants(): Variant[] {
  return [
    pcapVariant('pcap microseconds little-endian Ethernet', 1, (p) => ethernet(p, { pad: true })),
    pcapVariant('pcap microseconds big-endian Ethernet', 1, (p) => ethernet(p, { pad: true }), { bigEndian: true }),
    pcapVariant('pcap nanoseconds little-endian Ethernet', 1, (p) => ethernet(p), { nanosecond: true }),
    pcapVariant('pcap nanoseconds big-endian Ethernet', 1, (p) => ethernet(p), { nanosecond: true, bigEndian: true }),
    pcapVariant('pcap modified (Kuznetsov) records', 1, (p) => ethernet(p), { modified: true }),
    {
      ...pcapVariant('pcap 802.1Q tag', 1, (p) => ethernet(p, { vlans: [100], pad: true })),
      vlanIds: [100, 100, 100],
    },
    {
      ...pcapVariant('pcap QinQ 802.1ad + 802.1Q', 1, (p) => ethernet(p, { vlans: [200, 10] })),
      vlanIds: [200, 200, 200],
    },
    {
      ...pcapVariant('pcap QinQ with the old 0x9100 outer tag', 1, (p) => ethernet(p, { vlans: [300, 20], outerTpid: 0x9100 }), { bigEndian: true }),
      vlanIds: [300, 300, 300],
    },
    pcapVariant('pcap Linux cooked SLL (113)', 113, (p) => sll(p)),
    pcapVariant('pcap Linux cooked SLL2 (276)', 276, (p) => sll2(p), { nanosecond: true }),
    pcapVariant('pcap raw IP (101)', 101, (p) => p),
    pcapVariant('pcap raw IP (12, BSD DLT_RAW)', 12, (p) => p),
    pcapVariant('pcap raw IP (14, OpenBSD DLT_RAW)', 14, (p) => p),
    pcapVariant('pcap IPv4 (228)', 228, (p) => p, { bigEndian: true }),
    pcapVariant('pcap BSD loopback (0)', 0, nullLoop),
    {
      name: 'pcap Ethernet with ARP and IPv6 beside IPv4',
      bytes: pcapFile({
        records: [
          { sec: T0, frac: 1, data: ethernet(new Uint8Array(28), { etherType: 0x0806, pad: true }) },
          { sec: T0, frac: 2, data: ethernet(new Uint8Array(48).fill(0x60, 0, 1), { etherType: 0x86dd }) },
          { sec: T0, frac: 3, data: ethernet(p1) },
        ],
      }),
      ipv4: [null, null, p1],
      times: [
        [T0, 1000],
        [T0, 2000],
        [T0, 3000],
      ],
      linkTypes: [1, 1, 1],
    },
  ];
}

export function pcapngVariants(): Variant[] {
  // Section 1, little-endian: Ethernet in microseconds (default), SLL2 in nanoseconds, raw IP in 2^-20 s with
  // an offset of 1000 s. Section 2, big-endian: QinQ Ethernet in nanoseconds, SLL in milliseconds.
  const twoSections = new PcapngBuilder()
    .section({ comment: 'first section' })
    .iface(1, { name: 'eth0', snapLen: 65535 })
    .iface(276, { name: 'any', tsresol: 9 })
    .iface(101, { tsresol: 0x80 | 20, tsoffset: 1000n })
    .epb(0, BigInt(T0) * 1_000_000n + 250_000n, ethernet(p1), { comment: 'first frame' })
    .nrb()
    .epb(1, BigInt(T0) * 1_000_000_000n + 999_999_999n, sll2(p2))
    .custom()
    .epb(2, (BigInt(T0) << 20n) + (1n << 19n), p3)
    .isb(0)
    .section({ bigEndian: true })
    .iface(1, { tsresol: 9 })
    .iface(113, { tsresol: 3 })
    .dsb()
    .epb(0, BigInt(T0 + 5) * 1_000_000_000n + 7n, ethernet(p2, { vlans: [42, 7] }))
    .custom(true)
    .epb(1, BigInt(T0 + 6) * 1000n + 5n, sll(p1))
    .isb(1)
    .build();
  const simpleAndObsolete = new PcapngBuilder()
    .section({ bigEndian: true })
    .iface(1, { snapLen: 100, tsresol: 9 })
    .pb(0, BigInt(T0) * 1_000_000_000n + 42n, ethernet(p1))
    .spb(ethernet(p2).subarray(0, 100), ethernet(p2).length) // cut at the snaplen of 100
    .spb(ethernet(p3, { pad: true }))
    .build();
  const picoseconds = new PcapngBuilder()
    .section()
    .iface(228, { tsresol: 12 })
    // 2^64 picoseconds is only 213 days: such files count from a recent origin.
    .epb(0, 86_400n * 1_000_000_000_000n + 123_456_789_999n, p1)
    .build();
  return [
    {
      name: 'pcapng two sections of different byte order, five interfaces, NRB/ISB/DSB/custom blocks',
      bytes: twoSections,
      ipv4: [p1, p2, p3, p2, p1],
      times: [
        [T0, 250_000_000],
        [T0, 999_999_999],
        [T0 + 1000, 500_000_000],
        [T0 + 5, 7],
        [T0 + 6, 5_000_000],
      ],
      linkTypes: [1, 276, 101, 1, 113],
      ifIndex: [0, 1, 2, 3, 4],
      vlanIds: [-1, -1, -1, 42, -1],
    },
    {
      name: 'pcapng obsolete Packet Block and Simple Packet Blocks (previous timestamp)',
      bytes: simpleAndObsolete,
      ipv4: [p1, p2.subarray(0, 86), p3],
      times: [
        [T0, 42],
        [T0, 42],
        [T0, 42],
      ],
      linkTypes: [1, 1, 1],
    },
    {
      name: 'pcapng picosecond resolution (if_tsresol 12)',
      bytes: picoseconds,
      ipv4: [p1],
      times: [[86_400, 123_456_789]],
      linkTypes: [228],
    },
  ];
}

export function allVariants(): Variant[] {
  return [...pcapVariants(), ...pcapngVariants()];
}
