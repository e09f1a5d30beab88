// The built-in HTTP/1.1 server: any GET is answered 200 with a body of `/<digits>` bytes (e.g. GET /4096) or
// the configured default size. The server closes after the response unless the request asked for
// `Connection: keep-alive`; requests may arrive split over any number of segments, and pipelined ones are
// answered in order. Bodies are streamed from a shared pattern as the send buffer drains, so a large body
// costs no memory.

import type { TcpConnection } from '../connection.js';
import type { TcpEngine } from '../engine.js';
import type { TcpListener } from '../listener.js';
import type { TcpHandler, TcpResult } from '../types.js';
import { ascii, BODY_PATTERN, ByteAccumulator, encodeAscii, findHeaderEnd, hasToken, parseHeaderLines } from './http-text.js';

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

const BODY_PATH = /^\/(\d{1,15})$/;

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
    const st = conn.user as HttpConnState;
    if (st.done) return;
    let start = 0;
    if (st.skip > 0) {
      start = Math.min(st.skip, data.length);
      st.skip -= start;
    }
    if (start < data.length) st.inbox.append(data, start);
    this.serve(now, conn, st);
  }

  onWritable(now: number, conn: TcpConnection): void {
    this.serve(now, conn, conn.user as HttpConnState);
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    const st = conn.user as HttpConnState;
    st.peerClosed = true;
    this.serve(now, conn, st);
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
    const head = ascii(box.bytes, 0, end - 4);
    const rest = box.length - end;
    box.consume(end);
    this.stats.requests++;
    const lines = head.split('\r\n');
    const parts = (lines[0] ?? '').split(' ');
    const headers = parseHeaderLines(lines.slice(1));
    if (parts.length !== 3 || !/^HTTP\/1\.[01]$/.test(parts[2]!) || headers === null) {
      this.respond(st, 400, 0, false, false);
      return true;
    }
    const [method, target] = parts as [string, string, string];
    const keepAlive = hasToken(headers.get('connection'), 'keep-alive') && !hasToken(headers.get('connection'), 'close');
    if (headers.has('transfer-encoding')) {
      this.respond(st, 501, 0, false, false); // chunked request bodies are not supported
      return true;
    }
    const cl = headers.get('content-length');
    if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) {
        this.respond(st, 400, 0, false, false);
        return true;
      }
      const bodyLen = Number(cl);
      const have = Math.min(bodyLen, rest);
      box.consume(have);
      st.skip = bodyLen - have;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      this.respond(st, 405, 0, false, false);
      return true;
    }
    const m = BODY_PATH.exec(target.split('?')[0]!);
    const size = m ? Number(m[1]) : this.defaultBody;
    this.respond(st, 200, size, keepAlive, method === 'HEAD');
    return true;
  }

  private respond(st: HttpConnState, status: number, size: number, keepAlive: boolean, headOnly: boolean): void {
    this.stats.responses[status] = (this.stats.responses[status] ?? 0) + 1;
    const reason = REASONS[status] ?? 'Error';
    let text = `HTTP/1.1 ${status} ${reason}\r\nServer: sysplex-emu\r\nContent-Type: text/plain\r\nContent-Length: ${size}\r\n`;
    if (status === 405) text += 'Allow: GET, HEAD\r\n';
    text += `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
    st.headLeft = encodeAscii(text);
    st.bodyLeft = headOnly ? 0 : size;
    st.bodySent = 0;
    if (!keepAlive) st.closeAfter = true;
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};
