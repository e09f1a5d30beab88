// Starting participants as child processes of the coordinator: workers (`sysplex-emu worker --connect ...`,
// with extra Node flags such as `--inspect=127.0.0.1:0 --enable-source-maps`) and external components (any
// command; `--connect ENDPOINT` is appended). A child learns its partition and the run's token from its
// environment and watches its stdin: when the coordinator dies, the pipe closes and the child exits.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI (dist/src/cli/main.js), also when this module runs from its TypeScript source (tests). */
export function cliEntry(): string {
  const here = import.meta.url;
  const built = here.endsWith('.ts') ? new URL('../../dist/src/cli/main.js', here) : new URL('../cli/main.js', here);
  const path = fileURLToPath(built);
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npm run build)`);
  return path;
}

export interface Child {
  readonly partition: number;
  readonly process: ChildProcess;
  /** Set when it has exited: the exit code or the signal. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  readonly exited: Promise<void>;
}

export interface SpawnRequest {
  partition: number;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Each line the child writes to stderr. */
  onStderr: (line: string) => void;
}

export function spawnChild(req: SpawnRequest): Child {
  const proc = spawn(req.command, req.args, {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, ...req.env },
  });
  let resolveExit!: () => void;
  const child: Child = {
    partition: req.partition,
    process: proc,
    exit: null,
    exited: new Promise<void>((r) => (resolveExit = r)),
  };
  proc.on('exit', (code, signal) => {
    child.exit = { code, signal };
    resolveExit();
  });
  proc.on('error', (err) => {
    child.exit = { code: 127, signal: null };
    req.onStderr(`cannot start ${req.command}: ${err.message}`);
    resolveExit();
  });
  // The coordinator never writes to the pipe; it exists so that the child sees it close.
  proc.stdin?.on('error', () => {});
  let partial = '';
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.length > 0) req.onStderr(l);
  });
  proc.stderr?.on('end', () => {
    if (partial.length > 0) req.onStderr(partial);
    partial = '';
  });
  return child;
}

/** Kills a child (SIGKILL) and waits for it, at most `ms`. */
export async function killChild(c: Child, ms = 3000): Promise<void> {
  if (c.exit !== null) return;
  c.process.kill('SIGKILL');
  await Promise.race([c.exited, new Promise((r) => setTimeout(r, ms).unref())]);
}
