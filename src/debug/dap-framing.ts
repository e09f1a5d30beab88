// The DAP wire format checked before anything reaches the session: `Content-Length: N\r\n\r\n` then N bytes of
// JSON, one protocol message. The library's own reader waits forever for a header that never comes, believes
// any length, and throws on JSON that is not an object; a socket is outside input, so it is validated here and
// the first thing that is not DAP ends that client's connection (the run itself is not touched).

import type { DebugProtocol } from '@vscode/debugprotocol';

const MAX_HEADER = 1024;
/** The largest message accepted (a setFunctionBreakpoints with thousands of entries is far below it). */
export const MAX_BODY = 16 * 1024 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

export class DapFrameGuard {
  private buf: Buffer = Buffer.alloc(0);
  private bodyLength = -1;
  private broken = false;
  messages = 0;

  constructor(
    private readonly onMessage: (m: DebugProtocol.ProtocolMessage) => void,
    private readonly onGarbage: (why: string) => void,
  ) {}

  /** Bytes of a message begun but not complete (a client that went away mid-request leaves some). */
  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Takes bytes from the socket; false once they stopped being DAP (the caller closes the connection). */
  push(chunk: Buffer): boolean {
    if (this.broken) return false;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.bodyLength < 0) {
        const end = this.buf.indexOf(CRLF2);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER) return this.garbage(`no DAP header (Content-Length: N, then an empty line) in the first ${MAX_HEADER} bytes${preview(this.buf)}`);
          if (this.buf.length > 0 && !/^[\x20-\x7e\r\n]*$/.test(this.buf.toString('latin1'))) return this.garbage(`binary data where a DAP header belongs${preview(this.buf)}`);
          return true;
        }
        const header = this.buf.subarray(0, end).toString('latin1');
        const length = parseHeader(header);
        if (typeof length === 'string') return this.garbage(length);
        this.bodyLength = length;
        this.buf = this.buf.subarray(end + CRLF2.length);
      }
      if (this.buf.length < this.bodyLength) return true;
      const body = this.buf.subarray(0, this.bodyLength);
      this.buf = this.buf.subarray(this.bodyLength);
      this.bodyLength = -1;
      const msg = parseBody(body);
      if (typeof msg === 'string') return this.garbage(msg);
      this.messages++;
      this.onMessage(msg);
      if (this.broken) return false;
    }
  }

  private garbage(why: string): false {
    this.broken = true;
    this.buf = Buffer.alloc(0);
    this.onGarbage(why);
    return false;
  }
}

/** The body length a header announces, or what is wrong with it. */
function parseHeader(header: string): number | string {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (m === null) return `not a DAP header line: ${JSON.stringify(line.slice(0, 60))}`;
    if (m[1]!.toLowerCase() !== 'content-length') continue;
    if (!/^\d{1,9}$/.test(m[2]!.trim())) return `Content-Length ${JSON.stringify(m[2]!.slice(0, 20))} is not a byte count`;
    length = Number(m[2]!.trim());
  }
  if (length === undefined) return 'a DAP header without Content-Length';
  if (length === 0) return 'an empty DAP message (Content-Length: 0)';
  if (length > MAX_BODY) return `a DAP message of ${length} bytes (at most ${MAX_BODY} accepted)`;
  return length;
}

function parseBody(body: Buffer): DebugProtocol.ProtocolMessage | string {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `a DAP message that is not JSON (${(err as Error).message})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'a DAP message that is not a JSON object';
  const m = v as Record<string, unknown>;
  if (typeof m.seq !== 'number' || !Number.isSafeInteger(m.seq)) return 'a DAP message without a numeric seq';
  if (m.type === 'request') {
    if (typeof m.command !== 'string' || m.command === '') return 'a DAP request without a command';
    return m as unknown as DebugProtocol.Request;
  }
  if (m.type === 'response') return m as unknown as DebugProtocol.Response;
  return `a DAP message of type ${JSON.stringify(m.type)} (a client sends requests)`;
}

function preview(b: Buffer): string {
  const text = b.subarray(0, 32).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `: ${JSON.stringify(text)}${b.length > 32 ? '...' : ''}`;
}
