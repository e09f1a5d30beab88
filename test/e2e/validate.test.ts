// `sysplex-emu validate` on the built CLI: valid files exit 0 and say what they hold; every invalid fixture
// exits 2 with the `FILE:LINE:COL: message` its header promises, one line per error, and no stack trace.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, errLines, ROOT, STACK_FRAME, type CliResult } from './cli.js';

const SCENARIOS = 'fixtures/scenarios/invalid';
const PROFILES = 'fixtures/profiles/invalid';
const PROFILE_PARSER = join(ROOT, 'src/firmware/profile/index.ts');

/** One error is one line: `FILE:LINE:COL: message` or `FILE: message`, with something after the colon. */
const ERROR_LINE = /^\S[^\n]*?(:\d+:\d+|): \S/;

/** Exit 2, nothing on stdout, every stderr line one positioned error, no stack; returns the lines. */
function expectBadInput(r: CliResult): string[] {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(STACK_FRAME);
  const lines = errLines(r);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(ERROR_LINE);
  return lines;
}

/** A scenario fixture's line 2: `# error: LINE:COL: message`. */
function promiseOf(path: string): { line: string; col: string; message: string } {
  const m = /^# error: (\d+):(\d+): (.+)$/.exec(readFileSync(join(ROOT, path), 'utf8').split('\n')[1] ?? '');
  if (!m) throw new Error(`${path}: line 2 is not "# error: LINE:COL: message"`);
  return { line: m[1]!, col: m[2]!, message: m[3]! };
}

