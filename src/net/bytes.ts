// Big-endian field access over Uint8Array without a DataView (no allocation per packet). Reads past the end
// yield 0 for the missing bytes instead of throwing, so callers check lengths once, up front.

export function readU16(b: Uint8Array, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) & 0xffff;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
