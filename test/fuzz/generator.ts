// Schema-valid sysplexes and scenarios for the property test (issue 20, item 6): 1-32 LPARs with their
// PROFILE.TCPIP, any distribution method, one or two OSA ports each, XCF links, workloads, faults and operator
// commands at random times, and replays of the captures in fixtures/captures. A case is plain data (files by
// name and text), so a crash found is kept as a regression by writing its files out (test/fuzz/regressions).

import fc from 'fast-check';

/** One generated case: the files of a scenario (scenario.yaml, topology.yaml, SYSn.tcpip), by name. */
export interface FuzzCase {
  readonly files: Record<string, string>;
  /** The capture it replays, relative to the repository root, or null. */
  readonly capture: string | null;
}

const METHODS = ['ROUNDROBIN', 'WEIGHTEDACTIVE', 'BASEWLM', 'SERVERWLM', 'HOTSTANDBY', 'ROUNDROBIN TIMEDAFFINITY 30', 'BASEWLM OPTLOCAL 1'] as const;
const CAPTURES = ['fixtures/captures/http-echo-no-offload.pcapng', 'fixtures/captures/http-echo-8-clients.pcap'] as const;
const DVIPA = '10.1.1.10';

interface LparShape {
  readonly processors: number;
  readonly weight: number;
  readonly osas: 1 | 2;
}

interface XcfLinkShape {
  readonly between: readonly [number, number];
  readonly model: 'ICA-SR' | 'CE-LR' | 'IC';
  readonly paths: number;
  readonly signalling: 'CTC' | 'STRUCTURE';
}

interface Shape {
  readonly lpars: readonly LparShape[];
  readonly method: (typeof METHODS)[number];
  readonly links: readonly XcfLinkShape[];
  readonly workloads: readonly { protocol: 'http' | 'echo'; port: 7 | 80; clients: number; connections: number; rate: number; holdMs: number; startMs: number }[];
  readonly faults: readonly { atMs: number; kind: number; who: number; path: number; pct: number }[];
  readonly untilMs: number;
  readonly seed: number;
  readonly capture: { file: number; mode: 'closed' | 'open' } | null;
}

const lparName = (i: number): string => `SYS${i + 1}`;
const osaName = (i: number, k: number): string => (k === 0 ? `OSA${i + 1}` : `OSB${i + 1}`);
const homeIp = (i: number, k: number): string => `10.1.${2 + k}.${i + 1}`;

/**
 * The XCF part of a topology: which pairs of LPARs have coupling links, and of what kind. Kept to this one
 * function (and xcfYaml) so that a new XCF form (coupling links to a coupling facility, FICON CTC paths) is a
 * change here only.
 */
function xcfLinks(n: number): fc.Arbitrary<XcfLinkShape[]> {
  const link = (a: number, b: number): fc.Arbitrary<XcfLinkShape> =>
    fc.record({
      between: fc.constant([a, b] as const),
      model: fc.constantFrom('ICA-SR' as const, 'CE-LR' as const, 'IC' as const),
      paths: fc.integer({ min: 1, max: 4 }),
      signalling: fc.constantFrom('CTC' as const, 'STRUCTURE' as const),
    });
  if (n < 2) return fc.constant([]);
  // A star around SYS1 (the distributor), plus up to 8 other pairs; sometimes a star member is missing.
  const star = fc.tuple(...Array.from({ length: n - 1 }, (_, i) => fc.option(link(0, i + 1), { freq: 8 })));
  const extra = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.integer({ min: 1, max: n - 1 })).filter(([a, b]) => a < b), {
    maxLength: Math.min(8, ((n - 1) * (n - 2)) / 2),
    selector: ([a, b]) => `${a}-${b}`,
  });
  return fc.tuple(star, extra).chain(([s, e]) =>
    fc.tuple(...e.map(([a, b]) => link(a, b))).map((more) => [...s.filter((l): l is XcfLinkShape => l !== null), ...more]),
  );
}

