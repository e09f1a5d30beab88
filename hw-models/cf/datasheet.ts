// Coupling facility timing. Source: M. Packer (IBM), "Coupling Facility Structure Performance - A Multi-System
// View" (2021): a list-structure request over ICA SR takes about 7.5 us, flat with load, and CF CPU time is
// almost all of it; IC-peer links (simulated by PR/SM) give better service times than ICA SR. The split of those
// 7.5 us between the CF's processor and the link is not published: assumed (see hw-models/xcf/datasheet.ts for
// the link side, COUPLING_LINKS[..].requestOverheadPs).

import { US } from '../../src/kernel/index.js';

export const CF = {
  /** CF processor time of one list-structure request (write or read of one signal), ps (assumed: most of
   *  Packer's 7.5 us over ICA SR). */
  listRequestPs: 5 * US,
  /** Entries a signalling list holds before a write is refused (assumed; XCF sizes the structure so this is
   *  rarely reached). */
  listEntries: 4096,
} as const;
