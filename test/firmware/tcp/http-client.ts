// The tests' HTTP/1.1 client, to drive the firmware's HttpServer end to end (the emulated client hosts,
// hw-models/lan/clients.ts, have their own): one GET per connection, request padded to a chosen size,
// response parsed (status, Content-Length) and counted; the client closes once the body is in (or when the
// server closes first, as it does with Connection: close).

import type { TcpConnection } from '../../../src/firmware/tcp/connection.js';
import type { TcpEngine } from '../../../src/firmware/tcp/engine.js';
import type { CloseReason, TcpHandler, TcpResult } from '../../../src/firmware/tcp/types.js';
import { ByteAccumulator, contentLengthOf, encodeAscii, findHeaderEnd, lineEnd } from '../../../src/firmware/tcp/apps/http-text.js';

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export interface HttpClientStats {
  opened: number;
  /** Response complete, both FINs exchanged, no RST. */
  completed: number;
  reset: number;
  /** Gave up (timeout) or ended without a complete response. */
  failed: number;
  bytesSent: number;
  bytesReceived: number;
}

/** What one exchange came to, for a workload that wants per-connection detail. */
export interface HttpExchange {
  readonly conn: TcpConnection;
  status: number;
  /** Body bytes received and announced (-1 when the response had no Content-Length). */
  bodyReceived: number;
  contentLength: number;
  /** Time the response was complete (-1 if never). */
  completedAt: number;
  readonly startedAt: number;
  outcome: 'open' | 'completed' | 'reset' | 'failed';
}

export interface HttpClientObserver {
  onExchangeEnd?(now: number, exchange: HttpExchange): void;
}

/** `GET <path> HTTP/1.1` with Host and, when `size` asks for more, an X-Pad header to reach `size` bytes. */
export function buildHttpRequest(path: string, host: string, size = 0, keepAlive = false): Uint8Array {
  const base = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: sysplex-emu\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n`;
  const padHeader = 'X-Pad: \r\n';
  const minimum = base.length + 2;
  let text = base;
  if (size > minimum + padHeader.length) text += `X-Pad: ${'x'.repeat(size - minimum - padHeader.length)}\r\n`;
  return encodeAscii(text + '\r\n');
}

class ClientState {
  readonly inbox = new ByteAccumulator();
  headDone = false;
  constructor(readonly exchange: HttpExchange) {}
}

export class HttpClient implements TcpHandler {
  readonly stats: HttpClientStats = { opened: 0, completed: 0, reset: 0, failed: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(
    private readonly engine: TcpEngine,
    private readonly request: Uint8Array,
    private readonly observer: HttpClientObserver = {},
  ) {}

  /** Opens a connection and sends the request once it is up. */
  get(now: number, localIp: number, serverIp: number, port = 80): TcpResult<TcpConnection> {
    const r = this.engine.connect(now, localIp, serverIp, port, this);
    if (!r.ok) return r;
    this.stats.opened++;
    const ex: HttpExchange = { conn: r.value, status: 0, bodyReceived: 0, contentLength: -1, completedAt: -1, startedAt: now, outcome: 'open' };
    r.value.user = new ClientState(ex);
    return r;
  }

  onConnected(now: number, conn: TcpConnection): void {
    const n = this.engine.write(now, conn, this.request);
    if (n > 0) this.stats.bytesSent += n;
  }

  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    const st = conn.user as ClientState;
    const ex = st.exchange;
    this.stats.bytesReceived += data.length;
    if (!st.headDone) {
      st.inbox.append(data);
      const end = findHeaderEnd(st.inbox.bytes, st.inbox.length);
      if (end < 0) return;
      const head = st.inbox.bytes;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(ascii(head, 0, lineEnd(head, end - 4)));
      ex.status = m ? Number(m[1]) : -1;
      ex.contentLength = contentLengthOf(head, end - 4);
      ex.bodyReceived = st.inbox.length - end;
      st.headDone = true;
    } else {
      ex.bodyReceived += data.length;
    }
    if (ex.completedAt < 0 && ex.contentLength >= 0 && ex.bodyReceived >= ex.contentLength) {
      ex.completedAt = now;
      this.engine.close(now, conn);
    }
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    const ex = (conn.user as ClientState).exchange;
    if (ex.completedAt < 0 && ex.contentLength < 0 && ex.status > 0) ex.completedAt = now; // body ends at FIN
    this.engine.close(now, conn);
  }

  onClosed(now: number, conn: TcpConnection, reason: CloseReason): void {
    const ex = (conn.user as ClientState).exchange;
    if (reason === 'reset') {
      ex.outcome = 'reset';
      this.stats.reset++;
    } else if (reason === 'normal' && ex.completedAt >= 0) {
      ex.outcome = 'completed';
      this.stats.completed++;
    } else {
      ex.outcome = 'failed';
      this.stats.failed++;
    }
    this.observer.onExchangeEnd?.(now, ex);
  }
}