function xcfYaml(links: readonly XcfLinkShape[]): string[] {
  const out = ['xcf:', '  failureDetection: 2ms', '  links:'];
  if (links.length === 0) return ['xcf:', '  failureDetection: 2ms', '  links: []'];
  for (const l of links) out.push(`    - { between: [${lparName(l.between[0])}, ${lparName(l.between[1])}], model: ${l.model}, paths: ${l.paths}, signalling: ${l.signalling} }`);
  return out;
}

export const shapeArb: fc.Arbitrary<Shape> = fc.integer({ min: 1, max: 32 }).chain((n) =>
  fc.record({
    lpars: fc.array(
      fc.record({ processors: fc.integer({ min: 1, max: 4 }), weight: fc.integer({ min: 1, max: 999 }), osas: fc.constantFrom(1 as const, 1 as const, 2 as const) }),
      { minLength: n, maxLength: n },
    ),
    // HOTSTANDBY needs a BACKUP target besides the preferred one.
    method: n === 1 ? fc.constantFrom(...METHODS.filter((m) => m !== 'HOTSTANDBY')) : fc.constantFrom(...METHODS),
    links: xcfLinks(n),
    workloads: fc.array(
      fc.record({
        protocol: fc.constantFrom('http' as const, 'echo' as const),
        port: fc.constantFrom(7 as const, 80 as const),
        // Mostly small; now and then up to the schema's 65,536 hosts and a few thousand connections (host
        // indexes past 2,048 once broke the client model).
        clients: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65536 }) }),
        connections: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }) }),
        rate: fc.constantFrom(0, 1000, 20000, 100000),
        holdMs: fc.constantFrom(0, 0, 5, 1000),
        startMs: fc.integer({ min: 0, max: 40 }),
      }),
      { maxLength: 3 },
    ),
    faults: fc.array(
      fc.record({ atMs: fc.integer({ min: 0, max: 150 }), kind: fc.integer({ min: 0, max: 10 }), who: fc.nat(), path: fc.nat(), pct: fc.integer({ min: 0, max: 100 }) }),
      { maxLength: 6 },
    ),
    untilMs: fc.integer({ min: 5, max: 150 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    capture: fc.option(fc.record({ file: fc.integer({ min: 0, max: CAPTURES.length - 1 }), mode: fc.constantFrom('closed' as const, 'open' as const) }), { freq: 5 }),
  }),
);

function profile(shape: Shape, i: number): string {
  const l = shape.lpars[i]!;
  const out = [`; generated PROFILE.TCPIP for ${lparName(i)}`, 'TCPCONFIG TCPSENDBFRSIZE 65535 TCPRCVBUFRSIZE 65535', 'IPCONFIG DATAGRAMFWD SYSPLEXROUTING', `         DYNAMICXCF 10.9.9.${i + 1} 255.255.255.0 1`];
  for (let k = 0; k < l.osas; k++) out.push(`INTERFACE ${osaName(i, k)} DEFINE IPAQENET PORTNAME ${osaName(i, k)} IPADDR ${homeIp(i, k)}/16`, '  MTU 1500 INBPERF BALANCED');
  out.push('BEGINROUTES');
  for (let k = 0; k < l.osas; k++) out.push(`  ROUTE 10.1.0.0/16 = ${osaName(i, k)} MTU 1500`);
  for (let k = 0; k < l.osas; k++) out.push(`  ROUTE DEFAULT 10.1.255.254 ${osaName(i, k)} MTU 1500`);
  out.push('ENDROUTES', 'VIPADYNAMIC');
  out.push(i === 0 ? `  VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 ${DVIPA}` : `  VIPABACKUP ${Math.max(1, 250 - i)} ${DVIPA}`);
  out.push(`  VIPADISTRIBUTE DEFINE DISTMETHOD ${shape.method} ${DVIPA}`, '     PORT 7 80');
  const n = shape.lpars.length;
  if (shape.method === 'WEIGHTEDACTIVE') {
    for (let t = 0; t < n; t++) out.push(`     ${t === 0 ? 'DESTIP' : '      '} 10.9.9.${t + 1} WEIGHT ${(shape.lpars[t]!.weight % 99) + 1}`);
  } else if (shape.method === 'HOTSTANDBY') {
    for (let t = 0; t < n; t++) out.push(`     ${t === 0 ? 'DESTIP' : '      '} 10.9.9.${t + 1} ${t === 0 ? 'PREFERRED' : `BACKUP ${Math.max(1, 250 - t)}`}`);
  } else out.push('     DESTIP ALL');
  out.push('ENDVIPADYNAMIC', 'PORT', '   7 TCP ECHOSRV', '  80 TCP HTTPSRV');
  for (let k = 0; k < l.osas; k++) out.push(`START ${osaName(i, k)}`);
  return `${out.join('\n')}\n`;
}

