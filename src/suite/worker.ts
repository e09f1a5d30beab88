// A worker process of `sysplex-emu test`: runs one scenario and sends back what happened over the IPC channel
// its parent opened (child_process.fork). One process per scenario, so a scenario that exhausts memory or
// leaves state behind in a firmware image cannot touch the next one. It prints nothing.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { timelineInstruments } from '../viz/index.js';
import { SimulationError } from '../kernel/simulation.js';
import { InputError } from '../errors.js';
import { type Override, loadRunFile, loadScenario, parseOverride } from '../scenario/index.js';
import type { Report } from '../run/report.js';
import type { Simulation } from '../kernel/simulation.js';
import type { WorkerJob, WorkerProgress, WorkerResult } from './types.js';

/** Tells the parent how far the run got (every few hundred thousand events), for a --timeout message. */
function progress(sim: Simulation): void {
  process.send?.({ kind: 'progress', virtualTimePs: sim.now } satisfies WorkerProgress);
}

/** Runs one scenario file to its verdict data; never throws. */
export async function runJob(job: WorkerJob): Promise<WorkerResult> {
  const overrides: Override[] = [];
  for (const text of job.overrides ?? []) {
    const o = parseOverride(text);
    if (typeof o === 'string') return { kind: 'input-error', name: null, seed: null, messages: [`${job.file}: set ${o}`] };
    overrides.push(o);
  }
  const loaded = job.runFile === true ? loadRunFile(job.file, overrides) : loadScenario(job.file, overrides);
  if (!loaded.ok) return { kind: 'input-error', name: null, seed: null, messages: loaded.errors.map((e) => e.toString()) };
  const scenario = job.seed !== undefined ? { ...loaded.value, seed: job.seed } : loaded.value;
  const { name, seed } = scenario;
  try {
    // With --artifacts, every run also draws its timelines; only a failing scenario's are kept.
    const dir = dirname(job.tracePath ?? '.');
    const instruments = job.timelines === true && job.tracePath !== undefined
      ? timelineInstruments({ vcd: join(dir, 'timeline.vcd'), perfetto: join(dir, 'perfetto.json'), html: join(dir, 'report.html') })
      : [];
    let report: Report;
    if (scenario.capture !== undefined) {
      // A scenario naming a capture replays it in place of its workload (like `sysplex-emu replay`); the run
      // ends shortly after the replay is over, or at the scenario's `until:` when it writes one.
      const { runReplay } = await import('../capture/replay/index.js');
      const until = writesUntil(job.file) ? { untilPs: scenario.untilPs } : {};
      report = await runReplay(scenario, { trace: job.tracePath, instruments, progress, ...until });
    } else {
      const { runScenario } = await import('../run/run-scenario.js');
      report = await runScenario(scenario, { trace: job.tracePath, instruments, progress });
    }
    return { kind: 'ran', name, seed, report, golden: scenario.golden ?? null };
  } catch (err) {
    if (err instanceof InputError) return { kind: 'input-error', name, seed, messages: [err.toString()] };
    if (err instanceof SimulationError) return { kind: 'run-failed', name, seed, message: err.message };
    return { kind: 'run-failed', name, seed, message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** True when the scenario file itself sets `until:` (the loader fills in a default otherwise). */
function writesUntil(file: string): boolean {
  try {
    return /^until[ \t]*:/m.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

function isJob(v: unknown): v is WorkerJob {
  const j = v as Partial<WorkerJob> | null;
  return typeof j === 'object' && j !== null && typeof j.file === 'string' && (j.tracePath === undefined || typeof j.tracePath === 'string');
}

// Started by the suite's pool: wait for the one job, answer, and leave once the answer is flushed.
if (process.send !== undefined && process.env.SYSPLEX_EMU_SUITE_WORKER === '1') {
  process.once('message', (msg: unknown) => {
    if (!isJob(msg)) {
      process.exit(70);
    }
    void runJob(msg as WorkerJob).then((result) => {
      process.send!(result, undefined, {}, () => process.disconnect());
    });
  });
}
