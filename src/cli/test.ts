// sysplex-emu test <scenario files or folders>...: the regression suite. Parsing and printing only; the suite
// itself lives in src/suite.

import { availableParallelism } from 'node:os';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { discover } from '../suite/discover.js';
import { junitXml } from '../suite/junit.js';
import { runSuites, summaryLine } from '../suite/runner.js';
import { flag, int, parse, str, wallSeconds } from './args.js';
import { RunError } from '../errors.js';
import { UsageError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse(
    'test',
    argv,
    {
      junit: { type: 'string' },
      jobs: { type: 'string' },
      'update-golden': { type: 'boolean' },
      artifacts: { type: 'string' },
      timeout: { type: 'string' },
    },
    { min: 1, max: Number.POSITIVE_INFINITY },
  );
  const jobs = int(args, 'jobs', 'test') ?? availableParallelism();
  if (jobs < 1) throw new UsageError('--jobs must be at least 1', 'test');
  const junit = str(args, 'junit');
  if (junit !== undefined) checkWritable(junit, '--junit');
  const artifacts = str(args, 'artifacts');
  if (artifacts !== undefined && exists(artifacts) && !statSync(artifacts).isDirectory()) {
    throw new UsageError(`--artifacts ${artifacts}: is a file, not a folder`, 'test');
  }
  const timeout = str(args, 'timeout');
  const timeoutS = timeout === undefined ? undefined : wallSeconds(timeout, 'test');
  const suites = discover(args.positionals);
  const t0 = performance.now();
  const run = await runSuites(suites, {
    jobs,
    updateGolden: flag(args, 'update-golden'),
    ...(artifacts !== undefined ? { artifacts } : {}),
    ...(timeoutS !== undefined ? { timeoutS } : {}),
    print: (line) => process.stdout.write(`${line}\n`),
  });
  const n = run.outcomes.size;
  process.stdout.write(`\n${n} scenario${n === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${Math.min(jobs, n)} at a time\n`);
  if (junit !== undefined) {
    try {
      mkdirSync(dirname(junit), { recursive: true });
      writeFileSync(junit, junitXml(suites, run.outcomes));
    } catch (err) {
      throw new RunError(`cannot write the JUnit report ${junit}: ${(err as Error).message}`);
    }
  }
  process.stdout.write(`${summaryLine(run)}\n`);
  return run.exitCode;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A report path must not be a folder: say so before anything runs. */
function checkWritable(path: string, option: string): void {
  if (exists(path) && statSync(path).isDirectory()) throw new UsageError(`${option} ${path}: is a folder, not a file`, 'test');
}