function topology(shape: Shape): string {
  const out = ['name: fuzz', 'lans:', '  - { name: LAN1, subnet: 10.1.0.0/16, router: 10.1.255.254, clients: 198.51.100.0/24 }', 'osas:'];
  shape.lpars.forEach((l, i) => {
    for (let k = 0; k < l.osas; k++) out.push(`  - { name: ${osaName(i, k)}, lan: LAN1, speed: 10GbE }`);
  });
  out.push('lpars:');
  shape.lpars.forEach((l, i) => {
    const osas = Array.from({ length: l.osas }, (_, k) => osaName(i, k)).join(', ');
    out.push(`  - name: ${lparName(i)}`, `    processors: ${l.processors}`, `    weight: ${l.weight}`, `    profile: ${lparName(i)}.tcpip`, `    osas: [${osas}]`);
    out.push('    applications:', '      - { app: echo, port: 7 }', '      - { app: http, port: 80, response: 2KiB }');
  });
  out.push(...xcfYaml(shape.links));
  return `${out.join('\n')}\n`;
}

/** A fault (or operator command) line: the kind picks the action, `who` the LPAR, OSA, link or LAN. */
function faultYaml(shape: Shape, f: Shape['faults'][number]): string {
  const n = shape.lpars.length;
  const lpar = lparName(f.who % n);
  const osas = shape.lpars.flatMap((l, i) => Array.from({ length: l.osas }, (_, k) => osaName(i, k)));
  const osa = osas[f.who % osas.length]!;
  const link = shape.links[f.who % Math.max(1, shape.links.length)];
  const at = `${f.atMs}ms`;
  switch (f.kind) {
    case 0:
      return `{ at: ${at}, action: lpar-down, target: ${lpar} }`;
    case 1:
      return `{ at: ${at}, action: lpar-up, target: ${lpar} }`;
    case 2:
      return `{ at: ${at}, action: osa-down, target: ${osa} }`;
    case 3:
      return `{ at: ${at}, action: osa-up, target: ${osa} }`;
    case 4:
    case 5: {
      if (link === undefined) return `{ at: ${at}, action: loss, target: LAN1, pct: ${f.pct} }`;
      const name = `${lparName(link.between[0])}-${lparName(link.between[1])}`;
      const target = f.path % 2 === 0 ? name : `${name}:${f.path % link.paths}`;
      return `{ at: ${at}, action: ${f.kind === 4 ? 'xcf-down' : 'xcf-up'}, target: "${target}" }`;
    }
    case 6:
      return `{ at: ${at}, action: loss, target: LAN1, pct: ${f.pct} }`;
    case 7:
      return `{ at: ${at}, operator: "V TCPIP,${lpar},SYSPLEX,LEAVEGROUP" }`;
    case 8:
      return `{ at: ${at}, operator: "V TCPIP,${lpar},SYSPLEX,JOINGROUP" }`;
    case 9:
      return `{ at: ${at}, operator: "V TCPIP,${lpar},SYSPLEX,DEACTIVATE,DVIPA=${DVIPA}" }`;
    default:
      return `{ at: ${at}, operator: "D TCPIP,${lpar},NETSTAT,VCRT" }`;
  }
}

