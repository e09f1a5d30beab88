// Build step (`npm run build`, after tsc): compiles the topology and scenario JSON Schemas into a CommonJS module
// of validator functions beside the built schema.js, so that no command pays ajv's compilation at start-up.
// schema.ts loads that module when it is there and compiles the schemas itself when it is not (the sources
// under test).

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standalone from 'ajv/dist/standalone/index.js';
import { PRECOMPILED, SCENARIO_KEY, schemaCompiler, TOPOLOGY_KEY } from './schema.js';

/** The module's source: `topology` and `scenario` validators, as schema.ts expects them. */
export function validatorsSource(): string {
  // ajv's CommonJS module: the function is its `default` as well as the module itself.
  return standalone.default(schemaCompiler(true), { topology: TOPOLOGY_KEY, scenario: SCENARIO_KEY });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL(`./${PRECOMPILED}`, import.meta.url));
  writeFileSync(out, validatorsSource());
}
