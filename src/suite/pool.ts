// Runs the suite's jobs N at a time, each in its own worker process (child_process.fork of worker.js), and
// hands every result to `done` with the job's index, in whatever order they finish. A worker that dies
// without answering (killed, out of memory) becomes a run failure naming how it ended; one that runs past
// the wall-clock limit is killed and becomes a run failure naming the limit and the virtual time it reached.

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTime } from '../kernel/time.js';
import type { WorkerJob, WorkerProgress, WorkerResult } from './types.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
/** How much of a dying worker's stderr to quote. */
const STDERR_TAIL = 2000;

/** Workers running now, so that an interrupted command can stop them. */
const live = new Set<ChildProcess>();

/** Stops every running worker (the command was interrupted). */
export function stopWorkers(): void {
  for (const child of live) child.kill('SIGTERM');
}

export interface Timed {
  result: WorkerResult;
  /** Wall seconds from spawning the worker to its answer. */
  seconds: number;
}

/** `timeoutS`: wall seconds a scenario may take (Infinity: no limit). */
export async function runPool(jobs: readonly WorkerJob[], parallel: number, timeoutS: number, done: (index: number, r: Timed) => void): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      done(i, await runInWorker(jobs[i]!, timeoutS));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, lane));
}

function runInWorker(job: WorkerJob, timeoutS: number): Promise<Timed> {
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = fork(WORKER, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, SYSPLEX_EMU_SUITE_WORKER: '1' },
      execArgv: [],
    });
    live.add(child);
    let answer: WorkerResult | null = null;
    let reachedPs = 0;
    let timedOut = false;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_TAIL);
    });
    child.on('message', (m: unknown) => {
      const msg = m as WorkerResult | WorkerProgress;
      if (msg.kind === 'progress') reachedPs = msg.virtualTimePs;
      else answer = msg;
    });
    const limit = Number.isFinite(timeoutS)
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutS * 1000)
      : null;
    let finished = false;
    const finish = (result: WorkerResult) => {
      if (finished) return;
      finished = true;
      resolvePromise({ result, seconds: (performance.now() - t0) / 1000 });
    };
    // 'close' comes after the process ended and its pipes closed, so an answer sent before has arrived.
    child.on('error', (err) => {
      if (answer === null) finish({ kind: 'run-failed', name: '', seed: 0, message: `cannot start a worker process: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      if (limit !== null) clearTimeout(limit);
      if (answer !== null) {
        finish(answer);
        return;
      }
      if (timedOut) {
        const reached = reachedPs > 0 ? `at virtual time ${formatTime(reachedPs)}` : 'before its first progress report';
        finish({ kind: 'run-failed', name: '', seed: 0, message: `timed out after ${timeoutS} s of wall time (--timeout), ${reached}` });
        return;
      }
      const how = signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
      const last = stderr.trim().split('\n').slice(-1)[0];
      finish({ kind: 'run-failed', name: '', seed: 0, message: `the worker process ${how} without a result${last ? ` (${last})` : ''}` });
    });
    child.send(job);
  });
}