function scenarioYaml(shape: Shape): string {
  const out = ['name: fuzz case', 'topology: topology.yaml', `seed: ${shape.seed}`, `until: ${shape.untilMs}ms`];
  if (shape.capture !== null) out.push(`capture: capture${CAPTURES[shape.capture.file]!.slice(CAPTURES[shape.capture.file]!.lastIndexOf('.'))}`, `captureMode: ${shape.capture.mode}`);
  out.push('workload:');
  if (shape.workloads.length === 0) out[out.length - 1] = 'workload: []';
  for (const w of shape.workloads) {
    out.push(`  - { dvipa: ${DVIPA}, port: ${w.port}, protocol: ${w.protocol}, clients: ${w.clients}, connections: ${w.connections}, rate: ${w.rate}/s, hold: ${w.holdMs}ms, start: ${w.startMs}ms }`);
  }
  out.push(shape.faults.length === 0 ? 'faults: []' : 'faults:');
  for (const f of shape.faults) out.push(`  - ${faultYaml(shape, f)}`);
  // Expectations that may be true or false (exit 0 or 1), and a display.
  out.push('expect:', '  - clients.reset >= 0', `  - display("D TCPIP,${lparName(0)},NETSTAT,VIPADYN") contains "${DVIPA}"`);
  return `${out.join('\n')}\n`;
}

export function caseOf(shape: Shape): FuzzCase {
  const files: Record<string, string> = { 'scenario.yaml': scenarioYaml(shape), 'topology.yaml': topology(shape) };
  shape.lpars.forEach((_, i) => (files[`${lparName(i)}.tcpip`] = profile(shape, i)));
  return { files, capture: shape.capture === null ? null : CAPTURES[shape.capture.file]! };
}

export const caseArb: fc.Arbitrary<FuzzCase> = shapeArb.map(caseOf);

/** Ways to make a valid case invalid; each must give exit 2 with a position in the named file. */
export const BREAKAGES: readonly { readonly name: string; readonly file: string; readonly apply: (text: string) => string }[] = [
  { name: 'processors 0', file: 'topology.yaml', apply: (t) => t.replace(/processors: \d+/, 'processors: 0') },
  { name: 'unknown key', file: 'topology.yaml', apply: (t) => t.replace('lpars:', 'lpars:\n  - { name: SYSX, profile: SYS1.tcpip, colour: red }') },
  { name: 'bad time unit', file: 'scenario.yaml', apply: (t) => t.replace(/until: \d+ms/, 'until: 5 parsecs') },
  { name: 'unknown fault target', file: 'scenario.yaml', apply: (t) => t.replace(/faults:( \[\])?/, 'faults:\n  - { at: 1ms, action: lpar-down, target: NOSUCH }') },
  { name: 'too many connections', file: 'scenario.yaml', apply: (t) => t.replace(/workload:( \[\])?/, 'workload:\n  - { dvipa: 10.1.1.10, port: 80, connections: 99999999999 }') },
  { name: 'duplicate LPAR', file: 'topology.yaml', apply: (t) => t.replace(/lpars:\n  - name: SYS1\n/, 'lpars:\n  - { name: SYS1, profile: SYS1.tcpip }\n  - name: SYS1\n') },
  { name: 'bad profile statement', file: 'SYS1.tcpip', apply: (t) => t.replace('VIPADYNAMIC', 'VIPADYNAMIC\n  VIPADEFINE SIDEWAYS 10.1.1.99') },
  { name: 'HOTSTANDBY without a backup', file: 'SYS1.tcpip', apply: (t) => t.replace(/VIPADISTRIBUTE DEFINE DISTMETHOD [^\n]*\n     PORT 7 80\n[^]*?ENDVIPADYNAMIC/, 'VIPADISTRIBUTE DEFINE DISTMETHOD HOTSTANDBY 10.1.1.10\n     PORT 7 80\n     DESTIP 10.9.9.1 PREFERRED\nENDVIPADYNAMIC') },
  { name: 'YAML syntax', file: 'scenario.yaml', apply: (t) => t.replace('expect:', 'expect: [unclosed') },
];
