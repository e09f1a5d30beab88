// The LPAR's built-in servers as jobs the operator starts and stops (`S HTTPSRV`, `P HTTPSRV`): each job is
// one of the TCP applications of src/firmware/tcp/apps (echo on port 7, HTTP/1.1 on port 80) listening on
// every address of the stack. The protocol behaviour (write backpressure, GET /<size> sets the body size,
// Connection: close unless the client asks to keep the connection alive) lives in those apps, once.

import type { ApplicationConfig } from './hal.js';
import type { TcpEngine } from './tcp/engine.js';
import type { TcpListener } from './tcp/listener.js';
import { EchoServer } from './tcp/apps/echo.js';
import { HttpServer } from './tcp/apps/http-server.js';

/** HTTP body size when neither the path nor the topology names one. */
const DEFAULT_BODY = 4096;

/** A started job: its listener, and how to stop it. */
export interface Application {
  readonly jobName: string;
  readonly config: ApplicationConfig;
  readonly listener: TcpListener;
  /** `P jobname`: stop listening; connections already accepted run to their end. */
  stop(now: number): void;
}

/** Starts `app` listening on every address of the stack (INADDR_ANY); null when the port is taken. */
export function startApplication(tcp: TcpEngine, now: number, app: ApplicationConfig, jobName: string): Application | null {
  const server = app.app === 'echo' ? new EchoServer(tcp) : new HttpServer(tcp, { defaultBody: app.response ?? DEFAULT_BODY });
  const r = server.listen(now, 0, app.port, app.backlog ?? 0);
  if (!r.ok) return null;
  const listener = r.value;
  return { jobName, config: app, listener, stop: (t: number) => tcp.unlisten(t, listener) };
}
