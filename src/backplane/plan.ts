// Which component runs in which partition, and the lookahead that follows from it.
//
// The rule (docs/backplane.md): the unit of placement is an LPAR with the OSA ports it defines (an OSA shared by
// several LPARs goes with the first of them), and a LAN with its edge router and what sits behind the router
// (the client hosts). Units are dealt out round robin over the partitions in topology order, LPARs first, then
// LANs: with 3 LPARs and one LAN, 2 partitions get {SYS1, SYS3} and {SYS2, LAN1}. A topology moves a unit with
// an LPAR's `partition:` key or `backplane.pin` (an LPAR, an OSA on its own, or a LAN with its router and
// clients); pinned units do not take a turn in the round robin. External components are participants of their
// own, numbered after the partitions. Any other component (one an instrument added) goes with a neighbour.
//
// A second plan cuts where latency is (`latency`): the client hosts behind a LAN's router are a unit of their own,
// and units are joined along their links in order of rising latency until N groups are left (Kruskal's
// single-linkage clustering: of all ways to make N groups it leaves the largest smallest latency between them).
// The run takes that plan when its lookahead is larger than round robin's (`strategy: 'auto'`, the default).
//
// The lookahead between two participants is the smallest latency of the links that join them.

import type { Component } from '../kernel/index.js';
import { InputError, RequestError } from '../errors.js';
import type { Prepared } from '../run/run-scenario.js';
import type { ExternalSpec } from './external.js';
import type { Scenario } from '../scenario/types.js';

export interface Plan {
  /** Worker partitions; participants N.. are the external components. */
  readonly partitions: number;
  readonly participants: number;
  /** Participant of every component, by component id. */
  readonly byId: Int32Array;
  /** Component name -> participant. */
  readonly assignment: Record<string, number>;
  /** Component names of each participant, in id order (for messages that name a partition). */
  readonly members: string[][];
  /** Smallest latency of a link between participants, ps (Infinity when none crosses). */
  readonly lookaheadPs: number;
  /** latency[q * participants + p]: the smallest latency of a link between q and p (Infinity: none). */
  readonly latency: Float64Array;
  /** How the units were placed. */
  readonly strategy: 'round-robin' | 'latency';
  /** The links between participants (the cut), largest latency first. */
  readonly cut: readonly { name: string; latencyPs: number }[];
}

export type PlanStrategy = 'auto' | 'round-robin' | 'latency';

/** At most how many partitions a topology's units can fill (each LPAR, each OSA pinned apart, each LAN and the
 *  client hosts behind its router): checked before any thread or process starts, so that `--partitions 999` is
 *  one line of bad input, not 999 threads. planPartitions says exactly which partition would run nothing. */
export function mostPartitions(topology: Scenario['topology']): number {
  return topology.lpars.length + topology.osas.length + 2 * topology.lans.length;
}

/** `morePins` (the API's) may also name the component behind a LAN's router (`LAN1.clients`), which then
 *  leaves its LAN's unit: the cut between router and clients is the longest link of a LAN (20 us by default). */
export function planPartitions(p: Prepared, partitions: number, externals: readonly ExternalSpec[], morePins: Readonly<Record<string, number>> = {}, strategy: PlanStrategy = 'auto'): Plan {
  if (strategy === 'round-robin' || partitions === 1) return placeUnits(p, partitions, externals, morePins, 'round-robin');
  const byLatency = placeUnits(p, partitions, externals, morePins, 'latency');
  if (strategy === 'latency') return byLatency;
  const roundRobin = placeUnits(p, partitions, externals, morePins, 'round-robin');
  return byLatency.lookaheadPs > roundRobin.lookaheadPs ? byLatency : roundRobin;
}

