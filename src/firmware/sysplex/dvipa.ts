// One dynamic VIPA as this stack sees it, and one other member of the group as this stack knows it.

import type { VipaBackup, VipaDefine, VipaDistribute } from '../profile/types.js';
import type { VdptPort } from '../sd/index.js';
import type { DistributionAd, DvipaStatus } from '../xcf-messages.js';

export interface Dvipa {
  readonly ip: number;
  readonly define: VipaDefine | null;
  readonly backup: VipaBackup | null;
  readonly distribute: VipaDistribute | null;
  /** The stack that owns (advertises) it now, as far as this stack knows. */
  owner: string | null;
  /** The owner's distribution advertisement, when this stack is one of its targets. */
  ad: DistributionAd | null;
  /** The interface this stack registered it on while owning it. */
  registeredOn: string | null;
  deactivated: boolean;
  /** Distributed ports this stack's VDPT holds while it distributes. */
  ports: VdptPort[];
  /** After a takeover: targets asked for their connections that have not answered yet. Until they have,
   *  a packet with no VCRT entry may belong to a connection the new owner has not learned of, so it is
   *  dropped (the client retransmits) rather than answered with a RST. */
  awaiting: Set<string>;
  /** Virtual time (ps) this stack activated it (as owner or as a target's internal copy); -1 when not. */
  activatedAt: number;
  /** Target side, OPTLOCAL: the ports for which the distributor last said a connection this stack originates
   *  may stay local (the "OPTLOCAL table" it pushes to its targets). */
  keepLocalPorts: Set<number>;
  /** Distributor side: the OPTLOCAL verdict last sent to each target, by `port:target`. */
  optLocalSent: Map<string, boolean>;
}

/** Another stack of the group: its dynamic XCF address and the DVIPA definitions it announced in its hello. */
export interface Member {
  xcfIp: number;
  dvipas: Map<number, DvipaStatus>;
}

/** A fresh record for `ip`, keeping the definitions `old` already had (VIPADEFINE and VIPABACKUP arrive apart). */
export function newDvipa(ip: number, part: { define?: VipaDefine; backup?: VipaBackup }, old: Dvipa | undefined): Dvipa {
  return {
    ip,
    define: part.define ?? old?.define ?? null,
    backup: part.backup ?? old?.backup ?? null,
    distribute: old?.distribute ?? null,
    owner: null,
    ad: null,
    registeredOn: null,
    deactivated: false,
    ports: [],
    awaiting: new Set(),
    activatedAt: -1,
    keepLocalPorts: new Set(),
    optLocalSent: new Map(),
  };
}

/** Connections the distributor's VDPT counts on `d`, over all its ports and targets. */
export function connectionsOf(d: Dvipa): number {
  let n = 0;
  for (const p of d.ports) for (let t = 0; t < p.targets; t++) n += p.activeConn[t]!;
  return n;
}

/** `ad` names the stack with dynamic XCF address `xcfIp` as a target (DESTIP ALL or the address listed). */
export function adNames(ad: DistributionAd, xcfIp: number): boolean {
  return ad.dest === 'ALL' || ad.dest.includes(xcfIp);
}
