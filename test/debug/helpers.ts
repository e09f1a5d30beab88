// Starts the BUILT `sysplex-emu debug` as a child process and talks to it, the way VS Code would.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MAIN, ROOT } from '../e2e/cli.js';

export const DEMO = 'fixtures/topologies/demo.yaml';

export interface DebugServer {
  port: number;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status when the process ends. */
  exited: Promise<number | null>;
  /** Resolves when stderr has a line matching `re`. */
  stderrMatches(re: RegExp, ms?: number): Promise<string>;
  kill(): void;
}

export async function startDebugServer(args: string[] = [DEMO, '--dap-port', '0']): Promise<DebugServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with \`npx tsc -p tsconfig.json\``);
  const env = { ...process.env };
  delete env.SYSPLEX_EMU_DEBUG;
  const proc = spawn(process.execPath, [MAIN, 'debug', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const errWaiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...errWaiters]) {
      const m = w.re.exec(err);
      if (m !== null) {
        errWaiters.splice(errWaiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const check = () => {
        const m = /DAP listening on 127\.0\.0\.1:(\d+)\n/.exec(out);
        if (m !== null) resolve(Number(m[1]));
      };
      proc.stdout!.on('data', check);
      proc.on('exit', (code) => reject(new Error(`debug exited with ${code} before listening: ${err}`)));
    }),
    20_000,
    'the DAP listening line',
  );
  return {
    port,
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    stderrMatches: (re, ms = 10_000) => {
      const m = re.exec(err);
      if (m !== null) return Promise.resolve(m[0]);
      return withTimeout(new Promise<string>((resolve) => errWaiters.push({ re, resolve })), ms, `stderr matching ${re}`);
    },
    kill: () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** A DebugClient connected to the server (DebugClient itself has no timeouts in server mode). */
export async function connectClient(port: number): Promise<DebugClient> {
  const client = new DebugClient('node', 'unused', 'sysplex-emu');
  await withTimeout(client.start(port), 5000, 'the DAP connection');
  return client;
}

/** Waits for an event registered BEFORE the action that causes it. */
export function eventAfter<T extends DebugProtocol.Event>(client: DebugClient, type: string, action: () => Promise<unknown>, ms = 20_000): Promise<T> {
  const ev = withTimeout(client.waitForEvent(type) as Promise<T>, ms, `the '${type}' event`);
  return action().then(() => ev);
}

/** Initialize, breakpoints, attach and configurationDone; resolves with the first stopped event (or null when
 *  `expectStop` is false). */
export async function attach(
  client: DebugClient,
  breakpoints: DebugProtocol.FunctionBreakpoint[],
  opts: { filters?: string[]; stopOnEntry?: boolean; expectStop?: boolean } = {},
): Promise<{ init: DebugProtocol.InitializeResponse; bps: DebugProtocol.SetFunctionBreakpointsResponse; stopped: DebugProtocol.StoppedEvent | null }> {
  const initialized = withTimeout(client.waitForEvent('initialized'), 5000, 'initialized');
  const init = await client.initializeRequest();
  await initialized;
  await client.attachRequest(opts.stopOnEntry ? ({ stopOnEntry: true } as DebugProtocol.AttachRequestArguments) : ({} as DebugProtocol.AttachRequestArguments));
  const bps = await client.setFunctionBreakpointsRequest({ breakpoints });
  await client.setExceptionBreakpointsRequest({ filters: opts.filters ?? [] });
  if (opts.expectStop === false) {
    await client.configurationDoneRequest();
    return { init, bps, stopped: null };
  }
  const stopped = await eventAfter<DebugProtocol.StoppedEvent>(client, 'stopped', () => client.configurationDoneRequest());
  return { init, bps, stopped };
}

/** A raw TCP connection to the DAP port; resolves when the server closes it (with what it sent back). */
export function rawExchange(port: number, bytes: Buffer | string, opts: { end?: boolean } = {}): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const s: Socket = connect(port, '127.0.0.1');
      let got = '';
      s.on('connect', () => {
        s.write(bytes);
        if (opts.end) s.end();
      });
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => resolve(got));
      s.on('timeout', () => reject(new Error('no close')));
    }),
    10_000,
    'the server to close a garbage connection',
  );
}

export async function evaluate(client: DebugClient, expression: string, frameId?: number): Promise<string> {
  const r = await client.evaluateRequest({ expression, context: 'repl', ...(frameId !== undefined ? { frameId } : {}) });
  return r.body.result;
}
