// The scenario layer's public face: loaders, the error type, units, expectations, and the schema objects.
export { loadTopology } from './topology.js';
export { loadRunFile, loadScenario, scenarioOfTopology } from './scenario.js';
export { type Override, type SweepAxis, overrideOf, parseAxis, parseOverride } from './overrides.js';
export {
  parseExpectation, evaluate, isExpectError, formatSubject, ExpectError,
  type Expectation, type Evaluation, type DisplayFn, type CompareOp, type PathStep, type Scalar, type Subject, type Condition,
} from './expect.js';
export {
  parseTime, parseSize, parseRate, parseBitRate, parseFrequency, parseDistance, formatTime, MAX_TIME_PS, type UnitResult,
} from './units.js';
export { DEFAULTS } from './defaults.js';
export { scenarioSchema, topologySchema } from './schema.js';
export type * from './types.js';
