// The built-in HTTP/1.1 server: any GET is answered 200 with a body of `/<digits>` bytes (e.g. GET /4096) or
// the configured default size. The server closes after the response unless the request asked for
// `Connection: keep-alive`; requests may arrive split over any number of segments, and pipelined ones are
// answered in order. Bodies are streamed from a shared pattern as the send buffer drains, so a large body
// costs no memory.

import type { TcpConnection } from '../connection.js';
import type { TcpEngine } from '../engine.js';
import type { TcpListener } from '../listener.js';
import type { TcpHandler, TcpResult } from '../types.js';
import {
  BODY_PATTERN,
  ByteAccumulator,
  decimal,
  encodeAscii,
  equalsAscii,
  findHeaderEnd,
  HeaderCursor,
  hasTokenIn,
  indexOfByte,
  lineEnd,
} from './http-text.js';

export interface HttpServerOptions {
  /** Body size when the path names none (bytes). */
  readonly defaultBody?: number;
  /** A request head larger than this is answered 431 and the connection closed. */
  readonly maxHeader?: number;
}

export interface HttpServerStats {
  connections: number;
  requests: number;
  /** Responses by status code. */
  responses: Record<number, number>;
  bodyBytes: number;
}

class HttpConnState {
  readonly inbox = new ByteAccumulator();
  /** Request body bytes still to be skipped (a Content-Length on a GET). */
  skip = 0;
  /** Response body bytes still to send, and sent so far (for the pattern offset). */
  bodyLeft = 0;
  bodySent = 0;
  /** Part of a response head the send buffer could not take yet. */
  headLeft: Uint8Array | null = null;
  closeAfter = false;
  peerClosed = false;
  /** A parse error or the end of the conversation: no more requests are read. */
  done = false;
}

export class HttpServer implements TcpHandler {
  readonly stats: HttpServerStats = { connections: 0, requests: 0, responses: {}, bodyBytes: 0 };
  private readonly defaultBody: number;
  private readonly maxHeader: number;
  private readonly request = new RequestHead();
  private readonly heads = new ResponseHeads();

  constructor(
    private readonly engine: TcpEngine,
    options: HttpServerOptions = {},
  ) {
    this.defaultBody = Math.max(0, Math.floor(options.defaultBody ?? 4096));
    this.maxHeader = options.maxHeader ?? 8192;
  }

  listen(now: number, ip: number, port = 80, backlog = 0): TcpResult<TcpListener> {
    return this.engine.listen(now, ip, port, backlog, this);
  }

  onAccept(_now: number, conn: TcpConnection): void {
    this.stats.connections++;
    conn.user = new HttpConnState();
  }

  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    const st = conn.user as HttpConnState | null;
    if (st === null || st.done) return;
    let start = 0;
    if (st.skip > 0) {
      start = Math.min(st.skip, data.length);
      st.skip -= start;
    }
    if (start < data.length) st.inbox.borrow(data, start);
    this.serve(now, conn, st);
    st.inbox.settle(); // `data` belongs to the engine: keep a copy of any unread part
  }

  onWritable(now: number, conn: TcpConnection): void {
    const st = conn.user as HttpConnState | null;
    if (st !== null) this.serve(now, conn, st);
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    const st = conn.user as HttpConnState | null;
    if (st === null) return;
    st.peerClosed = true;
    this.serve(now, conn, st);
  }

  /** The conversation is over (the connection may linger in TIME_WAIT for minutes): let its state go. */
  onClosed(_now: number, conn: TcpConnection): void {
    conn.user = null;
  }

  /** Streams the current body, then parses and answers the next complete request, while the send buffer
   *  has room. */
  private serve(now: number, conn: TcpConnection, st: HttpConnState): void {
    this.engine.cork(conn);
    this.answer(now, conn, st);
    this.engine.uncork(now, conn);
  }

  private answer(now: number, conn: TcpConnection, st: HttpConnState): void {
    for (;;) {
      if (st.headLeft !== null && !this.streamHead(now, conn, st)) return; // send buffer full: onWritable resumes
      if (st.bodyLeft > 0 && !this.streamBody(now, conn, st)) return;
      if (st.closeAfter || st.done) {
        st.done = true;
        this.engine.close(now, conn);
        return;
      }
      if (!this.nextRequest(st)) {
        if (st.peerClosed) {
          st.done = true;
          this.engine.close(now, conn);
        }
        return;
      }
    }
  }

  private streamHead(now: number, conn: TcpConnection, st: HttpConnState): boolean {
    const head = st.headLeft!;
    const n = this.engine.write(now, conn, head);
    if (n < 0 || n === head.length) {
      st.headLeft = null;
      if (n < 0) st.bodyLeft = 0;
      return true;
    }
    st.headLeft = head.subarray(n);
    return false;
  }

  private streamBody(now: number, conn: TcpConnection, st: HttpConnState): boolean {
    while (st.bodyLeft > 0) {
      const off = st.bodySent % BODY_PATTERN.length;
      const n = this.engine.write(now, conn, BODY_PATTERN, off, Math.min(st.bodyLeft, BODY_PATTERN.length - off));
      if (n <= 0) {
        if (n < 0) st.bodyLeft = 0; // the connection is gone
        return n < 0;
      }
      st.bodyLeft -= n;
      st.bodySent += n;
      this.stats.bodyBytes += n;
    }
    return true;
  }

  /** Answers one complete request from the inbox; false when none is complete yet. */
  private nextRequest(st: HttpConnState): boolean {
    const box = st.inbox;
    const end = findHeaderEnd(box.bytes, box.length);
    if (end < 0) {
      if (box.length > this.maxHeader) this.respond(st, 431, 0, false, false);
      return box.length > this.maxHeader;
    }
    const r = this.request.parse(box.bytes, end - 4);
    const rest = box.length - end;
    box.consume(end);
    this.stats.requests++;
    if (r === RequestCheck.Malformed) {
      this.respond(st, 400, 0, false, false);
      return true;
    }
    const q = this.request;
    if (q.transferEncoding) {
      this.respond(st, 501, 0, false, false); // chunked request bodies are not supported
      return true;
    }
    if (q.contentLength !== NONE) {
      if (q.contentLength < 0) {
        this.respond(st, 400, 0, false, false);
        return true;
      }
      const have = Math.min(q.contentLength, rest);
      box.consume(have);
      st.skip = q.contentLength - have;
    }
    if (q.method === Method.Other) {
      this.respond(st, 405, 0, false, false);
      return true;
    }
    this.respond(st, 200, q.bodySize >= 0 ? q.bodySize : this.defaultBody, q.keepAlive, q.method === Method.Head);
    return true;
  }

  private respond(st: HttpConnState, status: number, size: number, keepAlive: boolean, headOnly: boolean): void {
    this.stats.responses[status] = (this.stats.responses[status] ?? 0) + 1;
    st.headLeft = this.heads.get(status, size, keepAlive);
    st.bodyLeft = headOnly ? 0 : size;
    st.bodySent = 0;
    if (!keepAlive) st.closeAfter = true;
  }
}

