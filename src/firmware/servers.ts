// The LPAR's built-in servers on the stack's sockets: echo (port 7) and HTTP/1.1 (port 80). The HTTP server
// answers any GET with 200 and a body: the size is the number in the path (`GET /4096`) or the configured
// default, and it closes after the response (Connection: close) unless the client asked to keep it alive.

import type { ApplicationConfig } from './hal.js';
import type { TcpEngine } from './tcp/engine.js';
import type { TcpConnection } from './tcp/connection.js';
import type { TcpHandler } from './tcp/types.js';
import type { TcpListener } from './tcp/listener.js';

export interface Application {
  readonly jobName: string;
  readonly config: ApplicationConfig;
  stop(now: number): void;
}

const BODY_CHUNK = new Uint8Array(65536).fill(0x2e);
const MAX_HEADER = 16384;

interface HttpState {
  header: string;
  pendingBody: number;
  keepAlive: boolean;
}

class EchoServer implements TcpHandler {
  constructor(private readonly tcp: TcpEngine) {}
  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    this.tcp.write(now, conn, data.slice());
  }
  onPeerClosed(now: number, conn: TcpConnection): void {
    this.tcp.close(now, conn);
  }
}

class HttpServer implements TcpHandler {
  constructor(
    private readonly tcp: TcpEngine,
    private readonly defaultBody: number,
  ) {}

  onAccept(_now: number, conn: TcpConnection): void {
    conn.user = { header: '', pendingBody: 0, keepAlive: false } satisfies HttpState;
  }

  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    const st = conn.user as HttpState;
    for (let i = 0; i < data.length; i++) st.header += String.fromCharCode(data[i]!);
    for (;;) {
      const end = st.header.indexOf('\r\n\r\n');
      if (end < 0) {
        if (st.header.length > MAX_HEADER) this.respond(now, conn, st, 431, 0, false);
        return;
      }
      const head = st.header.slice(0, end);
      st.header = st.header.slice(end + 4);
      const [requestLine = ''] = head.split('\r\n', 1);
      const m = /^(\S+) (\S+) HTTP\/1\.([01])$/.exec(requestLine);
      if (m === null) {
        this.respond(now, conn, st, 400, 0, false);
        return;
      }
      const keepAlive = m[3] === '1' ? !/\r\nconnection:\s*close/i.test(head) : /\r\nconnection:\s*keep-alive/i.test(head);
      const size = /^\/(\d{1,9})$/.exec(m[2]!);
      const body = size !== null ? Number(size[1]) : this.defaultBody;
      this.respond(now, conn, st, m[1] === 'GET' || m[1] === 'HEAD' ? 200 : 405, m[1] === 'GET' ? body : 0, keepAlive);
      if (!keepAlive) return;
    }
  }

  private respond(now: number, conn: TcpConnection, st: HttpState, status: number, body: number, keepAlive: boolean): void {
    const reason = status === 200 ? 'OK' : status === 400 ? 'Bad Request' : status === 405 ? 'Method Not Allowed' : 'Request Header Fields Too Large';
    const head = `HTTP/1.1 ${status} ${reason}\r\nServer: sysplex-emu\r\nContent-Type: text/plain\r\nContent-Length: ${body}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
    const bytes = new Uint8Array(head.length);
    for (let i = 0; i < head.length; i++) bytes[i] = head.charCodeAt(i);
    this.tcp.write(now, conn, bytes);
    st.pendingBody += body;
    st.keepAlive = keepAlive;
    this.pump(now, conn, st);
  }

  /** Writes body bytes while the send buffer takes them; onWritable resumes. */
  private pump(now: number, conn: TcpConnection, st: HttpState): void {
    while (st.pendingBody > 0) {
      const n = this.tcp.write(now, conn, BODY_CHUNK, 0, Math.min(st.pendingBody, BODY_CHUNK.length));
      if (n <= 0) return;
      st.pendingBody -= n;
    }
    if (!st.keepAlive) this.tcp.close(now, conn);
  }

  onWritable(now: number, conn: TcpConnection): void {
    this.pump(now, conn, conn.user as HttpState);
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    const st = conn.user as HttpState;
    if (st.pendingBody === 0) this.tcp.close(now, conn);
  }
}

/** Starts `app` listening on every address of the stack (INADDR_ANY); null when the port is taken. */
export function startApplication(tcp: TcpEngine, now: number, app: ApplicationConfig, jobName: string): Application | null {
  const handler: TcpHandler = app.app === 'echo' ? new EchoServer(tcp) : new HttpServer(tcp, app.response ?? 4096);
  const r = tcp.listen(now, 0, app.port, app.backlog ?? 0, handler);
  if (!r.ok) return null;
  const listener: TcpListener = r.value;
  return {
    jobName,
    config: app,
    stop: (t: number) => tcp.unlisten(t, listener),
  };
}
