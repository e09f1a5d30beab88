// Zero-filled byte buffers for packets in flight, carved from 64 KiB slabs.
//
// Why: in Node 20 `new Uint8Array(n)` above 64 bytes gets its own off-heap ArrayBuffer, which costs several
// times more than a view into a shared one. Every hop of the packet path allocates a buffer (messages on links
// are never mutated after sending), so a busy run makes millions of them; slabs make the throughput scenario
// about 20 % faster. Slabs are never reused: a fresh one is zero-filled, so callers get the same zeroed bytes
// `new Uint8Array(n)` gives. The price is that a buffer pins its whole slab while it lives: use this only for
// short-lived data (a packet or frame on its way), never for state a connection keeps.

const SLAB_BYTES = 64 * 1024;
/** Larger requests get their own buffer: they are rare and would waste most of a slab. */
const MAX_SLICE = 4096;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zero-filled Uint8Array of `length` bytes for a packet in flight. Its `byteOffset` is generally not 0
 *  (a DataView over its `buffer` must pass `byteOffset`). */
export function allocPacket(length: number): Uint8Array {
  if (length > MAX_SLICE) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = new Uint8Array(slab, used, length);
  used += (length + 7) & ~7; // 8-byte alignment keeps the next packet's headers aligned
  return view;
}
