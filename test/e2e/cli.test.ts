// The command line as CONTRACT.md promises it: help for every command, exit statuses, and usage errors that
// are one line naming what is wrong, without a stack trace. Runs the built CLI (test/e2e/cli.ts).

import { describe, expect, it } from 'vitest';
import { cli, errLines, STACK_FRAME, type CliResult } from './cli.js';

const COMMANDS = ['run', 'replay', 'test', 'debug', 'validate', 'worker'] as const;

/** `sysplex-emu <command> --help`, run once per command (each spawn costs a Node start-up). */
const helps = new Map<string, CliResult>();
function help(command: string): CliResult {
  let r = helps.get(command);
  if (r === undefined) helps.set(command, (r = cli([command, '--help'])));
  return r;
}

/** A usage error: exit 2, exactly one line on stderr that matches `what`, no stack, nothing on stdout. */
function expectUsageError(args: string[], what: RegExp): string {
  const r = cli(args);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = errLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  return lines[0]!;
}

describe('sysplex-emu --help', () => {
  it('lists every command of CONTRACT.md and exits 0', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: sysplex-emu <command>/m);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\s+\\S`, 'm'));
  });

  it('-h and help say the same as --help', () => {
    const usage = cli(['--help']).stdout;
    for (const alias of ['-h', 'help']) {
      const r = cli([alias]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(usage);
    }
  });

  it('states the exit statuses', () => {
    expect(cli(['--help']).stdout).toMatch(/0 success.*1 an expectation.*2 bad input.*3 the run itself failed/s);
  });

  it('--version prints the package version', () => {
    const r = cli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});

describe.each(COMMANDS)('sysplex-emu %s --help', (command) => {
  it('exits 0 with the usage line and the options of CONTRACT.md', () => {
    const r = help(command);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: sysplex-emu ${command} \\S`));
    expect(r.stdout).toMatch(/-h, --help/);
  });

  it('-h is --help, and wins over missing or wrong arguments', () => {
    const usage = help(command).stdout;
    expect(cli([command, '-h']).stdout).toBe(usage);
    const r = cli([command, 'no-such-file.yaml', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(usage);
  });
});

describe('options each command help names (CONTRACT.md)', () => {
  const promised: Record<(typeof COMMANDS)[number], string[]> = {
    run: ['--until', '--seed', '--json', '--trace', '--capture', '--partitions', '--transport', '--inspect', '--quiet', '--vcd', '--perfetto', '--html'],
    replay: ['--mode', '--pace', '--json', '--trace', '--capture'],
    test: ['--junit', '--update-golden', '--jobs', '--artifacts'],
    debug: ['--dap-port', '--dap-host', '--console'],
    validate: ['--json'],
    worker: ['--connect'],
  };
  it.each(COMMANDS)('%s', (command) => {
    const out = help(command).stdout;
    for (const opt of promised[command]) expect(out, `${command} --help lacks ${opt}`).toContain(opt);
  });
});

describe('usage errors: exit 2, one line, no stack trace', () => {
  it('no command at all exits 2 and shows the usage', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/usage: sysplex-emu <command>/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown command is named', () => {
    const line = expectUsageError(['frobnicate'], /frobnicate/);
    expect(line).toMatch(/unknown command/);
  });

  it('an unknown option is named', () => {
    expectUsageError(['validate', '--frobnicate', 'fixtures/topologies/demo.yaml'], /--frobnicate/);
  });

  it('an unknown short option is named', () => {
    expectUsageError(['validate', '-Z', 'fixtures/topologies/demo.yaml'], /-Z/);
  });

  it('an option that needs a value and has none', () => {
    expectUsageError(['run', 'fixtures/topologies/demo.yaml', '--until'], /--until/);
  });

  it('validate without a file', () => {
    expectUsageError(['validate'], /missing argument/);
  });

  it('validate with two files names the second', () => {
    expectUsageError(['validate', 'fixtures/topologies/demo.yaml', 'extra.yaml'], /extra\.yaml/);
  });

  it('the message points at the command help', () => {
    expect(expectUsageError(['validate', '--frobnicate', 'x.yaml'], /./)).toContain('sysplex-emu validate --help');
  });
});

describe('run: bad input is exit 2 before anything runs', () => {
  it('--until 10 parsecs', () => {
    const line = expectUsageError(['run', 'fixtures/topologies/demo.yaml', '--until', '10 parsecs'], /--until/);
    expect(line).toMatch(/parsecs/);
  });

  it('--until without a unit', () => {
    expectUsageError(['run', 'fixtures/topologies/demo.yaml', '--until', '10'], /--until/);
  });

  it('--until past 2^53 ps (about 2.5 h)', () => {
    expectUsageError(['run', 'fixtures/topologies/demo.yaml', '--until', '10000s'], /--until/);
  });

  it('--seed that is not a number', () => {
    expectUsageError(['run', 'fixtures/topologies/demo.yaml', '--seed', 'seven'], /--seed.*seven/);
  });

  it('a missing file: `FILE: no such file`', () => {
    const r = cli(['run', 'fixtures/topologies/no-such.yaml']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(errLines(r)).toEqual(['fixtures/topologies/no-such.yaml: no such file']);
  });

  it('an invalid scenario: FILE:LINE:COL and nothing runs', () => {
    const r = cli(['run', 'fixtures/scenarios/invalid/negative-count.yaml']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(errLines(r)[0]).toBe('fixtures/scenarios/invalid/negative-count.yaml:6:44: workload[0].clients: must be >= 1 (got -64)');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});
