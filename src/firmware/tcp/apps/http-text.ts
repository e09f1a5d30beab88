// Small helpers shared by the HTTP server and client: header blocks are ASCII, decoded byte by byte.

/** Index just past the first CRLFCRLF in bytes[0, len), or -1. */
export function findHeaderEnd(bytes: Uint8Array, len: number, from = 0): number {
  for (let i = Math.max(3, from + 3); i < len; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) return i + 1;
  }
  return -1;
}

export function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function encodeAscii(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i) & 0xff;
  return b;
}

/** A growable byte buffer for request/response heads. */
export class ByteAccumulator {
  bytes = new Uint8Array(256);
  length = 0;

  append(data: Uint8Array, start = 0, end = data.length): void {
    const n = end - start;
    if (this.length + n > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.bytes.set(data.subarray(start, end), this.length);
    this.length += n;
  }

  /** Drops the first n bytes. */
  consume(n: number): void {
    this.bytes.copyWithin(0, n, this.length);
    this.length -= n;
  }
}

/** Header lines after the start line, names lower-cased. Returns null when a line has no colon. */
export function parseHeaderLines(lines: string[]): Map<string, string> | null {
  const headers = new Map<string, string>();
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  return headers;
}

/** Does a comma-separated header value hold `token` (case-insensitive)? */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token);
}

/** The body of every response: a fixed printable pattern, so captures are readable and checkable. */
export const BODY_PATTERN: Uint8Array = (() => {
  const line = 'sysplex-emu 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n';
  const b = new Uint8Array(16 * 1024 - (16 * 1024) % line.length);
  for (let i = 0; i < b.length; i++) b[i] = line.charCodeAt(i % line.length);
  return b;
})();

/** Byte i of every response body. */
export function bodyByte(i: number): number {
  return BODY_PATTERN[i % BODY_PATTERN.length]!;
}
