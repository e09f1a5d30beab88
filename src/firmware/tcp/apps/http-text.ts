// Small helpers for HTTP heads, shared by the HTTP server and the emulated client hosts: header blocks are
// ASCII, read byte by byte. The hot paths (the server reading requests, client hosts reading responses) never
// turn a head into strings.

/** Index just past the first CRLFCRLF in bytes[0, len), or -1. */
export function findHeaderEnd(bytes: Uint8Array, len: number, from = 0): number {
  for (let i = Math.max(3, from + 3); i < len; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) return i + 1;
  }
  return -1;
}

export function encodeAscii(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i) & 0xff;
  return b;
}

const NO_BYTES = new Uint8Array(0);

/** A growable byte buffer for request/response heads; it takes memory only once something has to wait in it.
 *  `borrow` reads a caller's bytes in place instead: the caller parses what it can and calls `settle` before
 *  its bytes go away, and only then is any leftover copied. */
export class ByteAccumulator {
  bytes: Uint8Array = NO_BYTES;
  length = 0;
  private borrowed = false;

  append(data: Uint8Array, start = 0, end = data.length): void {
    if (this.borrowed) this.settle();
    const n = end - start;
    if (this.length + n > this.bytes.length) {
      let size = Math.max(256, this.bytes.length * 2);
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.bytes.set(data.subarray(start, end), this.length);
    this.length += n;
  }

  /** Appends data[start, end): in place when the buffer is empty, else by copying. */
  borrow(data: Uint8Array, start: number, end = data.length): void {
    if (this.length > 0) {
      this.append(data, start, end);
      return;
    }
    this.bytes = data.subarray(start, end);
    this.length = end - start;
    this.borrowed = true;
  }

  /** Stops reading borrowed bytes: keeps a copy of what is left of them. */
  settle(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    const rest = this.bytes.subarray(0, this.length);
    this.bytes = NO_BYTES;
    this.length = 0;
    if (rest.length > 0) this.append(rest);
  }

  /** Drops the first n bytes. */
  consume(n: number): void {
    if (this.borrowed) this.bytes = this.bytes.subarray(n);
    else this.bytes.copyWithin(0, n, this.length);
    this.length -= n;
  }
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

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/** Does bytes[start, end) equal `lower` ignoring ASCII case? (`lower` is lower-case ASCII.) */
export function equalsIgnoreCase(bytes: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = bytes[start + i]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The value of 1 to 15 decimal digits in bytes[start, end), or -1. */
export function decimal(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Does the comma-separated list in bytes[start, end) hold `token` (lower-case; compared ignoring case)? */
export function hasTokenIn(bytes: Uint8Array, start: number, end: number, token: string): boolean {
  let s = start;
  while (s <= end) {
    let e = s;
    while (e < end && bytes[e] !== 0x2c) e++;
    let a = s;
    let b = e;
    while (a < b && isOws(bytes[a]!)) a++;
    while (b > a && isOws(bytes[b - 1]!)) b--;
    if (equalsIgnoreCase(bytes, a, b, token)) return true;
    s = e + 1;
  }
  return false;
}

/**
 * Walks the header lines of a head (bytes[from, end), where `end` excludes the blank line that closes the
 * head). After next() returns true, name and value are the trimmed byte ranges of one field. Blank lines are
 * skipped; a line with no colon, or one that starts with it, makes `malformed` true and ends the walk.
 */
export class HeaderCursor {
  nameStart = 0;
  nameEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  malformed = false;
  private bytes: Uint8Array = NO_BYTES;
  private pos = 0;
  private end = 0;

  reset(bytes: Uint8Array, from: number, end: number): this {
    this.bytes = bytes;
    this.pos = from;
    this.end = end;
    this.malformed = false;
    return this;
  }

  next(): boolean {
    const b = this.bytes;
    while (this.pos < this.end) {
      const start = this.pos;
      let eol = start;
      while (eol < this.end && !(b[eol] === CR && b[eol + 1] === LF)) eol++;
      this.pos = eol + 2;
      if (eol === start) continue;
      let colon = start;
      while (colon < eol && b[colon] !== COLON) colon++;
      let ns = start;
      while (ns < colon && isOws(b[ns]!)) ns++;
      if (colon === eol || ns === colon) {
        this.malformed = true;
        this.pos = this.end;
        return false;
      }
      let ne = colon;
      while (ne > ns && isOws(b[ne - 1]!)) ne--;
      let vs = colon + 1;
      let ve = eol;
      while (vs < ve && isOws(b[vs]!)) vs++;
      while (ve > vs && isOws(b[ve - 1]!)) ve--;
      this.nameStart = ns;
      this.nameEnd = ne;
      this.valueStart = vs;
      this.valueEnd = ve;
      return true;
    }
    return false;
  }

  nameIs(lower: string): boolean {
    return equalsIgnoreCase(this.bytes, this.nameStart, this.nameEnd, lower);
  }
}

/** Index of the first `byte` in bytes[from, to), or `to`. */
export function indexOfByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  let i = from;
  while (i < to && bytes[i] !== byte) i++;
  return i;
}

/** Does bytes[start, end) equal the ASCII text `s` exactly? */
export function equalsAscii(bytes: Uint8Array, start: number, end: number, s: string): boolean {
  if (end - start !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[start + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Index of the CRLF that ends the first line of bytes[0, end), or `end`. */
export function lineEnd(bytes: Uint8Array, end: number): number {
  let i = 0;
  while (i < end && !(bytes[i] === CR && bytes[i + 1] === LF)) i++;
  return i;
}

const sharedCursor = new HeaderCursor();

/** The Content-Length of the head in bytes[0, end) (`end` excludes the closing blank line), or -1 when it has
 *  none or it is not a number. */
export function contentLengthOf(bytes: Uint8Array, end: number): number {
  const c = sharedCursor.reset(bytes, Math.min(end, lineEnd(bytes, end) + 2), end);
  while (c.next()) if (c.nameIs('content-length')) return decimal(bytes, c.valueStart, c.valueEnd);
  return -1;
}

/** Finds the end of a response head that may arrive split over any number of segments, and reads its
 *  Content-Length in place. A head that arrives whole (the usual case) is never copied. */
export class ResponseHeadReader {
  /** From the head once it is complete; -1 when it has none. */
  contentLength = -1;
  private partial: ByteAccumulator | null = null;

  /** Takes the next bytes of the response: returns how many of them follow the head (the start of the body),
   *  or -1 while the head is still incomplete. */
  feed(data: Uint8Array): number {
    if (this.partial === null) {
      const end = findHeaderEnd(data, data.length);
      if (end >= 0) {
        this.contentLength = contentLengthOf(data, end - 4);
        return data.length - end;
      }
      this.partial = new ByteAccumulator();
    }
    const acc = this.partial;
    const from = acc.length;
    acc.append(data);
    const end = findHeaderEnd(acc.bytes, acc.length, Math.max(0, from - 3));
    if (end < 0) return -1;
    this.contentLength = contentLengthOf(acc.bytes, end - 4);
    this.partial = null;
    return acc.length - end; // bytes after the head all came in this chunk: earlier ones held no head end
  }
}