function placeUnits(p: Prepared, partitions: number, externals: readonly ExternalSpec[], morePins: Readonly<Record<string, number>>, strategy: 'round-robin' | 'latency'): Plan {
  const { sim, scenario } = p;
  const topology = scenario.topology;
  const where = new Map<string, number>();
  const pins: Record<string, number> = { ...(topology.backplane?.pin ?? {}), ...morePins };
  for (const name of Object.keys(morePins)) {
    if (sim.component(name) === undefined) throw new RequestError(`pin: no component named ${name}`);
  }
  const checkPin = (name: string, n: number): number => {
    if (n >= partitions) {
      throw new InputError(topology.file, `backplane: ${name} is pinned to partition ${n}, but the run has ${partitions} partition${partitions === 1 ? '' : 's'} (0-${partitions - 1})`);
    }
    return n;
  };

  // Units: [pinned partition or undefined, component names].
  const units: { pin: number | undefined; names: string[]; label: string }[] = [];
  const osaTaken = new Set<string>();
  for (const l of topology.lpars) {
    const names = [l.name];
    for (const o of l.osas) {
      if (osaTaken.has(o) || pins[o] !== undefined) continue;
      osaTaken.add(o);
      names.push(o);
    }
    const pin = l.partition ?? pins[l.name];
    units.push({ pin: pin === undefined ? undefined : checkPin(l.name, pin), names, label: l.name });
  }
  for (const lan of topology.lans) {
    const router = p.sysplex.router(lan.name);
    const names = [lan.name];
    if (router !== undefined) {
      names.push(router.name);
      const behind = router.clients.peer?.owner;
      if (behind !== undefined && !externals.some((e) => e.name === behind.name)) {
        const pin = pins[behind.name];
        if (pin !== undefined) where.set(behind.name, checkPin(behind.name, pin));
        else if (strategy === 'latency') units.push({ pin: undefined, names: [behind.name], label: behind.name });
        else names.push(behind.name);
      }
    }
    const pin = pins[lan.name];
    units.push({ pin: pin === undefined ? undefined : checkPin(lan.name, pin), names, label: lan.name });
  }
  const at = strategy === 'latency' ? clusterByLatency(p, units, partitions) : undefined;
  let turn = 0;
  units.forEach((u, i) => {
    const place = at?.[i] ?? u.pin ?? turn++ % partitions;
    for (const n of u.names) where.set(n, place);
  });
  for (const o of topology.osas) {
    const pin = pins[o.name];
    if (pin !== undefined) where.set(o.name, checkPin(o.name, pin));
  }
  externals.forEach((e, i) => where.set(e.name, partitions + i));

  // Anything else goes with the first neighbour that has a place (repeat until nothing changes).
  const comps = sim.components;
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of comps) {
      if (where.has(c.name)) continue;
      const peer = c.ports.map((port) => port.peer?.owner).find((o): o is Component => o !== undefined && where.has(o.name));
      if (peer !== undefined) {
        where.set(c.name, where.get(peer.name)!);
        changed = true;
      }
    }
  }
  for (const c of comps) if (!where.has(c.name)) where.set(c.name, 0);

  const participants = partitions + externals.length;
  const byId = new Int32Array(comps.length);
  const members: string[][] = Array.from({ length: participants }, () => []);
  const assignment: Record<string, number> = {};
  for (const c of comps) {
    const at = where.get(c.name)!;
    byId[c.id] = at;
    members[at]!.push(c.name);
    assignment[c.name] = at;
  }
  for (let i = 0; i < partitions; i++) {
    if (members[i]!.length === 0) {
      throw new RequestError(`with ${partitions} partitions, partition ${i} would run nothing (the topology has ${units.length} units to place: ${units.map((u) => u.label).join(', ')})`);
    }
  }
  const lookaheadPs = sim.minLatency((l) => byId[l.a.owner.id] !== byId[l.b.owner.id]);
  const latency = new Float64Array(participants * participants).fill(Infinity);
  for (const l of sim.links) {
    const a = byId[l.a.owner.id]!;
    const b = byId[l.b.owner.id]!;
    if (a === b) continue;
    if (l.latencyPs < latency[a * participants + b]!) latency[a * participants + b] = latency[b * participants + a] = l.latencyPs;
  }
  const cut = sim.links
    .filter((l) => byId[l.a.owner.id] !== byId[l.b.owner.id])
    .map((l) => ({ name: l.name, latencyPs: l.latencyPs }))
    .sort((a, b) => b.latencyPs - a.latencyPs || (a.name < b.name ? -1 : 1));
  return { partitions, participants, byId, assignment, members, lookaheadPs, latency, strategy, cut };
}

/** The partition of each unit by single-linkage clustering (see the header), or undefined for round robin when
 *  the units cannot make exactly `partitions` groups that respect the pins. */
function clusterByLatency(p: Prepared, units: readonly { pin: number | undefined; names: string[] }[], partitions: number): (number | undefined)[] | undefined {
  const unitOf = new Map<string, number>();
  units.forEach((u, i) => u.names.forEach((n) => unitOf.set(n, i)));
  const parent = units.map((_, i) => i);
  const pinOf = units.map((u) => u.pin);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  let groups = units.length;
  const join = (a: number, b: number): boolean => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return false;
    if (pinOf[ra] !== undefined && pinOf[rb] !== undefined && pinOf[ra] !== pinOf[rb]) return false;
    parent[rb] = ra;
    pinOf[ra] ??= pinOf[rb];
    groups--;
    return true;
  };
  // Units pinned to the same partition are one group from the start.
  units.forEach((u, i) => {
    const j = units.findIndex((v) => v.pin !== undefined && v.pin === u.pin);
    if (j >= 0 && j !== i) join(j, i);
  });
  const edges = p.sim.links
    .map((l) => ({ a: unitOf.get(l.a.owner.name), b: unitOf.get(l.b.owner.name), latencyPs: l.latencyPs }))
    .filter((e): e is { a: number; b: number; latencyPs: number } => e.a !== undefined && e.b !== undefined && e.a !== e.b)
    .sort((x, y) => x.latencyPs - y.latencyPs);
  for (const e of edges) {
    if (groups <= partitions) break;
    join(e.a, e.b);
  }
  if (groups !== partitions) return undefined;
  // Pinned groups keep their partition; the others take the free ones in topology order.
  const roots = [...new Set(units.map((_, i) => find(i)))];
  const taken = new Set(roots.map((r) => pinOf[r]).filter((x): x is number => x !== undefined));
  const free = Array.from({ length: partitions }, (_, i) => i).filter((i) => !taken.has(i));
  const place = new Map<number, number>();
  for (const r of roots) place.set(r, pinOf[r] ?? free.shift()!);
  return units.map((_, i) => place.get(find(i)));
}

/** "SYS2, OSA2" or "SYS1, OSA1, ... (7 components)": a partition's members for a message. */
export function describeMembers(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')} ... (${names.length} components)`;
}
