import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadRunFile, loadTopology } from '../../src/scenario/index.js';
import { demoProfile, errorLines, loaded, SMALL, tree } from './tree.js';

const DEMO = 'fixtures/topologies/demo.yaml';

describe('the demo topology', () => {
  const t = loaded(loadTopology(DEMO));

  test('LAN, OSA ports and XCF with exact values', () => {
    expect(t.file).toBe(resolve(DEMO));
    expect(t.name).toBe('demo');
    expect(t.lans).toEqual([{
      name: 'LAN1', subnet: '10.1.1.0/24', router: '10.1.1.254', clients: '198.51.100.0/24',
      latencyPs: 500_000, routerLatencyPs: 20_000_000, clientBps: 10_000_000_000,
      at: { file: DEMO, line: 6, col: 5 },
    }]);
    expect(t.osas.map((o) => [o.name, o.lan, o.bps, o.inbperf, o.frameLatencyPs, o.at.line])).toEqual([
      ['OSA1', 'LAN1', 10_000_000_000, 'BALANCED', 2_000_000, 11],
      ['OSA2', 'LAN1', 10_000_000_000, 'BALANCED', 2_000_000, 12],
      ['OSA3', 'LAN1', 10_000_000_000, 'BALANCED', 2_000_000, 13],
    ]);
    expect(t.xcf.failureDetectionPs).toBe(2_000_000_000);
    expect(t.xcf.links.map((l) => [l.between, l.model, l.distanceM, l.paths, l.signalling])).toEqual([
      [['SYS1', 'SYS2'], 'ICA-SR', 10, 1, 'CTC'],
      [['SYS1', 'SYS3'], 'ICA-SR', 10, 1, 'CTC'],
      [['SYS2', 'SYS3'], 'ICA-SR', 10, 1, 'CTC'],
    ]);
    expect(t.backplane).toBeUndefined();
  });

  test('LPARs, their profiles read, and the aliased applications', () => {
    expect(t.lpars.map((l) => l.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    t.lpars.forEach((l, i) => {
      expect(l.processors).toBe(2);
      expect(l.clockHz).toBe(5_200_000_000);
      expect(l.weight).toBe(100);
      expect(l.firmware).toBe('builtin');
      expect(l.osas).toEqual([`OSA${i + 1}`]);
      expect(l.profileFile).toBe(resolve(`fixtures/profiles/SYS${i + 1}.tcpip`));
      expect(l.profile).toBe(demoProfile(i + 1));
      expect(l.applications).toEqual([{ app: 'echo', port: 7 }, { app: 'http', port: 80, response: 4096 }]);
      expect(l.partition).toBeUndefined();
    });
    expect(t.lpars.map((l) => l.at)).toEqual([15, 22, 27].map((line) => ({ file: DEMO, line, col: 5 })));
  });

  test('the default workload', () => {
    expect(t.workload).toEqual([{
      dvipa: '10.1.1.10', port: 80, protocol: 'http', clients: 64, connections: 1000, rate: 20_000,
      request: 200, response: 4096, holdPs: 0, startPs: 1_000_000_000, at: { file: DEMO, line: 39, col: 5 },
      connectionsAt: { file: DEMO, line: 39, col: 77 },
    }]);
  });

  test('run on its own: default workload, seed 1, until 1 s', () => {
    const s = loaded(loadRunFile(DEMO));
    expect(s).toMatchObject({ file: resolve(DEMO), name: 'demo', seed: 1, untilPs: 1_000_000_000_000, faults: [], expect: [] });
    expect(s.topology).toEqual(t);
    expect(s.workload).toBe(s.topology.workload);
    expect(s.golden).toBeUndefined();
    expect(s.capture).toBeUndefined();
  });
});

describe('defaults and optional sections', () => {
  test('a small topology gets every default', () => {
    const dir = tree({ 'small.yaml': SMALL.replace('name: small\n', '') });
    const t = loaded(loadTopology(join(dir, 'small.yaml')));
    expect(t.name).toBe('small'); // from the file name
    expect(t.osas[1]!.bps).toBe(1_000_000_000);
    expect(t.lpars[0]).toMatchObject({ processors: 1, clockHz: 5_200_000_000, weight: 100, firmware: 'builtin', applications: [] });
    expect(t.xcf.links[0]).toMatchObject({ model: 'CE-LR', distanceM: 10_000, paths: 1, signalling: 'CTC' });
    expect(t.workload).toEqual([]);
  });

  test('every unit of every section converts', () => {
    const dir = tree({
      'fw/newer.js': 'export function createFirmware() {}\n',
      'keys/server.key': 'x', 'keys/client.key': 'y',
      't.yaml': `
lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254, clients: 203.0.113.0/24, latency: 1us, routerLatency: 0.5ms,
      clientSpeed: 25Gb/s }
osas:
  - { name: OSA1, lan: LAN1, speed: 25GbE, inbperf: MINLATENCY, frameLatency: 750ns }
lpars:
  - { name: SYS1, processors: 8, clock: 4.5GHz, weight: 300, profile: profiles/SYS1.tcpip, firmware: fw/newer.js,
      osas: [OSA1], applications: [{ app: http, port: 8080, response: 64KiB, backlog: 128 }], partition: 1 }
  - { name: SYS2, profile: profiles/SYS2.tcpip, firmware: builtin }
xcf:
  failureDetection: 3s
  links: [{ between: [SYS1, SYS2], model: ICA-SR, distance: 150m, paths: 4, signalling: STRUCTURE }]
workload:
  - { dvipa: 10.1.1.10, port: 7, protocol: echo, request: 1KiB, hold: 20ms, start: 5ms, rate: 3/ms }
  - { dvipa: 10.1.1.10, port: 8080, response: 1 }
backplane: { bind: "tcp://10.0.0.1:5555", curveServerKey: keys/server.key, curveClientKey: keys/client.key,
             pin: { LAN1: 0, SYS1: 1, SYS1-SYS2: 0 } }
`,
    });
    const t = loaded(loadTopology(join(dir, 't.yaml')));
    expect(t.lans[0]).toMatchObject({ clients: '203.0.113.0/24', latencyPs: 1_000_000, routerLatencyPs: 500_000_000, clientBps: 25e9 });
    expect(t.osas[0]).toMatchObject({ bps: 25e9, inbperf: 'MINLATENCY', frameLatencyPs: 750_000 });
    expect(t.lpars[0]).toMatchObject({
      processors: 8, clockHz: 4_500_000_000, weight: 300, firmware: join(dir, 'fw/newer.js'), partition: 1,
      applications: [{ app: 'http', port: 8080, response: 65536, backlog: 128 }],
    });
    expect(t.lpars[1]!.firmware).toBe('builtin');
    expect(t.xcf).toMatchObject({ failureDetectionPs: 3e12, links: [{ distanceM: 150, paths: 4, signalling: 'STRUCTURE' }] });
    expect(t.workload[0]).toMatchObject({ protocol: 'echo', request: 1024, response: 1024, holdPs: 20e9, startPs: 5e9, rate: 3000, clients: 1, connections: 1 });
    expect(t.workload[1]).toMatchObject({ protocol: 'http', request: 200, response: 1 });
    expect(t.backplane).toEqual({
      bind: 'tcp://10.0.0.1:5555', curveServerKey: join(dir, 'keys/server.key'), curveClientKey: join(dir, 'keys/client.key'),
      pin: { LAN1: 0, SYS1: 1, 'SYS1-SYS2': 0 },
    });
  });

  test('merge keys work, and errors inside merged or aliased nodes point at what was written', () => {
    const dir = tree({
      't.yaml': `lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254 }
osas:
  - &osa { name: OSA1, lan: LAN1, speed: 40GbE }
  - { <<: *osa, name: OSA2 }
lpars:
  - { name: SYS1, profile: profiles/SYS1.tcpip, osas: [OSA1, OSA2] }
`,
    });
    expect(errorLines(loadTopology(join(dir, 't.yaml')))).toEqual([
      `${join(dir, 't.yaml')}:4:42: osas[0].speed: must be one of 1GbE, 10GbE, 25GbE (got "40GbE")`,
      `${join(dir, 't.yaml')}:4:42: osas[1].speed: must be one of 1GbE, 10GbE, 25GbE (got "40GbE")`,
    ]);
  });
});

describe('errors at FILE:LINE:COL', () => {
  // Each case: the topology text (SMALL with one change) and the exact first error line, FILE replaced.
  const cases: [string, string, string][] = [
    ['YAML syntax', SMALL.replace('osas: [OSA1] }', 'osas: [OSA1 }'), 'FILE:8:61: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['duplicate YAML key', SMALL.replace('name: small', 'name: small\nname: again'), 'FILE:2:1: YAML: Map keys must be unique'],
    ['unknown top-level key', SMALL + 'lpar: []\n', 'FILE:13:1: unknown key "lpar" (did you mean "lpars"?)'],
    ['unknown nested key', SMALL.replace('{ name: OSA1, lan: LAN1 }', '{ name: OSA1, lan: LAN1, mtu: 1500 }'),
      'FILE:5:30: osas[0]: unknown key "mtu" (known keys: name, lan, speed, inbperf, frameLatency, readStorage, workloadQ)'],
    ['missing required key', SMALL.replace(', router: 10.1.1.254', ''), 'FILE:3:5: lans[0]: missing required key "router"'],
    ['missing top-level section', SMALL.replace(/osas:\n.*\n.*\n/, ''), 'FILE:1:1: missing required key "osas"'],
    ['wrong type', SMALL.replace('{ name: SYS1,', '{ name: SYS1, processors: two,'), 'FILE:8:31: lpars[0].processors: must be an integer (got string "two")'],
    ['negative count', SMALL.replace('{ name: SYS1,', '{ name: SYS1, processors: -2,'), 'FILE:8:31: lpars[0].processors: must be >= 1 (got -2)'],
    ['bad enum', SMALL.replace('model: CE-LR', 'model: CE-SR'), 'FILE:12:39: xcf.links[0].model: must be one of ICA-SR, CE-LR, IC, FICON (got "CE-SR")'],
    ['bad address', SMALL.replace('router: 10.1.1.254', 'router: 10.1.1.300'), 'FILE:3:48: lans[0].router: "10.1.1.300" is not a dotted IPv4 address (e.g. 10.1.1.10)'],
    ['bad name', SMALL.replace('name: OSA1, lan', 'name: OSA-1, lan'), `FILE:5:13: osas[0].name: "OSA-1" is not a name: a letter, then letters, digits, _, #, @ or $ (no '-')`],
    ['bad time unit', SMALL.replace('xcf:\n', 'xcf:\n  failureDetection: 10 parsecs\n'),
      'FILE:11:21: xcf.failureDetection: "10 parsecs": unknown time unit "parsecs" (use ps, ns, us, ms or s)'],
    ['time without unit', SMALL.replace('xcf:\n', 'xcf:\n  failureDetection: 10\n'),
      'FILE:11:21: xcf.failureDetection: 10 has no unit: a time needs one of ps, ns, us, ms or s (e.g. 250us)'],
    ['time not whole', SMALL.replace('xcf:\n', 'xcf:\n  failureDetection: 0.5ps\n'), 'FILE:11:21: xcf.failureDetection: "0.5ps" is not a whole number of ps'],
    ['empty list', SMALL.replace(/lpars:\n.*\n.*\n/, 'lpars: []\n'), 'FILE:7:8: lpars: needs at least 1 item(s)'],
    ['unknown LAN', SMALL.replace('{ name: OSA1, lan: LAN1 }', '{ name: OSA1, lan: LAN2 }'), 'FILE:5:24: osas[0].lan: unknown LAN "LAN2" (LANs: LAN1)'],
    ['unknown OSA', SMALL.replace('osas: [OSA2]', 'osas: [OSA2, OSA7]'), 'FILE:9:62: lpars[1].osas[1]: unknown OSA port "OSA7" (OSA ports: OSA1, OSA2)'],
    ['OSA listed twice', SMALL.replace('osas: [OSA2]', 'osas: [OSA2, OSA2]'), 'FILE:9:62: lpars[1].osas[1]: OSA port "OSA2" is listed twice'],
    ['duplicate name across kinds', SMALL.replace('{ name: OSA2, lan', '{ name: SYS1, lan').replace('[OSA2]', '[SYS1]'),
      'FILE:8:13: lpars[0].name: duplicate name "SYS1": already the OSA port at line 6'],
    ['missing profile', SMALL.replace('profiles/SYS2.tcpip', 'profiles/SYS9.tcpip'), 'FILE:9:28: lpars[1].profile: profile DIR/profiles/SYS9.tcpip: no such file'],
    ['profile is a directory', SMALL.replace('profiles/SYS2.tcpip', 'profiles'), 'FILE:9:28: lpars[1].profile: profile DIR/profiles: is a directory, not a file'],
    ['missing firmware module', SMALL.replace('{ name: SYS1,', '{ name: SYS1, firmware: fw/none.js,'), 'FILE:8:29: lpars[0].firmware: firmware module DIR/fw/none.js: no such file'],
    ['duplicate application port', SMALL.replace('osas: [OSA1] }', 'osas: [OSA1], applications: [{ app: echo, port: 7 }, { app: http, port: 7 }] }'),
      'FILE:8:121: lpars[0].applications[1].port: port 7 is already used by applications[0] of SYS1'],
    ['router outside subnet', SMALL.replace('router: 10.1.1.254', 'router: 10.1.2.254'), 'FILE:3:48: lans[0].router: router 10.1.2.254 is not inside the LAN\'s subnet 10.1.1.0/24'],
    ['host bits in subnet', SMALL.replace('subnet: 10.1.1.0/24', 'subnet: 10.1.1.7/24'), 'FILE:3:27: lans[0].subnet: 10.1.1.7/24 has host bits set: did you mean 10.1.1.0/24?'],
    ['clients inside the LAN', SMALL.replace('router: 10.1.1.254', 'router: 10.1.1.254, clients: 10.1.0.0/16'),
      'FILE:3:69: lans[0].clients: client subnet 10.1.0.0/16 overlaps the LAN\'s subnet 10.1.1.0/24: clients sit behind the router'],
    ['link to an unknown LPAR', SMALL.replace('between: [SYS1, SYS2]', 'between: [SYS1, SYS4]'), 'FILE:12:25: xcf.links[0].between[1]: unknown LPAR or CF "SYS4" (SYS1, SYS2)'],
    ['link to itself', SMALL.replace('between: [SYS1, SYS2]', 'between: [SYS2, SYS2]'), 'FILE:12:18: xcf.links[0].between: a link joins two different ends, not SYS2 with itself'],
    ['duplicate link', `${SMALL}    - { between: [SYS2, SYS1], model: IC }\n`,
      'FILE:13:18: xcf.links[1].between: a link between SYS2 and SYS1 is already defined at line 12 (give it more paths instead)'],
    ['ICA SR too long', SMALL.replace('model: CE-LR, distance: 10km', 'model: ICA-SR, distance: 300m'), 'FILE:12:57: xcf.links[0].distance: ICA-SR reaches at most 150 m, not 300m'],
    ['IC with a length', SMALL.replace('model: CE-LR, distance: 10km', 'model: IC, distance: 1m'),
      'FILE:12:53: xcf.links[0].distance: an IC link is internal to one machine: it has no fibre length'],
    ['non-loopback bind without keys', `${SMALL}backplane: { bind: "tcp://0.0.0.0:5555" }\n`,
      'FILE:13:20: backplane.bind: tcp://0.0.0.0:5555 is not a loopback endpoint: give curveServerKey and curveClientKey (CURVE encryption)'],
    ['pin of an unknown component', `${SMALL}backplane: { pin: { SYS1: 0, OSA9: 1 } }\n`,
      'FILE:13:30: backplane.pin: unknown component "OSA9" (LAN1, OSA1, OSA2, SYS1, SYS2, SYS1-SYS2)'],
    ['an empty file', '', 'FILE:1:1: the file is empty: expected a topology (lans, osas, lpars)'],
    ['not a mapping', '- just\n- a list\n', 'FILE:1:1: must be a mapping (got a list)'],
  ];

  test.each(cases)('%s', (_what, text, expected) => {
    const dir = tree({ 't.yaml': text });
    const file = join(dir, 't.yaml');
    expect(errorLines(loadTopology(file))[0]).toBe(expected.replace('FILE', file).replace('DIR', dir));
  });

  test('every error is reported once, in file order', () => {
    const dir = tree({
      't.yaml': SMALL.replace('osas: [OSA2]', 'osas: [OSA5]').replace('lan: LAN1 }', 'lan: LAN3 }').replace('between: [SYS1, SYS2]', 'between: [SYS9, SYS2]'),
    });
    expect(errorLines(loadTopology(join(dir, 't.yaml'))).map((l) => l.slice(dir.length + 8))).toEqual([
      '5:24: osas[0].lan: unknown LAN "LAN3" (LANs: LAN1)',
      '9:56: lpars[1].osas[0]: unknown OSA port "OSA5" (OSA ports: OSA1, OSA2)',
      '12:19: xcf.links[0].between[0]: unknown LPAR or CF "SYS9" (SYS1, SYS2)',
    ]);
  });

  test('a missing file is FILE: no such file; a directory says so', () => {
    expect(errorLines(loadTopology('fixtures/topologies/nope.yaml'))).toEqual(['fixtures/topologies/nope.yaml: no such file']);
    const dir = tree({});
    mkdirSync(join(dir, 'd.yaml'));
    expect(errorLines(loadTopology(join(dir, 'd.yaml')))).toEqual([`${join(dir, 'd.yaml')}: is a directory, not a file`]);
  });

  test('errors name files as the user wrote them, relative paths joined', () => {
    const dir = tree({ 'topologies/t.yaml': SMALL.replace('profiles/SYS1.tcpip', '../profiles/SYS9.tcpip').replace('profiles/SYS2.tcpip', '../profiles/SYS2.tcpip') });
    const lines = errorLines(loadTopology(join(dir, 'topologies/./t.yaml')));
    expect(lines).toEqual([`${join(dir, 'topologies/./t.yaml')}:8:28: lpars[0].profile: profile ${join(dir, 'profiles/SYS9.tcpip')}: no such file`]);
  });

  test('an alias bomb is refused, not expanded', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${'b'.repeat(i)}: &${'a'.repeat(i + 1)} [${Array(9).fill(`*${'a'.repeat(i)}`).join(', ')}]`);
    const dir = tree({ 'bomb.yaml': lines.join('\n') + '\n' });
    expect(errorLines(loadTopology(join(dir, 'bomb.yaml')))[0]).toMatch(/bomb\.yaml:1:1: YAML: .*alias/i);
  });
});
