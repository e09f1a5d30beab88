// How the CLI ends: every failure becomes one clear line on stderr and the exit status of CONTRACT.md
// (2 bad input, 3 the run itself failed). Stack traces only with SYSPLEX_EMU_DEBUG=1. The errors below the CLI
// live in src/errors.ts; UsageError is the CLI's own (a command line that does not parse).

import { SimulationError } from '../kernel/simulation.js';
import { InputError, RequestError, RunError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED_EXPECTATION = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_RUN_FAILED = 3;

/** A command line that does not parse: exit 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}


/** Prints `err` and returns the exit status it means. */
export function report(err: unknown): number {
  const debug = process.env.SYSPLEX_EMU_DEBUG === '1';
  if (err instanceof InputError) {
    process.stderr.write(`${err.toString()}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof UsageError) {
    const help = err.command ? `sysplex-emu ${err.command} --help` : 'sysplex-emu --help';
    process.stderr.write(`sysplex-emu: ${err.message} (see '${help}')\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof RequestError) {
    process.stderr.write(`sysplex-emu: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof SimulationError || err instanceof RunError) {
    process.stderr.write(`sysplex-emu: run failed: ${err.message}\n`);
    if (debug && err instanceof SimulationError && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
    return EXIT_RUN_FAILED;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`sysplex-emu: internal error: ${message}\n`);
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return EXIT_RUN_FAILED;
}
