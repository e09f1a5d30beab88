import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULTS, scenarioSchema, topologySchema } from '../../src/scenario/index.js';
import { spinFdiPs } from '../../src/scenario/topology.js';
import {
  BITRATE_PATTERN, DISTANCE_PATTERN, FREQUENCY_PATTERN, parseBitRate, parseDistance, parseFrequency, parseSize, parseTime,
  RATE_PATTERN, SIZE_PATTERN, TIME_PATTERN,
} from '../../src/scenario/units.js';

type Node = Record<string, unknown>;
const schemas: [string, Node][] = [['topology', topologySchema as Node], ['scenario', scenarioSchema as Node]];

/** Every subschema with its JSON-pointer-ish location. */
function walk(node: unknown, at: string, out: [string, Node][] = []): [string, Node][] {
  if (typeof node !== 'object' || node === null) return out;
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${at}/${i}`, out));
    return out;
  }
  out.push([at, node as Node]);
  for (const [k, v] of Object.entries(node)) if (k !== 'enum' && k !== 'required') walk(v, `${at}/${k}`, out);
  return out;
}

function deref(n: Node): Node {
  const ref = n.$ref as string | undefined;
  if (!ref) return n;
  const [file, pointer] = ref.split('#');
  const root = (file === 'topology.schema.json' ? topologySchema : undefined) as Node | undefined;
  let cur: unknown = root ?? topologySchema;
  for (const seg of (pointer ?? '').split('/').filter(Boolean)) cur = (cur as Node)[seg];
  return cur as Node;
}

describe.each(schemas)('%s schema', (_name, schema) => {
  test('every object with properties refuses unknown keys', () => {
    for (const [at, n] of walk(schema, '#')) {
      if (n.properties !== undefined) expect(n.additionalProperties, at).toBe(false);
    }
  });

  test('every property has a description for editors', () => {
    for (const [at, n] of walk(schema, '#')) {
      if (typeof n.properties !== 'object' || at.endsWith('/properties')) continue;
      for (const [key, prop] of Object.entries(n.properties as Record<string, Node>)) {
        const d = prop.description ?? deref(prop).description;
        expect(typeof d === 'string' && d.length > 10, `${at}/properties/${key}`).toBe(true);
      }
    }
  });
});

test('unit patterns in the schema are the ones the unit parsers use', () => {
  const defs = topologySchema.definitions;
  expect(defs.time.pattern).toBe(TIME_PATTERN);
  expect(defs.size.pattern).toBe(SIZE_PATTERN);
  expect(defs.rate.pattern).toBe(RATE_PATTERN);
  expect(defs.bitrate.pattern).toBe(BITRATE_PATTERN);
  expect(defs.frequency.pattern).toBe(FREQUENCY_PATTERN);
  expect(defs.distance.pattern).toBe(DISTANCE_PATTERN);
  expect(scenarioSchema.properties.until.$ref).toBe('topology.schema.json#/definitions/time');
});

test('defaults written in the descriptions are the defaults the loader applies', () => {
  const d = topologySchema.definitions;
  const said = (desc: string): string => /default ([^\s,;)]+)/.exec(desc)![1]!;
  const value = (r: { ok: boolean; value?: number }) => (r.ok ? r.value : NaN);
  expect(said(d.lan.properties.clients.description)).toBe(DEFAULTS.lan.clients);
  expect(value(parseTime(said(d.lan.properties.latency.description)))).toBe(DEFAULTS.lan.latencyPs);
  expect(value(parseTime(said(d.lan.properties.routerLatency.description)))).toBe(DEFAULTS.lan.routerLatencyPs);
  expect(value(parseBitRate(said(d.lan.properties.clientSpeed.description)))).toBe(DEFAULTS.lan.clientBps);
  expect(value(parseBitRate(said(d.osa.properties.speed.description)))).toBe(DEFAULTS.osa.bps);
  expect(said(d.osa.properties.inbperf.description)).toBe(DEFAULTS.osa.inbperf);
  expect(value(parseTime(said(d.osa.properties.frameLatency.description)))).toBe(DEFAULTS.osa.frameLatencyPs);
  expect(Number(said(d.lpar.properties.processors.description))).toBe(DEFAULTS.lpar.processors);
  expect(value(parseFrequency(said(d.lpar.properties.clock.description)))).toBe(DEFAULTS.lpar.clockHz);
  expect(Number(said(d.lpar.properties.weight.description))).toBe(DEFAULTS.lpar.weight);
  expect(d.xcf.properties.failureDetection.description).toContain(`default spinfdi: ${spinFdiPs('dedicated') / 1e12}s with dedicated CPs, ${spinFdiPs('shared') / 1e12}s with shared`);
  expect(d.lpar.properties.cps.description).toContain(`(default ${DEFAULTS.lpar.cps})`);
  expect(Number(said(d.cf.properties.processors.description))).toBe(DEFAULTS.cf.processors);
  expect(value(parseSize(said(d.xcf.properties.classLength.description)))).toBe(DEFAULTS.xcf.classLength);
  expect(value(parseSize(said(d.xcf.properties.maxMsg.description)))).toBe(DEFAULTS.xcf.maxMsgBytes);
  expect(Number(said(d.xcfLink.properties.paths.description))).toBe(DEFAULTS.xcf.paths);
  const distances = d.xcfLink.properties.distance.description;
  for (const [model, m] of Object.entries(DEFAULTS.xcf.distanceM)) {
    const written = new RegExp(`${model} ([0-9.]+k?m)`).exec(distances)![1]!;
    expect(value(parseDistance(written)), model).toBe(m);
  }
  expect(d.workload.properties.protocol.description).toContain(`Default ${DEFAULTS.workload.protocol}.`);
  expect(Number(said(d.workload.properties.clients.description))).toBe(DEFAULTS.workload.clients);
  expect(Number(said(d.workload.properties.connections.description))).toBe(DEFAULTS.workload.connections);
  expect(value(parseSize(said(d.workload.properties.request.description)))).toBe(DEFAULTS.workload.request);
  expect(value(parseTime(said(d.workload.properties.hold.description)))).toBe(DEFAULTS.workload.holdPs);
  expect(Number(said(scenarioSchema.properties.seed.description))).toBe(DEFAULTS.scenario.seed);
  expect(value(parseTime(said(scenarioSchema.properties.until.description)))).toBe(DEFAULTS.scenario.untilPs);
});

test('the schema ships in the package and the demo points editors at it', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
  expect(pkg.files).toContain('schema');
  const first = readFileSync('fixtures/topologies/demo.yaml', 'utf8').split('\n')[0];
  expect(first).toBe('# yaml-language-server: $schema=../../schema/topology.schema.json');
  expect(readFileSync('fixtures/topologies/../../schema/topology.schema.json', 'utf8')).toContain('"additionalProperties": false');
});
