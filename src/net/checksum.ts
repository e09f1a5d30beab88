// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// Sums are kept unfolded in a JS number while summing (exact below 2^53), so folding happens once at the end
// instead of per word.

/** One's-complement sum of `length` bytes from `offset` (big-endian 16-bit words, odd byte padded), added to
 *  `initial`, folded to 16 bits but NOT complemented. Chain calls to sum discontiguous parts (pseudo-header). */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  if (length >= 32) {
    // The hot case is a 1500-byte segment: add 32-bit big-endian words (a word's two halves fold to the same
    // one's-complement sum; up to 2^21 of them fit a double exactly).
    const v = viewOf(bytes);
    const base = bytes.byteOffset;
    const wordsEnd = end - 3;
    for (; i < wordsEnd; i += 4) sum += v.getUint32(base + i);
  }
  const pairsEnd = end - 1;
  for (; i < pairsEnd; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return foldSum(sum);
}

// One DataView over the buffer last summed: packets come from shared slabs (packet-alloc.ts), so it is usually
// the same one, and making a view per packet would cost more than it saves.
let viewBuffer: ArrayBufferLike | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

function viewOf(bytes: Uint8Array): DataView {
  if (bytes.buffer !== viewBuffer) {
    viewBuffer = bytes.buffer;
    view = new DataView(bytes.buffer);
  }
  return view;
}

/** Folds carries of an unfolded one's-complement sum into 16 bits. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for a folded sum: its one's complement. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** The Internet checksum of a byte range (what goes in the header field when the field itself was zero).
 *  Summing a range that includes a correct checksum field gives 0. */
export function internetChecksum(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
  return finishChecksum(onesComplementSum(bytes, offset, length));
}

/** Sum of the IPv4 pseudo-header (RFC 793/768) for TCP or UDP, unfolded-safe. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return foldSum((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}

/** Checksum of a TCP or UDP segment of `length` bytes at `offset` with its IPv4 pseudo-header: 0 when the
 *  checksum field in it is right; with the field zeroed, the value to store. */
export function transportChecksum(protocol: number, src: number, dst: number, bytes: Uint8Array, offset: number, length: number): number {
  return finishChecksum(onesComplementSum(bytes, offset, length, pseudoHeaderSum(src, dst, protocol, length)));
}

/** RFC 1624 eqn. 3: the new checksum after a 16-bit word of the covered data changes from `oldWord` to
 *  `newWord`: HC' = ~(~HC + ~m + m'). */
export function checksumAdjust16(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** The new checksum after a 32-bit value (an IPv4 address) of the covered data changes. */
export function checksumAdjust32(checksum: number, oldValue: number, newValue: number): number {
  const sum =
    (~checksum & 0xffff) +
    (~(oldValue >>> 16) & 0xffff) +
    (~oldValue & 0xffff) +
    ((newValue >>> 16) & 0xffff) +
    (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}
