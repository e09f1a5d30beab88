// Which debugger thread (LPAR) an event belongs to. An LPAR's own records are its own; an OSA's go to the LPAR
// the record names (`lpar` field: the sharing LPAR a frame was for or from), else to the first LPAR that
// defines the OSA; a LAN's switch, edge router and client hosts (`LAN1`, `LAN1.router`, `LAN1.clients`) go to
// the first LPAR, in topology order, with an OSA on that LAN; anything else to the first LPAR.

import type { Topology } from '../scenario/types.js';

export class LparMap {
  readonly lpars: readonly string[];
  private readonly isLpar: Set<string>;
  private readonly osaSharers = new Map<string, string[]>();
  private readonly lanLpar = new Map<string, string>();

  constructor(topology: Topology) {
    this.lpars = topology.lpars.map((l) => l.name);
    this.isLpar = new Set(this.lpars);
    for (const l of topology.lpars) {
      for (const o of l.osas) {
        const list = this.osaSharers.get(o) ?? [];
        list.push(l.name);
        this.osaSharers.set(o, list);
      }
    }
    for (const o of topology.osas) {
      const first = this.osaSharers.get(o.name)?.[0];
      if (first !== undefined && !this.lanLpar.has(o.lan)) this.lanLpar.set(o.lan, first);
    }
  }

  /** The LPARs that define OSA `osa` (topology order). */
  sharers(osa: string): readonly string[] {
    return this.osaSharers.get(osa) ?? [];
  }

  lparOf(component: string, fields: Readonly<Record<string, unknown>> | undefined): string {
    if (this.isLpar.has(component)) return component;
    const sharers = this.osaSharers.get(component);
    if (sharers !== undefined) {
      const named = fields?.lpar;
      if (typeof named === 'string' && sharers.includes(named)) return named;
      return sharers[0]!;
    }
    const dot = component.indexOf('.');
    const lan = this.lanLpar.get(dot < 0 ? component : component.slice(0, dot));
    return lan ?? this.lpars[0]!;
  }
}
