// What a frame costs on an Ethernet wire, and the MAC addresses the models give themselves.

/** Preamble + start delimiter (8), FCS (4) and the minimum inter-frame gap (12): IEEE 802.3 clause 4/35. */
const PER_FRAME_OVERHEAD = 8 + 4 + 12;
/** The shortest frame without FCS (64 bytes with it). */
const MIN_FRAME = 60;

/** Bytes a frame of `length` (header + payload, no FCS) occupies on the wire, padding and gap included:
 *  the serialisation time at line rate is this times 8 / bit rate. */
export function wireBytes(length: number): number {
  return (length < MIN_FRAME ? MIN_FRAME : length) + PER_FRAME_OVERHEAD;
}

/** A stable, locally administered unicast MAC for a component name (02:xx:xx:xx:xx:xx from FNV-1a), so that
 *  MACs do not depend on the order components were built in. */
export function macFor(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return 0x02_00_0000_0000 + ((h >>> 0) * 0x100 + (name.length & 0xff));
}

/** True for broadcast and multicast destinations (the I/G bit of the first byte). */
export function isGroupMac(mac: number): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}
