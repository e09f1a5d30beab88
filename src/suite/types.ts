// What the regression suite (`sysplex-emu test`) passes between its parts: the scenarios to run, what a worker
// process sends back, and each scenario's verdict.

import type { ClientsReport, Report } from '../run/report.js';

/** One file or folder argument and the scenario files it stands for (JUnit: one testsuite). */
export interface Suite {
  /** The argument as the user wrote it. */
  readonly name: string;
  /** Scenario files, as paths to show (relative as given), in run order. */
  readonly files: readonly string[];
}

/** What a worker is asked to do: run one scenario file, writing its trace to `tracePath` (none without). */
export interface WorkerJob {
  readonly file: string;
  readonly tracePath?: string;
  /** Also write timelines (timeline.vcd, perfetto.json, report.html) beside the trace, for the artifacts. */
  readonly timelines?: boolean;
  /** A sweep's point: `PATH=VALUE` overrides of the file's fields, and the seed to run with. */
  readonly overrides?: readonly string[];
  readonly seed?: number;
  /** The file may also be a topology run with its defaults (a sweep over a topology), not only a scenario. */
  readonly runFile?: boolean;
}

/** What a worker sends while it runs: how far its virtual time got (for the message of a timed-out run). */
export interface WorkerProgress {
  readonly kind: 'progress';
  readonly virtualTimePs: number;
}

/** What a worker answers (over the IPC channel; plain data only). */
export type WorkerResult =
  /** The scenario could not be loaded or built: every error, as `FILE:LINE:COL: what is wrong` lines. */
  | { readonly kind: 'input-error'; readonly name: string | null; readonly seed: number | null; readonly messages: readonly string[] }
  /** The run itself failed (a model threw, an internal error), with what failed and the virtual time. */
  | { readonly kind: 'run-failed'; readonly name: string; readonly seed: number; readonly message: string }
  /** The run finished; its report carries the evaluated expectations. */
  | { readonly kind: 'ran'; readonly name: string; readonly seed: number; readonly report: Report; readonly golden: string | null };

/** One false check of a scenario: an expectation or the golden trace. */
export interface Failure {
  /** `expectation` or `golden`. */
  readonly type: 'expectation' | 'golden';
  /** One line: the expression and its actual value, or the first differing event. */
  readonly message: string;
  /** More lines for JUnit's body and the console (the whole actual value of a display). */
  readonly detail: string;
}

export type Verdict = 'passed' | 'failed' | 'error';

/** The result of one scenario, in the order the scenarios were given. */
export interface Outcome {
  readonly file: string;
  /** The scenario's `name`, or the file's base name when it did not load. */
  readonly name: string;
  readonly seed: number | null;
  readonly verdict: Verdict;
  /** For `error`: input (bad scenario, exit 2) or run (the run failed, exit 3). */
  readonly errorType?: 'input' | 'run';
  /** For `error`: the message lines. */
  readonly errors: readonly string[];
  readonly failures: readonly Failure[];
  /** Notes that do not change the verdict (golden updated). */
  readonly notes: readonly string[];
  /** Wall time of the scenario's process, seconds. */
  readonly seconds: number;
  /** The client totals of a run that finished (JUnit properties: opened, completed, failed, open ...). */
  readonly clients?: ClientsReport;
  /** Where its artifacts went, if it failed and --artifacts was given. */
  readonly artifacts?: string;
}
