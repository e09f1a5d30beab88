import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { evaluate, loadRunFile, loadScenario } from '../../src/scenario/index.js';
import { errorLines, loaded, SMALL, tree } from './tree.js';

// CONTRACT.md's example scenario, against the demo topology.
const TAKEOVER = `# yaml-language-server: $schema=../schema/scenario.schema.json
name: takeover keeps connections
topology: topologies/demo.yaml
seed: 7
until: 3s
workload:
  - { dvipa: 10.1.1.10, port: 80, protocol: http, clients: 64, connections: 2000, rate: 50000/s,
      request: 200B, response: 4KiB, hold: 20ms }
faults:
  - { at: 10ms, action: lpar-down, target: SYS1 }
  - { at: 40ms, action: lpar-up,   target: SYS1 }
  - { at: 50ms, action: xcf-down, target: SYS3-SYS2 }
  - { at: 60ms, action: loss, target: LAN1, pct: 2.5 }
  - { at: 2s, operator: "V TCPIP,SYS3,SYSPLEX,LEAVEGROUP" }
expect:
  - distribution[port=80].targets[stack=SYS2].lost == 0   # survivors keep every connection
  - dvipas[ip=10.1.1.10].owner == SYS1
  - 'display("D TCPIP,SYS2,NETSTAT,VIPADYN") contains "ACTIVE"'
golden: golden/takeover.trace.jsonl
`;

const readDemo = readFileSync('fixtures/topologies/demo.yaml', 'utf8');

/** A tree with the demo at topologies/demo.yaml (its ../profiles/SYSn.tcpip are where tree() puts them). */
function demoTree(files: Record<string, string>): string {
  return tree({ 'topologies/demo.yaml': readDemo, ...files });
}