const enum Method {
  Get,
  Head,
  Other,
}

const enum RequestCheck {
  Ok,
  Malformed,
}

const SP = 0x20;
const SLASH = 0x2f;
const QUESTION = 0x3f;

/** contentLength when the request has none (a present but invalid one is -1). */
const NONE = -2;

/** What the server needs from a request head, read in place from its bytes (no strings, no allocation). */
class RequestHead {
  method = Method.Other;
  /** The body size a `/<digits>` path asks for (a query string is ignored), else -1. */
  bodySize = -1;
  keepAlive = false;
  transferEncoding = false;
  contentLength = NONE;
  private readonly cursor = new HeaderCursor();

  /** Reads the head in b[0, end) (`end` excludes the closing blank line): the request line must be
   *  `METHOD SP TARGET SP HTTP/1.0|1.1`, and every header line needs a name and a colon. */
  parse(b: Uint8Array, end: number): RequestCheck {
    const eol = lineEnd(b, end);
    const sp1 = indexOfByte(b, SP, 0, eol);
    const sp2 = indexOfByte(b, SP, sp1 + 1, eol);
    if (sp2 >= eol || indexOfByte(b, SP, sp2 + 1, eol) < eol) return RequestCheck.Malformed;
    if (!equalsAscii(b, sp2 + 1, eol, 'HTTP/1.1') && !equalsAscii(b, sp2 + 1, eol, 'HTTP/1.0')) return RequestCheck.Malformed;
    this.method = equalsAscii(b, 0, sp1, 'GET') ? Method.Get : equalsAscii(b, 0, sp1, 'HEAD') ? Method.Head : Method.Other;
    const pathEnd = indexOfByte(b, QUESTION, sp1 + 1, sp2);
    this.bodySize = b[sp1 + 1] === SLASH ? decimal(b, sp1 + 2, pathEnd) : -1;
    let connKeepAlive = false;
    let connClose = false;
    this.transferEncoding = false;
    this.contentLength = NONE;
    const c = this.cursor.reset(b, Math.min(end, eol + 2), end);
    while (c.next()) {
      if (c.nameIs('connection')) {
        connKeepAlive ||= hasTokenIn(b, c.valueStart, c.valueEnd, 'keep-alive');
        connClose ||= hasTokenIn(b, c.valueStart, c.valueEnd, 'close');
      } else if (c.nameIs('transfer-encoding')) {
        this.transferEncoding = true;
      } else if (c.nameIs('content-length')) {
        // A repeated Content-Length is as bad as an unreadable one.
        this.contentLength = this.contentLength === NONE ? decimal(b, c.valueStart, c.valueEnd) : -1;
      }
    }
    if (c.malformed) return RequestCheck.Malformed;
    this.keepAlive = connKeepAlive && !connClose;
    return RequestCheck.Ok;
  }
}

/** Encoded response heads by status, body size and keep-alive: the same few heads are sent over and over,
 *  and the send buffer copies them, so one shared copy each will do. */
class ResponseHeads {
  private readonly cache = new Map<number, Uint8Array>();

  get(status: number, size: number, keepAlive: boolean): Uint8Array {
    const key = (size * 1024 + status) * 2 + (keepAlive ? 1 : 0);
    const hit = Number.isSafeInteger(key) ? this.cache.get(key) : undefined;
    if (hit !== undefined) return hit;
    const reason = REASONS[status] ?? 'Error';
    let text = `HTTP/1.1 ${status} ${reason}\r\nServer: sysplex-emu\r\nContent-Type: text/plain\r\nContent-Length: ${size}\r\n`;
    if (status === 405) text += 'Allow: GET, HEAD\r\n';
    text += `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
    const head = encodeAscii(text);
    if (this.cache.size < 256 && Number.isSafeInteger(key)) this.cache.set(key, head);
    return head;
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};
