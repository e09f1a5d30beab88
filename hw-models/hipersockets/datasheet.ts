// HiperSockets (IQD CHPID) parameters. The frame sizes and MTUs are IBM's (z/OS Communications Server: IP
// Configuration Guide, "HiperSockets maximum frame size": IOCP's OS= on the IQD CHPID picks the MFS, TCP/IP
// derives its MTU from it). HiperSockets has no published per-frame latency or copy rate; those are assumed.

import { NS, US } from '../../src/kernel/index.js';

export const IQD = {
  /** Maximum frame size (KB) -> the TCP/IP MTU over it (bytes): OS=00 16 KB (default) -> 8 KB, OS=40 24 KB ->
   *  16 KB, OS=80 40 KB -> 32 KB, OS=C0 64 KB -> 56 KB (IP Configuration Guide, "HiperSockets maximum frame
   *  size"). */
  mtuByMfsKb: { 16: 8 * 1024, 24: 16 * 1024, 40: 32 * 1024, 64: 56 * 1024 } as Readonly<Record<number, number>>,
  defaultMfsKb: 16,
  /** Default CHPID number (assumed: any free CHPID; F4 is a common choice in IBM's examples). */
  defaultChpid: 'F4',
  /** The sending CP's SIGA write and the receiver's completion each way, per frame (assumed; the link
   *  latency of the LPAR-IQD links, so a frame takes 2 x this plus its copy). */
  signalPs: 1 * US,
  /** Memory-to-memory copy rate of one write, bytes per second (assumed: a CP's memcpy within one CPC). */
  copyBytesPerSecond: 8e9,
} as const;

/** The MTU of an IQD CHPID with maximum frame size `mfsKb` (16 KB when it is not one of IBM's four). */
export function iqdMtu(mfsKb: number): number {
  return IQD.mtuByMfsKb[mfsKb] ?? IQD.mtuByMfsKb[IQD.defaultMfsKb]!;
}

/** Time to copy `bytes` from the sender's to the receiver's buffers, ps (integer). */
export function iqdCopyPs(bytes: number): number {
  return Math.ceil((bytes * 1e12) / IQD.copyBytesPerSecond / NS) * NS;
}
