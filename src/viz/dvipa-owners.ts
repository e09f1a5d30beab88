// Which LPAR owns each DVIPA, as the trace tells it, settled at the sampler's ticks. The one-process sampler and a
// partitioned run's merged sampler keep it the same way, so both read the same owners' views at the same ticks.

import type { Catalogue, LparProbe } from './catalogue.js';

export class DvipaOwners {
  /** DVIPA index -> owner stack name, and whether it moved since it was last settled (kept by the trace sink). */
  readonly names: string[];
  readonly moved: boolean[];
  /** LPAR index -> 1 while it owns some DVIPA. */
  readonly isOwner: Uint8Array;
  private readonly of: (LparProbe | undefined)[];
  private readonly byName: Map<string, LparProbe>;

  constructor(cat: Catalogue) {
    this.names = cat.dvipas.map(() => '');
    this.moved = cat.dvipas.map(() => false);
    this.isOwner = new Uint8Array(cat.lpars.length);
    this.of = cat.dvipas.map(() => undefined);
    this.byName = new Map(cat.lpars.map((l) => [l.host.name, l]));
  }

  /** Takes DVIPA i's move, if it moved since the last call (the owner flags follow); says whether it did. */
  settle(i: number): boolean {
    if (!this.moved[i]) return false;
    this.moved[i] = false;
    this.of[i] = this.byName.get(this.names[i]!);
    this.isOwner.fill(0);
    for (const o of this.of) if (o !== undefined) this.isOwner[o.index] = 1;
    return true;
  }

  /** DVIPA i's owner as last settled (undefined: none, or not an LPAR of the sysplex). */
  ownerOf(i: number): LparProbe | undefined {
    return this.of[i];
  }
}
