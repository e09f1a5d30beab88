// What rides along a partitioned run in every worker, as plain data (it travels in the welcome): the capture
// points, the replay and the timelines' sampling. Each worker builds its own instruments from it (instrument-parts.ts).

import type { CaptureSpec } from '../capture/capture-points.js';
import type { ReplayPlan } from '../capture/replay/index.js';

export interface InstrumentSpecs {
  captures?: CaptureSpec[];
  /** A capture replayed by the injector behind a LAN's router (src/capture/replay). */
  replay?: ReplayPlan;
  /** A recorded live run (`captureMode: tap`): every process reads the recording. */
  tapReplay?: { capture: string };
  /** Timelines (`--vcd`, `--html`): every worker samples its own components (timeline-worker.ts). */
  timelines?: { sampleIntervalPs: number; calls?: boolean };
}
