// Starting the partition threads of a partitioned run (threads.ts runs them). A thread takes about a third of a
// second to load its code, so `sysplex-emu run --partitions N` starts them before it loads its own modules and
// reads the scenario (startEarly), and the run takes them (startThreads) once it has chosen threads; a run that
// ends up on processes or fails before leaves them unused, and they do not keep the process alive.
// Kept small: the CLI's entry loads it before anything else.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromThread } from './thread-worker.js';

/** What became of a thread before runThreads listened to it (it failed to load, or exited). */
export const early = new WeakMap<Worker, string>();

/** Threads started by startEarly and not yet taken. */
let waiting: Worker[] = [];

/** The built thread entry (dist/src/backplane/thread-worker.js), also when this module runs from its source. */
function threadEntry(): string {
  const here = import.meta.url;
  const built = here.endsWith('.ts') ? new URL('../../dist/src/backplane/thread-worker.js', here) : new URL('./thread-worker.js', here);
  const path = fileURLToPath(built);
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npm run build)`);
  return path;
}

function spawn(entry: string): Worker {
  const w = new Worker(entry);
  w.on('error', (err: Error) => early.set(w, err.message));
  w.on('message', (m: FromThread) => m.type === 'error' && !early.has(w) && early.set(w, m.message)); // building its graph
  w.on('exit', (code) => early.has(w) || early.set(w, `exited with status ${code}`));
  return w;
}

/** Starts n partition threads ahead of the run that will take them. */
export function startEarly(n: number): readonly Worker[] {
  const entry = threadEntry();
  waiting = Array.from({ length: n }, () => spawn(entry));
  for (const w of waiting) w.unref();
  return waiting;
}

/** The partition threads of a run (those started early when there are n of them); they wait for their setup. */
export function startThreads(n: number): Worker[] {
  const taken = waiting;
  waiting = [];
  if (taken.length === n) {
    for (const w of taken) w.ref();
    return taken;
  }
  for (const w of taken) void w.terminate();
  const entry = threadEntry();
  return Array.from({ length: n }, () => spawn(entry));
}

/** The partition threads `run` with these arguments asks for, as far as its command line tells (0: none). The
 *  scenario may still choose processes (an endpoint, CURVE keys): the threads are then unused. More
 *  than the cores are not started early (the run checks the count against the topology first). */
export function threadsAsked(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  let n = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--transport' && args[i + 1] === 'processes') return 0;
    if (a === '--transport=processes' || a.startsWith('--inspect')) return 0;
    const v = a === '--partitions' ? args[i + 1] : a.startsWith('--partitions=') ? a.slice('--partitions='.length) : undefined;
    if (v !== undefined && /^[0-9]{1,3}$/.test(v)) n = Number(v);
  }
  if (env.SYSPLEX_EMU_TRANSPORT === 'processes' || (env.SYSPLEX_EMU_LOCAL_WORKERS ?? '') !== '') return 0;
  return n > 1 && n <= cores ? n : 0;
}
