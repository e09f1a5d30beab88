// An external component: a model that runs in another program (a Python script, an RTL or C++ simulation) and
// joins a partitioned run as a participant of its own. Every process builds the same graph, so the component
// exists everywhere as a placeholder that is never local; its events leave through the backplane.
//
// A link-level model is spliced into an existing link `A <-> B` (latency L, serialisation at the link's rate):
//     A <-> [name].a     the original link: latency L, A's serialisation kept
//     [name].b <-> B     a new link of the component's own latency D, at the original link's rate
// The component forwards with no serialisation of its own, so a frame takes L + D where it took L before.

import { Component, type Link, type Port, type Simulation } from '../kernel/index.js';
import { RequestError } from '../errors.js';
import type { Instrument } from '../run/run-scenario.js';

export interface ExternalSpec {
  /** The component's name (it must not clash with the topology's). */
  name: string;
  /** The kernel link it is spliced into, by name (`LAN1.router-LAN1`, `LAN1.router-LAN1.clients`, `SYS1-SYS2.0`). */
  link: string;
  /** One-way latency of the link between its port `b` and the original link's second end, ps (>= 1). */
  latencyPs: number;
  /** The program that implements it; `--connect ENDPOINT` is appended. Absent: it is started by someone else
   *  and connects by itself. */
  command?: string[];
}

/** The stand-in of an external component inside a worker: its events never reach this process. */
export class ExternalComponent extends Component {
  override onMessage(): void {
    throw new Error(`${this.name} runs outside this process`);
  }
}

/** Splices `component` into the link named spec.link (before the simulation is sealed). */
export function spliceLink(sim: Simulation, spec: ExternalSpec, component: Component): { a: Link; b: Link } {
  const index = sim.links.findIndex((l) => l.name === spec.link);
  if (index < 0) throw new RequestError(`external component ${spec.name}: no link named ${spec.link} (links: ${sim.links.map((l) => l.name).join(', ')})`);
  if (!Number.isSafeInteger(spec.latencyPs) || spec.latencyPs < 1) throw new RequestError(`external component ${spec.name}: latency must be an integer >= 1 ps`);
  const old = sim.links[index]!;
  const ends: [Port, Port] = [old.a, old.b];
  for (const p of ends) {
    p.link = null;
    p.peer = null;
  }
  sim.links.splice(index, 1);
  sim.add(component);
  const a = sim.connect(ends[0], component.port('a'), old.latencyPs, 0, old.name);
  const b = sim.connect(component.port('b'), ends[1], spec.latencyPs, 0, `${old.name}~${spec.name}`);
  // The original serialisation rate, exactly (connect() takes bits per second and rounds).
  for (const l of [a, b]) Object.defineProperty(l, 'psPerByte', { value: old.psPerByte });
  // Keep the graph's link order: the two new links where the old one was.
  sim.links.splice(sim.links.length - 2, 2);
  sim.links.splice(index, 0, a, b);
  return { a, b };
}

/** An instrument that splices external components into their links while the graph is built. `make` gives the
 *  component: a placeholder in a partitioned run, or a model of the same behaviour run in-process. */
export function spliceInstrument(specs: readonly ExternalSpec[], make: (spec: ExternalSpec) => Component = (s) => new ExternalComponent(s.name)): Instrument {
  return {
    build(p) {
      for (const s of specs) spliceLink(p.sim, s, make(s));
    },
  };
}
