// Runs the BUILT command line (dist/src/cli/main.js) as a child process, the way a user's shell or CI would.
// The tests exercise what ships, so dist must be built first (`npm test` does it in its pretest step).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: fixture paths in the tests are relative to it, as in CONTRACT.md's examples. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  /** Exit status; null when the process was killed (the timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sysplex-emu ...args` from `cwd` (default: the repository root), never longer than `timeoutMs`. */
export function cli(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with \`npx tsc -p tsconfig.json\``);
  const env = { ...process.env };
  delete env.SYSPLEX_EMU_DEBUG; // stack traces are opt-in; the tests check they stay out by default
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stderr's lines without the final newline's empty string. */
export function errLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
}

/** A stack trace's frame line (`    at fn (file:1:2)`): never printed for user errors. */
export const STACK_FRAME = /^\s+at /m;
