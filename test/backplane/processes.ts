// Helpers of the backplane tests that drive the BUILT command line as separate processes: asynchronous spawns
// (several runs at once, or a run beside a test that kills, stops or pesters its workers), process lookups,
// and topologies written on the fly with a backplane section.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, ROOT } from '../e2e/cli.js';

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  stderr(): string;
}

/** Starts `sysplex-emu ...args` (the built CLI) without waiting; `done` settles when it exits. */
/** `wrap` runs the CLI under another command (`ip netns exec NS`), `env` adds to the environment. */
export function start(args: readonly string[], timeoutMs = 240_000, wrap: readonly string[] = [], extraEnv: Record<string, string> = {}): Running {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with \`npx tsc -p tsconfig.json\``);
  const env = { ...process.env, ...extraEnv };
  delete env.SYSPLEX_EMU_DEBUG;
  const t0 = performance.now();
  const [command, ...prefix] = [...wrap, process.execPath];
  const child = spawn(command!, [...prefix, MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: out, stderr: err, ms: performance.now() - t0 });
    });
  });
  return { child, done, stderr: () => err };
}

export async function run(args: readonly string[], timeoutMs?: number): Promise<Finished> {
  return start(args, timeoutMs).done;
}

/** The report of a `--json` run without what may differ between partition counts. */
export function comparable(stdout: string): Record<string, unknown> {
  const { wallMs: _w, partitions: _p, backplane: _b, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

/** PIDs of the direct children of `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  try {
    const out: number[] = [];
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) if (task) out.push(Number(task));
    return out;
  } catch {
    return [];
  }
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

/** CPU time (user + system) a process has used, ms. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Polls until `test()` holds (or throws after `ms`). */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP port that was free a moment ago on `host`. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Writes the demo topology with a `backplane:` section, and a scenario on it, into a fresh directory; returns
 * the scenario's path. `scenario` is the YAML after the `topology:` line (workload, until, faults ...).
 */
export function writeRun(backplane: string, scenario: string, dir = mkdtempSync(join(tmpdir(), 'backplane-')), edit: (topology: string) => string = (t) => t): string {
  const demo = edit(readFileSync(join(ROOT, 'fixtures/topologies/demo.yaml'), 'utf8').replaceAll('../profiles/', `${join(ROOT, 'fixtures/profiles')}/`));
  writeFileSync(join(dir, 'topology.yaml'), `${demo}\nbackplane:\n${backplane}\n`);
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, `name: backplane test\ntopology: topology.yaml\n${scenario}\n`);
  return file;
}
