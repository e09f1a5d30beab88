// Where components go in a partitioned run, the lookahead that follows, and external components spliced into
// links (built in-process: nothing is started here).
import { describe, expect, it } from 'vitest';
import { spliceInstrument } from '../../src/backplane/external.js';
import { planPartitions, type PlanStrategy } from '../../src/backplane/plan.js';
import { prepare } from '../../src/run/run-scenario.js';
import { InputError, RequestError } from '../../src/errors.js';
import { loadRunFile } from '../../src/scenario/index.js';
import type { Scenario, Topology } from '../../src/scenario/types.js';
import type { ExternalSpec } from '../../src/backplane/external.js';
import { writeRun } from './processes.js';
import { cli } from '../e2e/cli.js';

function demo(edit: (t: Topology) => Topology = (t) => t): Scenario {
  const r = loadRunFile('fixtures/topologies/demo.yaml');
  if (!r.ok) throw new Error('demo does not load');
  return { ...r.value, topology: edit(r.value.topology) };
}

async function plan(s: Scenario, n: number, externals: ExternalSpec[] = [], strategy: PlanStrategy = 'round-robin') {
  const p = await prepare(s, { isLocal: () => false, instruments: [spliceInstrument(externals)] });
  return { p, plan: planPartitions(p, n, externals, {}, strategy) };
}

const groups = (assignment: Record<string, number>) => {
  const out: string[][] = [];
  for (const [name, at] of Object.entries(assignment)) (out[at] ??= []).push(name);
  return out.map((g) => g.sort());
};

