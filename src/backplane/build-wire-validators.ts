// Build step (`npm run build`, after tsc): compiles the backplane's wire schema into a CommonJS module of
// validator functions beside the built wire-schema.js (see wire-schema.ts).

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standalone from 'ajv/dist/standalone/index.js';
import { PRECOMPILED_WIRE, WIRE_VALIDATORS, wireCompiler } from './wire-schema.js';

export function wireValidatorsSource(): string {
  return standalone.default(wireCompiler(true), { ...WIRE_VALIDATORS });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(fileURLToPath(new URL(`./${PRECOMPILED_WIRE}`, import.meta.url)), wireValidatorsSource());
}
