// One captured frame as the readers hand it out.

import { EtherType } from '../net/ethernet.js';

/**
 * A frame read from a pcap or pcapng file. `data` is a view into the reader's chunk buffer, which the reader
 * never overwrites: the frame stays valid after later `next()` calls, and keeping it keeps its chunk alive.
 *
 * Timestamps are exact as `tsSec` + `tsNsec`. `timestampNs` is the same instant as one JS number of nanoseconds
 * since the epoch; a double holds integers exactly only up to 2^53, so around the year 2025 it is rounded to
 * a multiple of 256 ns. Differences of nearby frames should use `tsSec`/`tsNsec`, or `timestampBigNs()`.
 */
export class CaptureFrame {
  constructor(
    /** 0-based position of the frame in the file (Wireshark's frame number minus 1). */
    readonly index: number,
    /** Seconds since the epoch (UTC), pcapng if_tsoffset included. */
    readonly tsSec: number,
    /** Nanoseconds within the second, 0..999 999 999. */
    readonly tsNsec: number,
    /** LINKTYPE_* of the interface the frame was captured on. */
    readonly linkType: number,
    /**
     * Interface number: 0 for pcap; for pcapng the IDB's position counted over all sections of the file, so it
     * is unique in the file (Wireshark's frame.interface_id restarts at 0 in each section: see `interfaces`).
     */
    readonly ifIndex: number,
    /** Length of the frame on the wire; larger than `data.length` when the capture was cut at the snaplen. */
    readonly origLen: number,
    /** The captured bytes. */
    readonly data: Uint8Array,
    /** EtherType of the network layer (0x0800 IPv4 ...), VLAN tags already stripped; 0 when unknown. */
    readonly etherType: number,
    /** Offset of the network-layer header in `data`, -1 when the link header was too short or unknown. */
    readonly l3Offset: number,
    /** Length of the network-layer packet in `data` (IPv4: its total length when sane; no padding, no FCS). */
    readonly l3Length: number,
    /** VLAN id of the outermost tag, -1 when untagged. */
    readonly vlanId: number,
    /** Number of 802.1Q / 802.1ad tags that were stripped. */
    readonly vlanTags: number,
    /** File offset of the record or block the frame came from (for messages). */
    readonly fileOffset: number,
    /** The pcapng opt_comment of the packet block, if any. */
    readonly comment: string | null,
  ) {}

  /** Captured length (= data.length). */
  get capLen(): number {
    return this.data.length;
  }

  /** Nanoseconds since the epoch as a double (see the class comment on precision). */
  get timestampNs(): number {
    return this.tsSec * 1e9 + this.tsNsec;
  }

  /** Nanoseconds since the epoch, exact. */
  timestampBigNs(): bigint {
    return BigInt(this.tsSec) * 1_000_000_000n + BigInt(this.tsNsec);
  }

  /** True when the network layer is IPv4 with at least a minimal header captured. */
  get isIpv4(): boolean {
    return this.etherType === EtherType.IPv4 && this.l3Offset >= 0 && this.l3Length >= 20;
  }

  /** The network-layer packet (tags stripped, padding dropped) as a view of `data`; empty when there is none. */
  l3(): Uint8Array {
    return this.l3Offset < 0 ? this.data.subarray(0, 0) : this.data.subarray(this.l3Offset, this.l3Offset + this.l3Length);
  }

  /** The IPv4 packet as a view of `data`, or null when the frame does not carry IPv4. */
  ipv4(): Uint8Array | null {
    return this.isIpv4 ? this.data.subarray(this.l3Offset, this.l3Offset + this.l3Length) : null;
  }
}

/** What a reader knows about one capture interface. */
export interface CaptureInterface {
  /** Same numbering as CaptureFrame.ifIndex. */
  readonly ifIndex: number;
  readonly linkType: number;
  /** 0 = no limit. */
  readonly snapLen: number;
  /** if_name, or null. */
  readonly name: string | null;
  /** 0-based section of the file the interface belongs to (always 0 for pcap; Wireshark counts from 1). */
  readonly section: number;
  /** The interface id within its section, as packet blocks and Wireshark's frame.interface_id give it. */
  readonly localId: number;
}

/** The pull API the replay engine and the CLI use. */
export interface CaptureReader {
  readonly file: string;
  readonly format: 'pcap' | 'pcapng';
  /** Interfaces defined so far (pcapng defines them as the file goes on). */
  readonly interfaces: readonly CaptureInterface[];
  /** The next frame, or null at the end of the file. Throws CaptureFormatError (or CaptureIoError) only. */
  next(): CaptureFrame | null;
  /** Releases the file descriptor; next() then returns null. Idempotent. */
  close(): void;
}
