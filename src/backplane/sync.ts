// Conservative synchronisation as arithmetic (docs/backplane.md, "Synchronisation"): from what the coordinator
// knows of every participant, the lower bounds A, the horizon, and the windows it may grant now. No sockets, no
// clocks: the coordinator feeds it and acts on the answer.
//
// A(p) is a lower bound on the virtual time of anything p may still do: its next local event, the events held for
// it, and what the others may still send it (A(q) + latency(q, p), relaxed over all paths). A participant at work
// keeps the A it had when granted (still valid until it answers), and A never decreases. An idle participant may
// run every event before
//     bound(p) = min over q != p of (A(q) + latency(q, p))
// and is granted that window if it has an event in it, or, once the bound passes the run's end, its last window.

export interface SyncParticipant {
  /** Time of its next local event (Infinity: none). */
  readonly next: number;
  /** Time of the earliest event held for it (Infinity: none). */
  readonly pendingAt: number;
  /** At work on a grant. */
  readonly running: boolean;
  /** Has had its last grant. */
  readonly finished: boolean;
  /** Its lower bound A as last computed (frozen while it runs). */
  readonly floor: number;
  /** Exclusive bound of its latest grant: it has run everything before this. */
  readonly granted: number;
}

export interface Grant {
  index: number;
  /** Deliver everything with time < bound, or <= bound when `last` (then bound = the run's end). */
  bound: number;
  last: boolean;
  /** The last time the window includes: the events held for it up to here go with the grant. */
  through: number;
  /** Its `granted` after this grant (the run's end + 1 for the last). */
  granted: number;
}

export interface SyncRound {
  /** Each participant's lower bound A after this round (the new `floor` of every participant not finished). */
  floors: Float64Array;
  /** The earliest virtual time any participant may still act at: everything before it is final. */
  horizon: number;
  grants: Grant[];
  /** Participants at work after this round (0 and not all finished: no progress is possible, a bug). */
  active: number;
}

/** One scheduling step. `latency[q * n + p]` is the smallest latency of a link from q to p (Infinity: none). */
export function syncRound(ps: readonly SyncParticipant[], latency: Float64Array, untilPs: number): SyncRound {
  const n = ps.length;
  const A = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    A[i] = p.finished ? Infinity : p.running ? p.floor : Math.min(p.next, p.pendingAt);
  }
  relaxOverLinks(A, Uint8Array.from(ps, (p) => (p.finished || p.running ? 1 : 0)), latency);
  let horizon = Infinity;
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    if (p.finished) continue;
    A[i] = p.running ? p.floor : Math.max(p.floor, A[i]!);
    if (A[i]! < horizon) horizon = A[i]!;
  }

  const grants: Grant[] = [];
  let active = 0;
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    if (p.finished) continue;
    if (p.running) {
      active++;
      continue;
    }
    const bound = Math.max(boundOf(A, latency, i), p.granted);
    const last = bound > untilPs;
    const through = last ? untilPs : bound - 1;
    if (!last && !(p.next <= through) && !(p.pendingAt <= through)) continue;
    active++;
    grants.push({ index: i, bound: last ? untilPs : bound, last, through, granted: last ? untilPs + 1 : bound });
  }
  return { floors: A, horizon, grants, active };
}

/** The earliest time an event sent by a participant with lower bound `floor` may arrive over a link of `latencyPs`:
 *  anything earlier breaks causality. */
export const earliestArrival = (floor: number, latencyPs: number): number => floor + latencyPs;

/** The threads on one host (shared-window.ts) synchronise without rounds: each partition publishes a promise, a
 *  lower bound on the time of anything it may still do, that only grows. Partition `me` may run every event
 *  before this bound: nothing from any q can reach it earlier than q's promise plus the latency of q's link to it
 *  (Infinity: no link). `promises[q]` must be read before `me` drains its channels: an event q sent before it
 *  published that promise is then in the channel, and one it sends later was made under the promise. */
export const promiseBound = (promises: Float64Array, latency: Float64Array, me: number): number => boundOf(promises, latency, me);

/** The promise of a partition whose next local event is at `next` (after draining its channels) and that may run
 *  up to `bound` (promiseBound): what it does next is either its own event or something the others send it. It
 *  never decreases: events drained later come at or after the bound they were read under. */
export const promiseOf = (next: number, bound: number): number => Math.min(next, bound);

/** What others may still send: relax each participant's lower bound A over the links (Bellman-Ford; participants
 *  are few). Where `fixed[i]` is not 0, A[i] stays as it is (finished, or running its window; for the threads,
 *  busy: shared-window.ts). */
export function relaxOverLinks(A: Float64Array, fixed: Uint8Array, latency: Float64Array): void {
  const n = A.length;
  for (let round = 0; round < n; round++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (fixed[i] !== 0) continue;
      for (let q = 0; q < n; q++) {
        const v = A[q]! + latency[q * n + i]!;
        if (v < A[i]!) {
          A[i] = v;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
}

/** The exclusive bound of i's window: the earliest time anything from another participant can reach it (A: their
 *  lower bounds, or the threads' promises). */
function boundOf(A: Float64Array, latency: Float64Array, i: number): number {
  const n = A.length;
  let bound = Infinity;
  for (let q = 0; q < n; q++) {
    if (q === i) continue;
    const v = A[q]! + latency[q * n + i]!;
    if (v < bound) bound = v;
  }
  return bound;
}
