// The Sysplex Distributor's tables and algorithms, as the stack (src/firmware/stack.ts) uses them.
// See each file's header for its caller contract.
export * from './types.js';
export { ServiceTable, MAX_SERVICES } from './services.js';
export { Vcrt, NOT_FOUND, type VcrtOptions, type VcrtEntry, type VcrtVisitor } from './vcrt.js';
export {
  Vdpt,
  VdptPort,
  PREFERRED_RANK,
  TARGET_IN_GROUP,
  TARGET_PATH_UP,
  TARGET_QUIESCED,
  DEST_CONFIGURED,
  DEST_QUIESCED,
  type VdptPortConfig,
  type DestConfig,
  type VdptOptions,
} from './vdpt.js';
export { TimedAffinity, NO_EXPIRY, type AffinityVisitor } from './affinity.js';
export {
  chooseTarget,
  selectTarget,
  roundRobin,
  weightedActive,
  smoothWeighted,
  updateHotStandby,
  keepLocal,
  NO_TARGET,
} from './distribute.js';
export {
  forwardDecision,
  FlowKey,
  ForwardBatch,
  NEW_CONNECTION,
  NO_ENTRY,
  NOT_TCP,
  MALFORMED,
  NOT_DISTRIBUTED,
  FRAGMENT,
} from './forward.js';
