// The sysplex couple data set and SFM. Source: z/OS MVS Setting Up a Sysplex (SA23-1399), "Planning the
// failure detection interval": each system periodically updates its own status in the sysplex couple data set
// and monitors the others'; a status update missing for the failure detection interval starts SFM's
// isolation and partitioning. The I/O time, update frequency and isolation time are not published: assumed.

import { MS, US } from '../../src/kernel/index.js';

export const CDS = {
  /** One-way time of a couple data set I/O (a FICON DASD write or read hitting the controller's cache), ps
   *  (assumed: about 0.2 ms per I/O). */
  ioPs: 100 * US,
  /** Status updates per failure detection interval (assumed: one every interval / 4). */
  updatesPerInterval: 4,
  /** SFM isolation: fencing the system through a CF (or a reset over BCPii) before it is partitioned out, ps
   *  (assumed). */
  isolationPs: 1 * MS,
} as const;
