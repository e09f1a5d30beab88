// Each fixture scenario must fail when the behaviour it covers breaks. The firmware is broken on purpose
// without editing it: topologies name firmware images from test/suite/fixtures/firmware that wrap the real
// one and change one thing, and the fixture scenarios run against them unchanged (copied only to point at
// those topologies). A pass-through wrapper is the control: wrapping alone breaks nothing.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli.js';

const FIRMWARE = join(ROOT, 'test/suite/fixtures/firmware');

/** fixtures/scenarios/<scenario>.yaml in `dir`, its topology's LPARs running `firmware`. */
function brokenCopy(dir: string, scenario: string, firmware: string): string {
  const text = readFileSync(join(ROOT, 'fixtures/scenarios', `${scenario}.yaml`), 'utf8');
  const m = /^topology: \.\.\/topologies\/(\S+)\.yaml$/m.exec(text);
  expect(m, scenario).not.toBeNull();
  const topology = readFileSync(join(ROOT, 'fixtures/topologies', `${m![1]}.yaml`), 'utf8')
    .replaceAll('profile: ../profiles/', `profile: ${ROOT}fixtures/profiles/`)
    .replace(/^( {4})profile: .*$/gm, (line, indent: string) => `${line}\n${indent}firmware: ${join(FIRMWARE, `${firmware}.mjs`)}`);
  expect(topology.match(/firmware: /g)).toHaveLength(3);
  mkdirSync(join(dir, 'topologies'), { recursive: true });
  const topologyFile = join(dir, 'topologies', `${m![1]}-${firmware}.yaml`);
  writeFileSync(topologyFile, topology);
  const file = join(dir, `${scenario}-${firmware}.yaml`);
  writeFileSync(file, text.replace(m![0], `topology: ${topologyFile}`));
  return file;
}

// scenario -> the broken firmware, and an expectation the breakage must falsify.
const CASES = [
  { scenario: 'roundrobin', firmware: 'drop-listen', falsified: 'distribution[port=80].targets[stack=SYS2].totalConn == 100 (actual: 0)' },
  { scenario: 'basewlm', firmware: 'ignore-wlm', falsified: 'distribution[port=80].targets[stack=SYS3].totalConn >= 280 (actual: 200)' },
  { scenario: 'timedaffinity', firmware: 'no-affinity', falsified: 'distribution[port=80].targets[stack=SYS1].totalConn == 30' },
  { scenario: 'leave-join', firmware: 'ignore-leavegroup', falsified: 'distribution[port=80].targets[stack=SYS1].totalConn <= 80' },
  { scenario: 'arp-takeover', firmware: 'no-interface-state', falsified: 'clients.completed == 600' },
  { scenario: 'interface-monitor', firmware: 'no-interface-state', falsified: 'clients.completed == 200' },
] as const;

describe('fixture scenarios against firmware broken on purpose', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suite-broken-fw-'));
  const broken = CASES.map((c) => brokenCopy(dir, c.scenario, c.firmware));
  const control = mkdtempSync(join(tmpdir(), 'suite-control-fw-'));
  const controls = [...new Set(CASES.map((c) => c.scenario))].map((s) => brokenCopy(control, s, 'passthrough'));

  it('fail, exit 1, each naming an expectation the breakage falsified', () => {
    const r = cli(['test', ...broken, '--jobs', '2'], { timeoutMs: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`0 passed, ${CASES.length} failed`);
    CASES.forEach((c, i) => {
      const start = lines.findIndex((l) => l.startsWith(`FAIL  ${broken[i]}  `));
      expect(start, `${c.scenario}\n${r.stdout}`).toBeGreaterThanOrEqual(0);
      const own = [];
      for (let j = start + 1; j < lines.length && lines[j]!.startsWith('      '); j++) own.push(lines[j]!.trim());
      expect(own.some((l) => l.startsWith(`expected ${c.falsified}`)), `${c.scenario}: ${own.join('\n')}`).toBe(true);
    });
  }, 200_000);

  it('pass with the real firmware behind the same wrapper', () => {
    const r = cli(['test', ...controls, '--jobs', '2'], { timeoutMs: 180_000 });
    expect(r.stdout.trimEnd().split('\n').at(-1), r.stdout).toBe(`${controls.length} passed, 0 failed`);
    expect(r.status).toBe(0);
  }, 200_000);
});
