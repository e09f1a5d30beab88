// `sysplex-emu debug --console` driven through stdin, as a script or a pipe would drive it.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../e2e/cli.js';
import { DEMO } from './helpers.js';

function consoleRun(script: string[], file = DEMO): { status: number | null; out: string; err: string } {
  const env = { ...process.env };
  delete env.SYSPLEX_EMU_DEBUG;
  const r = spawnSync(process.execPath, [MAIN, 'debug', file, '--console'], { cwd: ROOT, env, input: `${script.join('\n')}\n`, encoding: 'utf8', timeout: 50_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('sysplex-emu debug --console', () => {
  it('breaks, shows the stopped state with time standing still, steps, and runs to the end', () => {
    const r = consoleRun([
      'D TCPIP,SYS1,NETSTAT,VCRT',
      'break vcrt.insert target == SYS2',
      'break vcrt.insert port ==',
      'break tcp.open c == SYS3',
      'breaks',
      'continue',
      'time',
      'where',
      'D TCPIP,SYS1,NETSTAT,VCRT',
      'show VCRT',
      'show DVIPA',
      'show EVENT',
      'target',
      'time',
      'next',
      'step',
      'delete 1',
      'continue',
      'where',
      'threads',
      'delete',
      'frobnicate',
      'continue',
      'continue',
      'time',
      'quit',
    ]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const out = r.out;
    const lines = out.split('\n');
    expect(lines[0]).toBe('sysplex-emu debug console: demo, LPARs SYS1 SYS2 SYS3, run until 1 s; type help');
    expect(out).toContain('SYS1 has not been IPLed yet: the run starts with continue');
    expect(out).toContain('breakpoint 1: vcrt.insert if target == SYS2');
    expect(out).toMatch(/breakpoint not set: condition: column 8: expected a value at the end/);
    expect(out).toContain('breakpoint 3: tcp.open if c == SYS3');

    // The first stop: the distributor inserts the first HTTP connection it forwards to SYS2.
    const stop = /\[(\S+ ms)\] SYS1 stopped: breakpoint 1: vcrt\.insert if target == SYS2\n {2}#0 vcrt\.insert dvipa=10\.1\.1\.10 port=80 client=(\S+) clientPort=(\d+) target=(SYS\d) \[SYS1 @ \1\]/.exec(out);
    expect(stop).not.toBeNull();
    const [, t1, client, clientPort, target] = stop!;
    // `time` twice while stopped, with displays in between: the same.
    const times = lines.filter((l) => /^\d+(\.\d+)? (ps|ns|us|ms|s)$/.test(l));
    expect(times[0]).toBe(t1);
    expect(times[1]).toBe(t1);
    expect(out).toContain(`  #1 osa.rx TCP SYN ${client}:${clientPort} -> 10.1.1.10:80 for SYS1 [OSA1 @`);
    expect(out).toMatch(new RegExp(`10\\.1\\.1\\.10\\s+00080 ${client.replace(/\./g, '\\.')}\\s+${clientPort}`));
    expect(out).toContain(`  ${client}:${clientPort}->10.1.1.10:80 = ${target}`);
    expect(out).toMatch(/ {2}10\.1\.1\.10 = ACTIVE, owner SYS1, distributing/);
    expect(out).toContain('  kind = vcrt.insert');
    expect(lines).toContain(target!);

    // next: SYS1's next event; step: the next anywhere; continue: SYS3 opens the connection (its cause chain).
    expect(out).toMatch(new RegExp(`SYS1 stopped: next event on SYS1\\n {2}#0 conn\\.forward to=${target}`));
    expect(out).toMatch(/stopped: step to the next event anywhere\n/);
    expect(out).toContain('breakpoint 1 deleted');
    expect(out).toMatch(/SYS3 stopped: breakpoint 3: tcp\.open if c == SYS3\n {2}#0 tcp\.open local=10\.1\.1\.10:80 remote=/);
    expect(out).toMatch(/ {2}#1 vcrt\.insert .* target=SYS3 \[SYS1 @/);
    expect(out).toMatch(/\* SYS3 {2}tcp\.open/);
    expect(out).toContain('all breakpoints deleted');
    expect(out).toContain('unknown command "frobnicate"');

    // To the end: the report, then `continue` says the run is over, and time is the end time.
    expect(out).toContain('clients: 1000 opened, 1000 completed, 0 reset, 0 failed');
    expect(out).toContain('the run ended at virtual time 1 s');
    expect(out).toContain('the run has ended: displays still work; quit to leave');
    expect(times[times.length - 1]).toBe('1 s');
  });

  it('ends the run where it is on quit or at the end of input, with the report so far', () => {
    const r = consoleRun(['break osa.rx', 'continue', 'step']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/stopped: breakpoint 1: osa\.rx\n/);
    expect(r.out).toMatch(/quit at virtual time \d+(\.\d+)? ms \(of 1 s\): the run ended there/);
    expect(r.out).toContain('sysplex-emu: demo');
  });

  it('stops on a failing expectation at the end of a scenario and exits 1', () => {
    const r = consoleRun(['continue', 'where', 'continue', 'quit'], 'test/debug/fixtures/failing.yaml');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/SYS2 stopped: expectation failed: distribution\[port=80\]\.targets\[stack=SYS2\]\.totalConn == 5 \(actual \d+\)/);
    expect(r.out).toContain('the run ended at virtual time 100 ms: 1 expectation(s) failed');
    expect(r.status).toBe(1);
  });
});