describe('partition plan', () => {
  it('deals LPARs (with their OSAs) and then the LAN (with router and clients) round robin', async () => {
    const two = await plan(demo(), 2);
    expect(groups(two.plan.assignment)).toEqual([
      ['CDS', 'CF01', 'OSA1', 'OSA3', 'SYS1', 'SYS3'],
      ['LAN1', 'LAN1.clients', 'LAN1.router', 'OSA2', 'SYS2'],
    ]);
    // OSA <-> LAN segments (500 ns) and the XCF links (2.05 us) cross; the LAN segments set the lookahead.
    expect(two.plan.lookaheadPs).toBe(500_000);
    expect(two.plan.latency[0 * 2 + 1]).toBe(500_000);
    expect(two.plan.latency[0]).toBe(Infinity);
    const three = await plan(demo(), 3);
    expect(groups(three.plan.assignment)).toEqual([
      ['CDS', 'CF01', 'LAN1', 'LAN1.clients', 'LAN1.router', 'OSA1', 'SYS1'],
      ['OSA2', 'SYS2'],
      ['OSA3', 'SYS3'],
    ]);
    const one = await plan(demo(), 1);
    expect(one.plan.lookaheadPs).toBe(Infinity);
    expect(new Set(Object.values(one.plan.assignment))).toEqual(new Set([0]));
    // Participant of each component by id, in the graph's id order.
    for (const c of three.p.sim.components) expect(three.plan.byId[c.id]).toBe(three.plan.assignment[c.name]);
  });

  it('follows pins: backplane.pin for a LAN, an OSA on its own, and an LPAR partition key', async () => {
    const s = demo((t) => ({
      ...t,
      lpars: t.lpars.map((l) => (l.name === 'SYS3' ? { ...l, partition: 0 } : l)),
      backplane: { pin: { LAN1: 2, OSA2: 0 } },
    }));
    const { plan: p } = await plan(s, 3);
    expect(groups(p.assignment)).toEqual([['CDS', 'CF01', 'OSA1', 'OSA2', 'OSA3', 'SYS1', 'SYS3'], ['SYS2'], ['LAN1', 'LAN1.clients', 'LAN1.router']]);
  });

  it('an API pin may cut between the router and its clients (the 20 us link) instead of a LAN segment', async () => {
    const s = demo();
    const p = await prepare(s, { isLocal: () => false });
    const pl = planPartitions(p, 2, [], { SYS1: 0, SYS2: 0, SYS3: 0, LAN1: 0, 'LAN1.clients': 1 });
    expect(groups(pl.assignment)).toEqual([['CDS', 'CF01', 'LAN1', 'LAN1.router', 'OSA1', 'OSA2', 'OSA3', 'SYS1', 'SYS2', 'SYS3'], ['LAN1.clients']]);
    expect(pl.lookaheadPs).toBe(20_000_000);
    expect(() => planPartitions(p, 2, [], { NOPE: 1 })).toThrow(/no component named NOPE/);
  });

  it('by latency: cuts the longest links (single linkage), and the default takes it when its lookahead is larger', async () => {
    const two = await plan(demo(), 2, [], 'latency');
    expect(two.plan.strategy).toBe('latency');
    expect(groups(two.plan.assignment)).toEqual([['CDS', 'CF01', 'LAN1', 'LAN1.router', 'OSA1', 'OSA2', 'OSA3', 'SYS1', 'SYS2', 'SYS3'], ['LAN1.clients']]);
    expect(two.plan.lookaheadPs).toBe(20_000_000);
    expect(two.plan.cut).toEqual([{ name: 'LAN1.router-LAN1.clients', latencyPs: 20_000_000 }]);
    expect((await plan(demo(), 2, [], 'auto')).plan.strategy).toBe('latency'); // 20 us beats round robin's 500 ns
    // Three groups: past the 20 us link every other link is 2.05 us or less, so no cut beats round robin's 500 ns
    // by more than it ties: the default keeps round robin then.
    const three = await plan(demo(), 3, [], 'latency');
    expect(three.plan.lookaheadPs).toBe(500_000);
    expect((await plan(demo(), 3, [], 'auto')).plan.strategy).toBe('round-robin');
    // Pins hold: SYS3 with the clients.
    const pinned = await plan(demo((t) => ({ ...t, backplane: { pin: { SYS3: 1, 'LAN1.clients': 1 } } })), 2, [], 'latency');
    expect(groups(pinned.plan.assignment)).toEqual([['CDS', 'CF01', 'LAN1', 'LAN1.router', 'OSA1', 'OSA2', 'SYS1', 'SYS2'], ['LAN1.clients', 'OSA3', 'SYS3']]);
  });

  it('a topology may pin a LAN\'s client hosts (backplane.pin: { LAN1.clients: 1 }); an unknown LAN part is bad input', () => {
    const ok = loadRunFile(writeRun('  pin: { LAN1.clients: 1 }', 'until: 1ms'));
    expect(ok.ok && ok.value.topology.backplane?.pin).toEqual({ 'LAN1.clients': 1 });
    const bad = loadRunFile(writeRun('  pin: { LAN9.clients: 1 }', 'until: 1ms'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map(String).join('\n')).toMatch(/topology\.yaml:\d+:\d+: backplane\.pin: unknown component "LAN9\.clients"/);
  });

  it("run --partitions 2 --plan prints the partitions, the cut, its lookahead, the events a window holds and the work's split, then runs", () => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--partitions', '2', '--plan', '--until', '3ms', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'plan: 2 partitions, placed by latency (cut at the longest links)',
      '  partition 0: CDS, CF01, LAN1, LAN1.router, OSA1 ... (10 components)',
      '  partition 1: LAN1.clients',
      '  cut: LAN1.router-LAN1.clients (20 us)',
    ]);
    expect(lines[4]).toMatch(/^ {2}lookahead 20 us: about [\d.]+ events per window of that length \(pilot: \d+ events in the first 2 ms in one process\)$/);
    // The work's split: the sysplex takes most of the pilot's events, the client hosts the rest; the ceiling is one
    // over the busiest share.
    const work = /^ {2}work: partition 0 ([\d.]+) %, partition 1 ([\d.]+) % of the pilot's events: at most ([\d.]+)x one process's speed$/.exec(lines[5]!);
    expect(work, lines[5]).not.toBeNull();
    const [busy, clients, ceiling] = [Number(work![1]), Number(work![2]), Number(work![3])];
    expect(busy).toBeGreaterThan(80);
    expect(clients).toBeGreaterThan(0);
    expect(busy + clients).toBeCloseTo(100, 0);
    expect(ceiling).toBeCloseTo(100 / busy, 2);
    expect(JSON.parse(r.stdout).backplane).toMatchObject({ lookaheadPs: 20_000_000 });
    const alone = cli(['run', 'fixtures/topologies/demo.yaml', '--plan']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toMatch(/--plan shows the cut of a partitioned run: give --partitions N/);
  });

  it("a partitioned run's human report says how it synchronised: windows, events a window, lookahead, waiting, waits, CPU", () => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--partitions', '2', '--until', '3ms']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const events = Number(/ ([\d,]+) events in /.exec(lines[1]!)![1]!.replaceAll(',', ''));
    const b = /^ {2}backplane: ([\d,]+) windows of ([\d.]+) events, lookahead 20 us; waiting \d+\.\d\d s, \d+\.\d\d s \(([\d,]+), ([\d,]+) times: ([\d.]+) events a wait\)(; CPU \d+\.\d\d s, \d+\.\d\d s)?$/.exec(lines[2]!);
    expect(b, lines[2]).not.toBeNull();
    const windows = Number(b![1]!.replaceAll(',', ''));
    expect(windows).toBeGreaterThan(0);
    expect(windows * Number(b![2])).toBeCloseTo(events, -2);
    const waits = Number(b![3]!.replaceAll(',', '')) + Number(b![4]!.replaceAll(',', ''));
    expect(waits).toBeGreaterThan(0);
    expect(waits * Number(b![5])).toBeCloseTo(events, -2);
    const one = cli(['run', 'fixtures/topologies/demo.yaml', '--until', '3ms']);
    expect(one.stdout).not.toMatch(/backplane:/);
  });

  it('refuses more partitions than the topology could fill before it starts any (exit 2, one line)', () => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--partitions', '64', '--until', '1ms']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("sysplex-emu: 64 partitions: this topology's units (LPARs, OSAs pinned apart, LANs, the client hosts behind their routers) fill at most 8");
    const p = cli(['run', 'fixtures/topologies/demo.yaml', '--partitions', '64', '--transport', 'processes', '--until', '1ms']);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/fill at most 8/);
  });

  it('refuses a pin past the partitions (bad input) and a partition that would run nothing', async () => {
    const s = demo((t) => ({ ...t, backplane: { pin: { SYS2: 4 } } }));
    await expect(plan(s, 2)).rejects.toThrow(InputError);
    await expect(plan(s, 2)).rejects.toThrow(/SYS2 is pinned to partition 4, but the run has 2 partitions/);
    await expect(plan(demo(), 5)).rejects.toThrow(RequestError);
    await expect(plan(demo(), 5)).rejects.toThrow(/partition 4 would run nothing/);
  });

  it('splices an external component into a link and makes it a participant of its own', async () => {
    const tap: ExternalSpec = { name: 'TAP', link: 'LAN1.router-LAN1', latencyPs: 3_000_000 };
    const { p, plan: pl } = await plan(demo(), 2, [tap]);
    expect(pl.participants).toBe(3);
    expect(pl.assignment.TAP).toBe(2);
    const c = p.sim.component('TAP')!;
    expect(c.ports.map((port) => [port.name, port.peer!.owner.name, port.link!.name, port.link!.latencyPs])).toEqual([
      ['a', 'LAN1.router', 'LAN1.router-LAN1', 500_000],
      ['b', 'LAN1', 'LAN1.router-LAN1~TAP', 3_000_000],
    ]);
    // The original link's serialisation rate is kept exactly on both halves.
    const router = p.sim.component('LAN1.router')!;
    expect(c.ports[0]!.link!.psPerByte).toBe(router.port('lan').link!.psPerByte);
    expect(c.ports[1]!.link!.psPerByte).toBe(router.port('lan').link!.psPerByte);
    expect(p.sim.links.some((l) => l.name === 'LAN1.router-LAN1')).toBe(true);
    await expect(plan(demo(), 2, [{ ...tap, link: 'NOPE' }])).rejects.toThrow(/no link named NOPE/);
    await expect(plan(demo(), 2, [{ ...tap, latencyPs: 0 }])).rejects.toThrow(/latency must be an integer >= 1 ps/);
  });
});
