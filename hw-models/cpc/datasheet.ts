// CPC and PR/SM parameters. Weights, capping and the division of shared CPs follow the IBM Z PR/SM Planning
// Guide (prsm.ts); the timing of PR/SM's decisions is not published and is assumed here.

import { US } from '../../src/kernel/index.js';

export const PRSM = {
  /** How often a shared LPAR with work reports its demand and gets its share back (assumed: PR/SM re-dispatches
   *  logical CPs in time slices of about a millisecond); an idle one reports once and waits for work. */
  intervalPs: 1_000 * US,
  /** Delay of that exchange (assumed; the LPAR-CPC link's latency). */
  latencyPs: 1 * US,
} as const;

export const APPLICATION = {
  /** Application work runs in slices this long, so the stack's work (higher priority) waits at most one slice
   *  for a CP (assumed: z/OS preempts lower-priority work at the next interrupt). */
  slicePs: 10 * US,
  /** How often application work is added to the LPAR's backlog (assumed). */
  tickPs: 100 * US,
} as const;
