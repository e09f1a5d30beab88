// The ownership rules, as pure functions. Every stack applies them to what the others told it over XCF (their
// DVIPA definitions, ranks, deactivations), so all stacks agree on who owns each DVIPA:
//  - the VIPADEFINE stack owns it while it is in the group and not deactivated (MOVEABLE IMMEDIATE takes it
//    back from a backup at once; WHENIDLE once the backup has no connections left). Taking back is an orderly
//    handover: the returning stack activates it only when nobody else has it active, so it first learns every
//    member's state and, where another member has the DVIPA active, waits for that member to hand it over;
//  - otherwise the highest-ranked backup in the group (ties by stack name) takes it over when the owner leaves.

/** One stack's claim on a DVIPA: VIPADEFINE (its MOVEABLE option) or VIPABACKUP rank, and whether the operator
 *  has deactivated it there. */
export interface Claim {
  readonly define: string | null;
  readonly rank: number;
  readonly deactivated: boolean;
}

/** VIPADEFINE outranks every VIPABACKUP (ranks 1-254). */
const DEFINE_RANK = 255;

/** The stack that should own a DVIPA: the defining stack, else the highest-ranked backup; ties by stack name.
 *  `claims` lists the stacks in the group with what each declared for it (undefined: nothing). */
export function designated(claims: Iterable<readonly [string, Claim | undefined]>): string | null {
  let best: string | null = null;
  let bestRank = -1;
  for (const [stack, s] of claims) {
    if (s === undefined || s.deactivated) continue;
    const rank = s.define !== null ? DEFINE_RANK : s.rank;
    if (rank <= 0) continue;
    if (rank > bestRank || (rank === bestRank && best !== null && stack < best)) {
      best = stack;
      bestRank = rank;
    }
  }
  return best;
}

/** What this stack must do about one DVIPA after anything changed. */
export type OwnershipMove =
  | { readonly kind: 'none' }
  /** Give it (with its VCRT) to the VIPADEFINE stack back in the group. */
  | { readonly kind: 'handover'; readonly to: string }
  /** Activate it here: at IPL as its VIPADEFINE stack, or as a takeover after its owner was lost. */
  | { readonly kind: 'activate'; readonly how: 'activate' | 'takeover' };

const NONE: OwnershipMove = { kind: 'none' };

export interface OwnershipFacts {
  readonly self: string;
  /** The owner as this stack knows it. */
  readonly owner: string | null;
  /** designated() over the group. */
  readonly want: string | null;
  /** The MOVEABLE option `want` announced for it, null when `want` does not define it (or is this stack). */
  readonly wantDefine: string | null;
  /** This stack has a VIPADEFINE for it. */
  readonly definedHere: boolean;
  /** Connections the distributor here counts on it (WHENIDLE waits for none). */
  readonly connections: () => number;
  /** A member was just lost (a backup takes over only then). */
  readonly afterLoss: boolean;
  /** Every member XCF lists in the group has told this stack its DVIPA state (its hello), so `owner` is known:
   *  until then a stack that has just joined cannot tell whether another member has the DVIPA active. */
  readonly stateKnown: boolean;
  /** After its takeover this stack still waits for targets' reports of their connections: its VCRT is not
   *  complete yet, so handing it over now would lose the routes of the connections not reported yet. */
  readonly rebuilding: boolean;
}

export function ownershipMove(f: OwnershipFacts): OwnershipMove {
  if (f.owner === f.self) {
    // Takeback: hand the DVIPA to its VIPADEFINE stack back in the group. A higher-ranked backup that
    // returns does not pre-empt the backup acting now: backups take over only from a failed owner.
    if (f.want !== null && f.want !== f.self && f.wantDefine !== null) {
      if (f.rebuilding) return NONE;
      if (f.wantDefine === 'WHENIDLE' && f.connections() > 0) return NONE;
      return { kind: 'handover', to: f.want };
    }
    return NONE;
  }
  if (f.owner === null && f.want === f.self) {
    // Nobody is known to own it. The VIPADEFINE stack activates it once it knows every member's state (one of
    // them may have it active: then `owner` names that member and the stack waits for its handover, whatever
    // the signalling latency). A backup only takes over an existing DVIPA, after its owner was lost (from a
    // member that is gone, so nobody else has it active).
    if (f.definedHere) return f.stateKnown ? { kind: 'activate', how: f.afterLoss ? 'takeover' : 'activate' } : NONE;
    if (f.afterLoss) return { kind: 'activate', how: 'takeover' };
  }
  return NONE;
}