describe('validate a topology whose LPARs run another firmware image', () => {
  it('leaves their profiles to that image, as run does (the XCF probe reads SEND lines)', () => {
    const r = cli(['validate', 'fixtures/validation/cf-distance.yaml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/cf-distance\.yaml: valid/);
  });
});

describe('validate the demo topology', () => {
  it('exits 0 and names what it holds', () => {
    const r = cli(['validate', 'fixtures/topologies/demo.yaml']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const [first, ...rest] = r.stdout.split('\n');
    expect(first).toMatch(/fixtures\/topologies\/demo\.yaml: valid \(demo\)$/);
    const body = rest.join('\n');
    expect(body).toMatch(/LPARs: SYS1, SYS2, SYS3/);
    expect(body).toMatch(/OSAs: OSA1, OSA2, OSA3/);
    expect(body).toMatch(/LANs: LAN1/);
    expect(body).toMatch(/SYS1-CF01 \(ICA-SR\).*SYS2-CF01 \(ICA-SR\).*SYS3-CF01 \(ICA-SR\)/);
    expect(body).toMatch(/CFs: CF01 \(2 processors\)/);
    expect(body).toMatch(/workload: 1, faults: 0, expectations: 0, seed 1, until 1 s/);
  });

  it('--json prints one parseable object with CONTRACT.md\'s demo layout', () => {
    const r = cli(['validate', '--json', 'fixtures/topologies/demo.yaml']);
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as {
      name: string; seed: number; untilPs: number; workload: number;
      lpars: { name: string; processors: number; osas: string[]; profile: string }[];
      osas: { name: string; lan: string }[]; lans: { name: string; subnet: string; router: string }[];
      xcfLinks: { between: string[]; model: string }[];
    };
    expect(d.name).toBe('demo');
    expect(d.lpars.map((l) => l.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    expect(d.lpars.map((l) => [l.processors, l.osas])).toEqual([[2, ['OSA1']], [2, ['OSA2']], [2, ['OSA3']]]);
    for (const l of d.lpars) expect(resolve(ROOT, l.profile)).toBe(join(ROOT, `fixtures/profiles/${l.name}.tcpip`));
    expect(d.osas.map((o) => `${o.name}@${o.lan}`)).toEqual(['OSA1@LAN1', 'OSA2@LAN1', 'OSA3@LAN1']);
    expect(d.lans).toEqual([{ name: 'LAN1', subnet: '10.1.1.0/24', router: '10.1.1.254' }]);
    expect(d.xcfLinks.map((l) => `${l.between.join('-')} ${l.model}`)).toEqual(['SYS1-CF01 ICA-SR', 'SYS2-CF01 ICA-SR', 'SYS3-CF01 ICA-SR']);
    expect([d.workload, d.seed, d.untilPs]).toEqual([1, 1, 1_000_000_000_000]);
  });

  it('works from another directory with an absolute path', () => {
    const r = cli(['validate', join(ROOT, 'fixtures/topologies/demo.yaml')], { cwd: tmpdir() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/LPARs: SYS1, SYS2, SYS3/);
  });
});

describe('validate a scenario (CONTRACT.md\'s takeover example)', () => {
  const file = 'test/e2e/fixtures/takeover.yaml';

  it('exits 0 and counts its workload, faults and expectations', () => {
    const r = cli(['validate', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/takeover\.yaml: valid \(takeover keeps connections\)/);
    expect(r.stdout).toMatch(/workload: 1, faults: 3, expectations: 4, seed 7, until 3 s/);
  });

  it('--json carries the seed and until in picoseconds', () => {
    const d = JSON.parse(cli(['validate', file, '--json']).stdout) as Record<string, unknown>;
    expect(d).toMatchObject({ name: 'takeover keeps connections', seed: 7, untilPs: 3_000_000_000_000, faults: 3, expectations: 4 });
  });
});

describe('invalid scenarios and topologies: exit 2 at FILE:LINE:COL', () => {
  const files = readdirSync(join(ROOT, SCENARIOS)).filter((f) => f.endsWith('.yaml')).sort();

  it('the fixtures cover the kinds of error this test is about', () => {
    expect(files).toEqual(expect.arrayContaining(['yaml-syntax.yaml', 'unknown-key.yaml', 'bad-time-unit.yaml', 'negative-count.yaml']));
  });

  it.each(files)('%s: the first line is the promise of its line 2', (name) => {
    const path = `${SCENARIOS}/${name}`;
    const p = promiseOf(path);
    const lines = expectBadInput(cli(['validate', path]));
    expect(lines[0]).toBe(`${path}:${p.line}:${p.col}: ${p.message}`);
  });

  it.each(files)('%s: run reports the same error and does not run', (name) => {
    const path = `${SCENARIOS}/${name}`;
    const p = promiseOf(path);
    const lines = expectBadInput(cli(['run', path]));
    expect(lines[0]).toBe(`${path}:${p.line}:${p.col}: ${p.message}`);
  });

  it('--json changes nothing for a bad file: stderr only', () => {
    const path = `${SCENARIOS}/unknown-key.yaml`;
    const p = promiseOf(path);
    expect(expectBadInput(cli(['validate', '--json', path]))[0]).toBe(`${path}:${p.line}:${p.col}: ${p.message}`);
  });

  // The four the brief names, spelled out so a changed fixture header cannot quietly weaken them.
  it('a YAML syntax error', () => {
    const lines = expectBadInput(cli(['validate', `${SCENARIOS}/yaml-syntax.yaml`]));
    expect(lines[0]).toMatch(/^fixtures\/scenarios\/invalid\/yaml-syntax\.yaml:6:1: YAML: .*\]/);
  });

  it('an unknown key, with the key it probably meant', () => {
    const lines = expectBadInput(cli(['validate', `${SCENARIOS}/unknown-key.yaml`]));
    expect(lines[0]).toBe('fixtures/scenarios/invalid/unknown-key.yaml:11:7: topology.lpars[0]: unknown key "prcessors" (did you mean "processors"?)');
  });

  it('until: 10 parsecs', () => {
    const lines = expectBadInput(cli(['validate', `${SCENARIOS}/bad-time-unit.yaml`]));
    expect(lines[0]).toBe('fixtures/scenarios/invalid/bad-time-unit.yaml:5:8: until: "10 parsecs": unknown time unit "parsecs" (use ps, ns, us, ms or s)');
  });

  it('a negative count', () => {
    const lines = expectBadInput(cli(['validate', `${SCENARIOS}/negative-count.yaml`]));
    expect(lines[0]).toBe('fixtures/scenarios/invalid/negative-count.yaml:6:44: workload[0].clients: must be >= 1 (got -64)');
  });

  it('a missing file is `FILE: no such file`', () => {
    expect(expectBadInput(cli(['validate', 'fixtures/topologies/no-such.yaml']))).toEqual(['fixtures/topologies/no-such.yaml: no such file']);
  });

  it('a directory is bad input too: one line naming it', () => {
    const lines = expectBadInput(cli(['validate', 'fixtures/topologies']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fixtures\/topologies: /);
  });

  it('FILE is printed as the user wrote it (an absolute path from another directory)', () => {
    const abs = join(ROOT, SCENARIOS, 'bad-time-unit.yaml');
    const p = promiseOf(`${SCENARIOS}/bad-time-unit.yaml`);
    const lines = expectBadInput(cli(['validate', abs], { cwd: tmpdir() }));
    expect(lines[0]).toBe(`${abs}:${p.line}:${p.col}: ${p.message}`);
  });

  it('a file a scenario names is reported relative to how the scenario was named', () => {
    const r = cli(['validate', `./${SCENARIOS}/missing-topology.yaml`]);
    expect(expectBadInput(r)[0]).toBe(
      `./${SCENARIOS}/missing-topology.yaml:4:11: topology fixtures/topologies/no-such-topology.yaml: no such file`,
    );
  });
});

describe.skipIf(!existsSync(PROFILE_PARSER))('validate a PROFILE.TCPIP', () => {
  it('SYS1.tcpip exits 0 and describes what it understood', () => {
    const r = cli(['validate', 'fixtures/profiles/SYS1.tcpip']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('fixtures/profiles/SYS1.tcpip: valid');
    expect(r.stdout).toMatch(/DYNAMICXCF\s+10\.9\.9\.1\/24/);
    expect(r.stdout).toMatch(/OSA1\s+IPAQENET\s+10\.1\.1\.1\/24/);
    expect(r.stdout).toMatch(/DEFAULT\s+10\.1\.1\.254\s+OSA1/);
    expect(r.stdout).toMatch(/10\.1\.1\.10\/24\s+VIPADEFINE\b.*MOVEABLE IMMEDIATE/);
    expect(r.stdout).toMatch(/10\.1\.1\.10 PORT 7 80\s+DISTMETHOD ROUNDROBIN/);
    expect(r.stdout).toMatch(/DESTIP ALL/);
  });

  it('--json: the demo roles of CONTRACT.md (SYS1 owner, SYS2 backup 200, SYS3 backup 100)', () => {
    type Dvipa = { ip: string; role: string; statement: string; rank: number | null; moveable: string | null };
    type Desc = {
      dynamicXcf: { ip: string; prefixLen: number };
      interfaces: { name: string; ip: string; portName: string }[];
      dvipas: Dvipa[];
      distributions: { dvipa: string; ports: number[]; method: string; destinations: unknown }[];
    };
    const profile = (n: number): Desc => {
      const r = cli(['validate', '--json', `fixtures/profiles/SYS${n}.tcpip`]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Desc;
    };
    const [sys1, sys2, sys3] = [profile(1), profile(2), profile(3)];
    expect(sys1.dynamicXcf).toMatchObject({ ip: '10.9.9.1', prefixLen: 24 });
    expect(sys1.interfaces).toEqual([expect.objectContaining({ name: 'OSA1', ip: '10.1.1.1', portName: 'OSA1' })]);
    expect(sys1.dvipas).toEqual([expect.objectContaining({ ip: '10.1.1.10', role: 'OWNER', statement: 'VIPADEFINE', moveable: 'IMMEDIATE' })]);
    expect(sys1.distributions).toEqual([expect.objectContaining({ dvipa: '10.1.1.10', ports: [7, 80], method: 'ROUNDROBIN', destinations: 'ALL' })]);
    expect(sys2.dynamicXcf.ip).toBe('10.9.9.2');
    expect(sys2.dvipas).toEqual([expect.objectContaining({ ip: '10.1.1.10', role: 'BACKUP', statement: 'VIPABACKUP', rank: 200 })]);
    expect(sys3.dynamicXcf.ip).toBe('10.9.9.3');
    expect(sys3.dvipas).toEqual([expect.objectContaining({ ip: '10.1.1.10', role: 'BACKUP', statement: 'VIPABACKUP', rank: 100 })]);
  });

  it('a missing profile is `FILE: no such file`', () => {
    expect(expectBadInput(cli(['validate', 'fixtures/profiles/SYS9.tcpip']))).toEqual(['fixtures/profiles/SYS9.tcpip: no such file']);
  });

  const broken = existsSync(join(ROOT, PROFILES))
    ? readdirSync(join(ROOT, PROFILES)).filter((f) => f.endsWith('.tcpip')).sort()
    : [];

  it.skipIf(broken.length === 0).each(broken)('%s exits 2 at the FILE:LINE:COL its EXPECT-ERROR line names', (name) => {
    const path = `${PROFILES}/${name}`;
    const m = /^; EXPECT-ERROR (\d+):(\d+) (.+)$/m.exec(readFileSync(join(ROOT, path), 'utf8'));
    expect(m, `${path} has no "; EXPECT-ERROR LINE:COL text" line`).not.toBeNull();
    const lines = expectBadInput(cli(['validate', path]));
    expect(lines[0]!.startsWith(`${path}:${m![1]}:${m![2]}: `), lines[0]).toBe(true);
    expect(lines[0]).toContain(m![3]!.trim());
  });

  it('a topology whose LPAR profile is broken: exit 2 pointing into the profile', () => {
    const lines = expectBadInput(cli(['validate', 'test/e2e/fixtures/broken-profile.yaml']));
    const m = /^(.+):10:47: (.+)$/.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    expect(resolve(ROOT, m![1]!)).toBe(join(ROOT, 'fixtures/profiles/invalid/bad-address.tcpip'));
    expect(m![2]).toMatch(/10\.1\.1\.256 is not a valid IPv4 address/);
  });
});

describe.skipIf(!existsSync(PROFILE_PARSER))('validate: profiles as their owners wrote them', () => {
  const corpusArgs = (path: string): string[] =>
    (/^; corpus:(.*)$/m.exec(readFileSync(join(ROOT, path), 'utf8'))?.[1] ?? '').trim().split(/\s+/).filter((w) => w !== '');
  const listOf = (dir: string): string[] => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.tcpip')).sort().map((f) => `${dir}/${f}`);
  const CORPUS = 'fixtures/profiles/corpus';

  it.each(listOf(CORPUS))('%s: --json is its golden; stderr holds only warnings', (path) => {
    const r = cli(['validate', '--json', ...corpusArgs(path), path]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, path.replace(/\.tcpip$/, '.json')), 'utf8')));
    for (const line of errLines(r)) expect(line).toMatch(/^\S+:\d+:\d+: warning: /);
  });

  it.each(listOf(`${CORPUS}/invalid`))('%s exits 2 at the FILE:LINE:COL it names', (path) => {
    const m = /^; EXPECT-ERROR (\S+:\d+:\d+) (.+)$/m.exec(readFileSync(join(ROOT, path), 'utf8'))!;
    const lines = expectBadInput(cli(['validate', ...corpusArgs(path), path]));
    expect(lines[0]!.startsWith(`${m[1]}: `), lines[0]).toBe(true);
    expect(lines[0]).toContain(m[2]!.trim());
  });

  it('prints a one-screen summary: modelled, accepted but not modelled with lines, refused', () => {
    const r = cli(['validate', 'fixtures/profiles/production.tcpip']);
    expect(r.status, r.stderr).toBe(0);
    const screen = r.stdout.split('\n\n')[0]!.split('\n');
    expect(screen[0]).toBe('fixtures/profiles/production.tcpip: valid');
    expect(screen[1]).toMatch(/^Modelled: .*INTERFACE x5.*VIPADYNAMIC/);
    expect(screen.join('\n')).toMatch(/Accepted, not modelled \(29, with lines\):\n {2}statements +ARPAGE 7, IPCONFIG6 25,/);
    expect(screen.join('\n')).toMatch(/ {2}GLOBALCONFIG +NOTCPIPSTATISTICS 9, ECSALIMIT 10,/);
    expect(screen.at(-1)).toBe('Refused: nothing');
    expect(screen.length).toBeLessThanOrEqual(24);
    // The same items as warnings on stderr, one a line, each with its position.
    const warnings = errLines(r);
    expect(warnings).toHaveLength(29);
    expect(warnings[0]).toBe('fixtures/profiles/production.tcpip:7:1: warning: ARPAGE is accepted but not modelled');
  });

  it('--symbol fills symbols; a bad --symbol is a usage error', () => {
    const path = `${CORPUS}/invalid/undefined-symbol.tcpip`;
    const ok = cli(['validate', '--json', '--symbol', 'SYSNAME=SYS1', '--symbol', '&HOMEIPADDRESS1.=10.1.1.7', path]);
    expect(ok.status, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { interfaces: { name: string; ip: string }[] }).interfaces).toEqual([expect.objectContaining({ name: 'OSAS1', ip: '10.1.1.7' })]);
    const bad = cli(['validate', '--symbol', 'NOVALUE', path]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--symbol NOVALUE: expected NAME=VALUE/);
  });

  it('a topology shares one profile: symbols per LPAR and members from a folder of data sets', () => {
    const r = cli(['validate', 'test/e2e/fixtures/shared-profile/topology.yaml']);
    expect(r.status, r.stderr).toBe(0);
    const bad = cli(['validate', '--symbol', 'XCF=300', 'test/e2e/fixtures/shared-profile/topology.yaml']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/shared\.tcpip:2:48: expected the dynamic XCF address|10\.9\.9\.300 is not a valid IPv4 address/);
  });
});
