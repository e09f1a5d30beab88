// `CPC1`: a central processor complex as PR/SM sees it. Ports: one per LPAR whose logical CPs are shared
// (named after it). Each such LPAR reports its demand every PR/SM interval; the CPC answers with the speed its
// logical CPs run at now (prsm.ts: weight shares of the shared physical CPs, capping, unused share lent to the
// uncapped ones by weight) and its entitlement. Dedicated LPARs are not connected: their CPs are their own.
// An idle LPAR stops reporting (demand 0, hw-models/lpar): when another LPAR's report changes what it would get,
// the CPC tells it at once, so its next work runs at the speed of the CPC's load now.

import { type Port } from '../../src/kernel/index.js';
import { ModelComponent } from '../model-component.js';
import type { PrsmDemandMsg, PrsmShareMsg } from '../messages.js';
import { allocate, entitlement, type PrsmLpar } from './prsm.js';

export interface CpcLparConfig {
  readonly weight: number;
  readonly logicalCps: number;
  readonly capped: boolean;
}

export class Cpc extends ModelComponent {
  private readonly lpars: { name: string; port: Port; cfg: CpcLparConfig; demand: number; told: PrsmShareMsg | null }[] = [];
  private readonly index = new Map<Port, number>();

  constructor(
    name: string,
    /** Physical CPs shared by PR/SM (the CPC's CPs less the dedicated ones). */
    readonly pool: number,
  ) {
    super(name);
  }

  /** The port for a shared LPAR. */
  attachLpar(lpar: string, cfg: CpcLparConfig): Port {
    const port = this.port(lpar);
    this.index.set(port, this.lpars.length);
    this.lpars.push({ name: lpar, port, cfg, demand: 0, told: null });
    return port;
  }

  override onMessage(port: Port, message: unknown): void {
    const i = this.index.get(port);
    if (i === undefined) return;
    const l = this.lpars[i]!;
    l.demand = (message as PrsmDemandMsg).demand;
    port.send((l.told = this.share(i)), 0);
    // The idle LPARs (they report no more until they have work) hear of a change in what they would get.
    this.lpars.forEach((o, k) => {
      if (k === i || o.demand !== 0) return;
      const s = this.shareOf(k);
      if (o.told !== null && o.told.speed === s.speed && o.told.entitlement === s.entitlement) return;
      this.traceShare(k, s);
      o.port.send((o.told = s), 0);
    });
  }

  /** LPAR i's share now: what it would get wanting all its logical CPs, spread over what it wants. */
  share(i: number): PrsmShareMsg {
    const s = this.shareOf(i);
    this.traceShare(i, s);
    return s;
  }

  private shareOf(i: number): PrsmShareMsg {
    const view: PrsmLpar[] = this.lpars.map((l, k) => ({ ...l.cfg, demand: k === i ? l.cfg.logicalCps : l.demand }));
    const could = allocate(this.pool, view)[i]!;
    const wants = Math.max(1, Math.min(this.lpars[i]!.demand, this.lpars[i]!.cfg.logicalCps));
    return { kind: 'prsm-share', speed: Math.min(1, could / wants), entitlement: entitlement(this.pool, view, i) };
  }

  private traceShare(i: number, s: PrsmShareMsg): void {
    if (this.tracing) this.trace('cpc.share', { lpar: this.lpars[i]!.name, demand: round3(this.lpars[i]!.demand), speed: round3(s.speed) });
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