describe('a scenario', () => {
  test('CONTRACT.md\'s takeover scenario loads with every field typed', () => {
    const dir = demoTree({ 's.yaml': TAKEOVER });
    const s = loaded(loadScenario(join(dir, 's.yaml')));
    expect(s.file).toBe(join(dir, 's.yaml'));
    expect(s.name).toBe('takeover keeps connections');
    expect(s.topology.file).toBe(join(dir, 'topologies/demo.yaml'));
    expect(s.topology.lpars.map((l) => l.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    expect(s.seed).toBe(7);
    expect(s.untilPs).toBe(3_000_000_000_000);
    expect(s.workload).toEqual([{
      dvipa: '10.1.1.10', port: 80, protocol: 'http', clients: 64, connections: 2000, rate: 50_000, request: 200,
      response: 4096, holdPs: 20_000_000_000, startPs: 1_000_000_000, at: { file: join(dir, 's.yaml'), line: 7, col: 5 },
      connectionsAt: { file: join(dir, 's.yaml'), line: 7, col: 77 },
    }]);
    expect(s.faults.map(({ at, ...f }) => ({ ...f, line: at.line }))).toEqual([
      { atPs: 10_000_000_000, action: 'lpar-down', target: 'SYS1', line: 10 },
      { atPs: 40_000_000_000, action: 'lpar-up', target: 'SYS1', line: 11 },
      { atPs: 50_000_000_000, action: 'xcf-down', target: 'SYS2-SYS3', line: 12 }, // the link's name as the topology writes it
      { atPs: 60_000_000_000, action: 'loss', target: 'LAN1', pct: 2.5, line: 13 },
      { atPs: 2_000_000_000_000, action: 'operator', command: 'V TCPIP,SYS3,SYSPLEX,LEAVEGROUP', line: 14 },
    ]);
    expect(s.expect.map((e) => [e.text, e.at.line, e.at.col])).toEqual([
      ['distribution[port=80].targets[stack=SYS2].lost == 0', 16, 5],
      ['dvipas[ip=10.1.1.10].owner == SYS1', 17, 5],
      ['display("D TCPIP,SYS2,NETSTAT,VIPADYN") contains "ACTIVE"', 18, 5],
    ]);
    const report = { dvipas: [{ ip: '10.1.1.10', owner: 'SYS1' }] };
    expect(evaluate(s.expect[1]!.expr, report)).toEqual({ ok: true, actual: 'SYS1' });
    expect(s.golden).toBe(join(dir, 'golden/takeover.trace.jsonl')); // need not exist yet: --update-golden writes it
    expect(s.capture).toBeUndefined();
  });

  test('defaults: name from the file, seed 1, until 1 s, the topology\'s workload', () => {
    const dir = demoTree({ 'plain.yaml': 'topology: topologies/demo.yaml\n' });
    const s = loaded(loadScenario(join(dir, 'plain.yaml')));
    expect(s).toMatchObject({ name: 'plain', seed: 1, untilPs: 1e12, faults: [], expect: [] });
    expect(s.workload).toBe(s.topology.workload);
    expect(s.workload[0]!.connections).toBe(1000);
  });

  test('an inline topology; loadRunFile tells scenario from topology', () => {
    const inline = `name: inline\ntopology:\n${SMALL.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}until: 250us\n`;
    const dir = tree({ 'i.yaml': inline, 'capture.pcapng': 'x' });
    const s = loaded(loadRunFile(join(dir, 'i.yaml')));
    expect(s.name).toBe('inline');
    expect(s.topology.name).toBe('small');
    expect(s.topology.file).toBe(join(dir, 'i.yaml'));
    expect(s.topology.lpars[1]!.at).toEqual({ file: join(dir, 'i.yaml'), line: 11, col: 7 });
    expect(s.untilPs).toBe(250_000_000);
    const t = loaded(loadRunFile('fixtures/topologies/demo.yaml'));
    expect(t.topology.name).toBe('demo');
  });

  test('a capture to replay resolves relative to the file and defaults to closed mode', () => {
    const dir = demoTree({ 'cap/c.pcapng': 'x', 'r.yaml': 'topology: topologies/demo.yaml\ncapture: cap/c.pcapng\n' });
    expect(loaded(loadScenario(join(dir, 'r.yaml')))).toMatchObject({ capture: join(dir, 'cap/c.pcapng'), captureMode: 'closed' });
    const dir2 = demoTree({ 'cap/c.pcapng': 'x', 'r.yaml': 'topology: topologies/demo.yaml\ncapture: cap/c.pcapng\ncaptureMode: open\n' });
    expect(loaded(loadScenario(join(dir2, 'r.yaml'))).captureMode).toBe('open');
  });
});

describe('scenario errors at FILE:LINE:COL', () => {
  const base = 'topology: topologies/demo.yaml\n';
  const cases: [string, string, string][] = [
    ['until: 10 parsecs', `${base}until: 10 parsecs\n`, 'FILE:2:8: until: "10 parsecs": unknown time unit "parsecs" (use ps, ns, us, ms or s)'],
    ['a fault time without unit', `${base}faults: [{ at: 10, action: lpar-down, target: SYS1 }]\n`,
      'FILE:2:16: faults[0].at: 10 has no unit: a time needs one of ps, ns, us, ms or s (e.g. 250us)'],
    ['unknown scenario key', `${base}seeds: 3\n`, 'FILE:2:1: unknown key "seeds" (did you mean "seed"?)'],
    ['negative seed', `${base}seed: -1\n`, 'FILE:2:7: seed: must be >= 0 (got -1)'],
    ['negative count in a workload', `${base}workload: [{ dvipa: 10.1.1.10, port: 80, connections: -5 }]\n`,
      'FILE:2:55: workload[0].connections: must be >= 0 (got -5)'],
    ['a workload bad size', `${base}workload: [{ dvipa: 10.1.1.10, port: 80, request: 4KB }]\n`,
      'FILE:2:51: workload[0].request: "4KB": sizes are binary, write KiB, MiB or GiB (4KiB = 4096 bytes)'],
    ['missing topology key', 'seed: 1\n', 'FILE:1:1: missing required key "topology"'],
    ['missing topology file', 'topology: nowhere/t.yaml\n', 'FILE:1:11: topology DIR/nowhere/t.yaml: no such file'],
    ['topology names a scenario', `${base}`.replace('topologies/demo.yaml', 'other.yaml'),
      'FILE:1:11: topology DIR/other.yaml is a scenario, not a topology'],
    ['unknown fault target', `${base}faults: [{ at: 1ms, action: lpar-down, target: SYS9 }]\n`,
      'FILE:2:48: faults[0].target: lpar-down: no LPAR named "SYS9" (SYS1, SYS2, SYS3)'],
    ['fault target of the wrong kind', `${base}faults: [{ at: 1ms, action: osa-down, target: SYS1 }]\n`,
      'FILE:2:47: faults[0].target: osa-down: no OSA port named "SYS1" (OSA1, OSA2, OSA3)'],
    ['unknown link', `${base}faults: [{ at: 1ms, action: xcf-up, target: SYS1-SYS4 }]\n`,
      'FILE:2:45: faults[0].target: xcf-up: no pair of signalling LPARs (SYS1-SYS2) named "SYS1-SYS4" (SYS1-SYS2, SYS1-SYS3, SYS2-SYS3)'],
    ['fault without a target', `${base}faults: [{ at: 1ms, action: lpar-up }]\n`, 'FILE:2:10: faults[0]: lpar-up needs a target (LPAR)'],
    ['fault with neither action nor operator', `${base}faults: [{ at: 1ms, target: SYS1 }]\n`,
      'FILE:2:10: faults[0]: a fault needs either action (lpar-down, osa-down, xcf-down, loss ...) or operator ("V TCPIP,...")'],
    ['loss without pct', `${base}faults: [{ at: 1ms, action: loss, target: OSA2 }]\n`,
      'FILE:2:10: faults[0]: loss needs pct (the percentage of frames dropped, 0-100)'],
    ['pct above 100', `${base}faults: [{ at: 1ms, action: loss, target: OSA2, pct: 150 }]\n`, 'FILE:2:54: faults[0].pct: must be <= 100 (got 150)'],
    ['pct on another action', `${base}faults: [{ at: 1ms, action: lpar-down, target: SYS2, pct: 5 }]\n`,
      'FILE:2:54: faults[0]: pct applies only to loss'],
    ['operator with a target', `${base}faults: [{ at: 1ms, operator: "V TCPIP,SYS1,SYSPLEX,LEAVEGROUP", target: SYS1 }]\n`,
      'FILE:2:66: faults[0]: an operator command takes no target'],
    ['operator on an unknown stack', `${base}faults: [{ at: 1ms, operator: "V TCPIP,SYS7,SYSPLEX,LEAVEGROUP" }]\n`,
      'FILE:2:31: faults[0].operator: no TCP/IP stack named "SYS7" (stacks: SYS1, SYS2, SYS3)'],
    ['not an operator command', `${base}faults: [{ at: 1ms, operator: "S TCPIP" }]\n`,
      'FILE:2:31: faults[0].operator: "S TCPIP" is not an operator command this emulator knows: use D TCPIP,<stack>,... or V TCPIP,<stack>,...'],
    ['expectation error at the exact character', `${base}expect:\n  - clients.failed == 0\n  - clients.failed =< 0\n`,
      'FILE:4:20: expect[1]: "=" is not an operator: write "==" to compare'],
    ['expectation error inside double quotes with escapes', `${base}expect:\n  - "x == \\"a\\" y"\n`,
      'FILE:3:17: expect[0]: unexpected "y" after the value (quote a value with spaces in it)'],
    ['expectation error inside single quotes', `${base}expect: ['display("D TCPIP,SYS1,NETSTAT,VCRT") contains']\n`,
      'FILE:2:56: expect[0]: expected a value at the end'],
    ['expectation that is not a string', `${base}expect:\n  - 42\n`, 'FILE:3:5: expect[0]: must be a string (got integer 42)'],
    ['missing capture', `${base}capture: none.pcap\n`, 'FILE:2:10: capture: capture DIR/none.pcap: no such file'],
    ['captureMode without capture', `${base}captureMode: open\n`, 'FILE:2:1: captureMode: there is no capture to replay (add capture: FILE.pcapng)'],
    ['bad captureMode', `${base}capture: c.pcap\ncaptureMode: half\n`, 'FILE:3:14: captureMode: must be one of closed, open, tap (got "half")'],
    ['inline topology error', 'topology:\n  lans: []\n  osas: []\n  lpars: []\n', 'FILE:2:9: topology.lans: needs at least 1 item(s)'],
    ['inline topology unknown key', `topology:\n  lans: [{ name: L, subnet: 10.0.0.0/8, router: 10.0.0.1, vlan: 3 }]\n  osas: [{ name: O, lan: L }]\n  lpars: [{ name: S, profile: profiles/SYS1.tcpip }]\n`,
      'FILE:2:59: topology.lans[0]: unknown key "vlan" (known keys: name, subnet, router, clients, latency, routerLatency, clientSpeed)'],
  ];

  test.each(cases)('%s', (_what, text, expected) => {
    const dir = demoTree({ 's.yaml': text, 'other.yaml': base, 'c.pcap': 'x' });
    const file = join(dir, 's.yaml');
    expect(errorLines(loadScenario(file))[0]).toBe(expected.replace('FILE', file).replace('DIR', dir));
  });

  test('errors in the topology a scenario names are reported in that file', () => {
    const dir = demoTree({ 's.yaml': 'topology: topologies/t.yaml\n', 'topologies/t.yaml': readDemo.replace('osas: [OSA2]', 'osas: [OSA9]') });
    expect(errorLines(loadScenario(join(dir, 's.yaml')))).toEqual([
      `${join(dir, 'topologies/t.yaml')}:25:12: lpars[1].osas[0]: unknown OSA port "OSA9" (OSA ports: OSA1, OSA2, OSA3)`,
    ]);
  });

  test('scenario and topology errors together, each in its own file', () => {
    const dir = demoTree({
      's.yaml': 'topology: topologies/t.yaml\nuntil: 1 fortnight\n',
      'topologies/t.yaml': readDemo.replace('failureDetection: 2ms', 'failureDetection: 2'),
    });
    const lines = errorLines(loadScenario(join(dir, 's.yaml')));
    expect(lines).toHaveLength(2);
    expect(lines).toContain(`${join(dir, 's.yaml')}:2:8: until: "1 fortnight": unknown time unit "fortnight" (use ps, ns, us, ms or s)`);
    expect(lines).toContain(`${join(dir, 'topologies/t.yaml')}:33:21: xcf.failureDetection: 2 has no unit: a time needs one of ps, ns, us, ms or s (e.g. 250us)`);
  });

  test('relative names stay relative in messages', () => {
    const r = loadScenario('fixtures/scenarios/invalid/missing-topology.yaml');
    expect(errorLines(r)).toEqual([
      'fixtures/scenarios/invalid/missing-topology.yaml:4:11: topology fixtures/topologies/no-such-topology.yaml: no such file',
    ]);
    expect(resolve('fixtures/topologies/no-such-topology.yaml')).toContain('/fixtures/topologies/');
  });

  test('loadScenario on a topology names the missing key; loadRunFile runs it', () => {
    expect(errorLines(loadScenario('fixtures/topologies/demo.yaml'))[0]).toMatch(
      /^fixtures\/topologies\/demo\.yaml:4:1: missing required key "topology"$/,
    );
    expect(loadRunFile('fixtures/topologies/demo.yaml').ok).toBe(true);
  });
});
