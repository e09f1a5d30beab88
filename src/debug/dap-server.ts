// `sysplex-emu debug`: the DAP server. One client at a time on a TCP socket (127.0.0.1 unless told otherwise).
//   - A client that sends something that is not DAP is told nothing (it would not understand): its connection
//     is closed, stderr says what it sent, and the server waits for the next client. The run is untouched.
//   - A client whose connection drops without `disconnect` (even in the middle of a request) leaves the run
//     paused where it was (virtual time stands still); the next client that attaches sees that stop.
//   - `disconnect` or `terminate` ends the run: the report (so far) is printed and the command exits.
//   - When the run reaches its end, the report is printed; the command exits when the client disconnects or
//     its connection drops.
//   - A second client while one is attached is refused (its connection closed, stderr says so).

import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { formatReport } from '../run/report.js';
import { DapFrameGuard } from './dap-framing.js';
import { SysplexDebugSession } from './dap-session.js';
import type { DebugEngine, RunEnd } from './engine.js';

export interface DapServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the `DAP listening on ...` line and the report go (stdout). */
  readonly out: (text: string) => void;
  /** Where notes about clients go (stderr). */
  readonly log: (line: string) => void;
  /** A client must send its first DAP message within this time (ms). */
  readonly helloTimeoutMs?: number;
}

/** Thrown when the server cannot listen (port in use, address not local ...): the command line must change. */
export class ListenError extends Error {}

/** Serves the engine's run to DAP clients until one ends it; resolves with the command's exit status. */
export function serveDap(engine: DebugEngine, opts: DapServerOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server: Server = createServer();
    let client: { socket: Socket; session: SysplexDebugSession; name: string } | null = null;
    let printed = false;
    let done = false;

    const printEnd = (end: RunEnd): void => {
      if (printed) return;
      printed = true;
      if (end.report !== null) opts.out(`${formatReport(end.report, engine.p.scenario.name)}\n`);
      opts.log(`sysplex-emu debug: ${end.message}`);
    };

    const finish = (end: RunEnd): void => {
      if (done) return;
      done = true;
      printEnd(end);
      server.close();
      if (client !== null) {
        const s = client.socket;
        // Let the disconnect response reach the client, then close.
        s.end(() => s.destroy());
        setTimeout(() => s.destroy(), 500).unref();
      }
      resolve(end.exitCode);
    };

    server.on('connection', (socket) => {
      const name = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      socket.on('error', () => {}); // ECONNRESET and friends: 'close' follows and says what matters
      if (done) {
        socket.destroy();
        return;
      }
      if (client !== null) {
        opts.log(`sysplex-emu debug: refused ${name}: ${client.name} is attached (one client at a time)`);
        socket.destroy();
        return;
      }
      const session = new SysplexDebugSession(engine, {
        disconnected: (end) => finish(end),
        ended: (end) => printEnd(end),
      });
      session.on('error', () => {}); // stream errors: the socket's 'close' handles the client going away
      const me = { socket, session, name };
      client = me;
      engine.setListener(session);
      // The library reads from our validated messages, not from the socket; it writes to the socket.
      session.start(new PassThrough(), socket);
      let garbage = false;
      const guard = new DapFrameGuard(
        (m) => session.handleMessage(m),
        (why) => {
          garbage = true;
          opts.log(`sysplex-emu debug: ${name} sent ${why}: not DAP, connection closed; ${waiting()}`);
          socket.destroy();
        },
      );
      const hello = setTimeout(() => {
        if (guard.messages > 0) return;
        garbage = true;
        opts.log(`sysplex-emu debug: ${name} sent no DAP message within ${(opts.helloTimeoutMs ?? 30_000) / 1000} s: connection closed; ${waiting()}`);
        socket.destroy();
      }, opts.helloTimeoutMs ?? 30_000);
      hello.unref();
      socket.on('data', (chunk: Buffer) => guard.push(chunk));
      socket.on('close', () => {
        clearTimeout(hello);
        if (client === me) client = null;
        // With nobody attached, a run that still reaches its end (before the pause below takes) ends the command.
        engine.setListener({ stopped: () => {}, ended: (end) => finish(end) });
        if (done || session.finished) return;
        if (engine.state === 'ended') {
          if (engine.end !== null) finish(engine.end);
          return;
        }
        if (!garbage) {
          const mid = guard.pendingBytes > 0 ? ` in the middle of a request (${guard.pendingBytes} bytes of it unread)` : '';
          opts.log(`sysplex-emu debug: ${name} went away${mid} without disconnecting; ${waiting()}`);
        }
        engine.pause();
      });
    });

    const waiting = (): string => {
      const state = engine.state === 'ready' ? 'the run has not started' : `the run is paused at ${engine.timeText()}`;
      return `${state}; waiting for the next client`;
    };

    server.on('error', (err: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      const why =
        err.code === 'EADDRINUSE' ? `port ${opts.port} on ${opts.host} is in use: choose another with --dap-port (0 picks a free one)`
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? `--dap-host ${opts.host} is not an address of this machine`
        : err.code === 'EACCES' ? `not allowed to listen on port ${opts.port} (ports below 1024 need privileges)`
        : `cannot listen on ${opts.host}:${opts.port}: ${err.message}`;
      reject(new ListenError(why));
    });

    server.listen(opts.port, opts.host, () => {
      const a = server.address();
      const port = typeof a === 'object' && a !== null ? a.port : opts.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      opts.out(`DAP listening on ${host}:${port}\n`);
    });
  });
}
