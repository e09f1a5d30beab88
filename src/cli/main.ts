#!/usr/bin/env node
// sysplex-emu: the command-line entry. One module per command, loaded on demand so `--help` stays fast.

import { readFileSync } from 'node:fs';
import { COMMANDS, mainUsage } from './usage.js';
import { UsageError, report } from './errors.js';
import { startEarly, threadsAsked } from '../backplane/thread-start.js';

const loaders: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  run: () => import('./run.js'),
  validate: () => import('./validate.js'),
  replay: () => import('./replay.js'),
  test: () => import('./test.js'),
  debug: () => import('./debug.js'),
  worker: () => import('./worker.js'),
  sweep: () => import('./sweep.js'),
};

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${mainUsage(version())}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = loaders[command];
  if (load === undefined || COMMANDS[command] === undefined) throw new UsageError(`unknown command '${command}'`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${COMMANDS[command]!.usage}\n`);
    return 0;
  }
  // The partition threads load their code while this thread loads its own and reads the scenario.
  if (command === 'run') {
    const threads = threadsAsked(rest);
    if (threads > 0) startEarly(threads);
  }
  return (await load()).main(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err);
  },
);
