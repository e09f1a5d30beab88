// The backplane's wire schema (schema/backplane.schema.json) as ajv validators: one schema for the coordinator,
// the worker, the Python component's tests and docs/backplane.md. The build (build-wire-validators.ts) compiles
// it into a standalone module beside this file, so that no process pays ajv's compilation at start-up; run from
// the TypeScript sources (tests), it is compiled here on first use.
//
// Events are the hot path (a window may carry thousands): the message validators are compiled with the `events`
// arrays' items left out, and each event is checked on its own by the `event` definition, which spares ajv a path
// string per event and lets a bad event be told from a bad message. Same schema, same checks.
//
// JSON has no byte strings: the schema marks msgpack bin fields with the keyword `binary`, which this compiler
// defines (a Uint8Array) and the Python test defines for its own validator (bytes).

import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import wireSchema from '../../schema/backplane.schema.json' with { type: 'json' };

export { wireSchema };

/** The validators the build compiles, by the definition they check. */
export const WIRE_VALIDATORS = {
  fromParticipant: 'backplane.schema.json#/definitions/fromParticipant',
  fromCoordinator: 'backplane.schema.json#/definitions/fromCoordinator',
  event: 'backplane.schema.json#/definitions/event',
  externalEvent: 'backplane.schema.json#/definitions/externalEvent',
} as const;
type WireValidators = { readonly [K in keyof typeof WIRE_VALIDATORS]: ValidateFunction };

/** Beside the built wire-schema.js. */
export const PRECOMPILED_WIRE = 'wire-validators.cjs';
const require = createRequire(import.meta.url);

/** The compiler the build and the fallback share: first error only (a hot path), messages with their types. */
export function wireCompiler(source = false): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const { _ } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, strictRequired: false, discriminator: true, code: { source } });
  ajv.addKeyword({
    keyword: 'binary',
    schemaType: 'boolean',
    code(cxt) {
      if (cxt.schema === true) cxt.fail(_`!(${cxt.data} instanceof Uint8Array)`);
    },
    error: { message: 'must be a byte string (msgpack bin)' },
  });
  ajv.addSchema(withoutEventItems(wireSchema));
  return ajv;
}

/** The messages that carry events, whose items the caller checks one by one. */
export const EVENT_CARRIERS = ['ready', 'done', 'grant'] as const;

function withoutEventItems(schema: typeof wireSchema): object {
  const copy = structuredClone(schema) as unknown as { definitions: Record<string, { properties: { events: { items?: unknown } } }> };
  for (const d of EVENT_CARRIERS) delete copy.definitions[d]!.properties.events.items;
  return copy;
}

let compiled: WireValidators | undefined;

export function wireValidators(): WireValidators {
  if (compiled === undefined) {
    let pre: WireValidators | undefined;
    try {
      pre = require(`./${PRECOMPILED_WIRE}`) as WireValidators;
    } catch {
      // Running from the TypeScript sources: compile now.
    }
    if (pre === undefined) {
      const ajv = wireCompiler();
      const get = (ref: string) => ajv.getSchema(ref)!;
      pre = Object.fromEntries(Object.entries(WIRE_VALIDATORS).map(([k, ref]) => [k, get(ref)])) as unknown as WireValidators;
    }
    compiled = pre;
  }
  return compiled;
}

/** One short line for ajv's first error: `done: events[3][0] must be >= 0`. */
export function describeWireError(type: string, e: ErrorObject | undefined, under = ''): string {
  if (e === undefined) return `${type}: invalid`;
  const at = (under + e.instancePath)
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  switch (e.keyword) {
    case 'required':
      return `${type}: ${at === '' ? '' : `${at}.`}${(e.params as { missingProperty: string }).missingProperty} is required`;
    case 'discriminator': {
      const { tag, tagValue } = e.params as { tag: string; tagValue: unknown };
      return `${type}: ${at === '' ? '' : `${at}.`}${tag} ${String(JSON.stringify(tagValue)).slice(0, 40)} is not a known one`;
    }
    case 'enum':
      return `${type}: ${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return `${type}: ${at === '' ? 'the message' : at} ${e.message ?? 'is invalid'}`;
  }
}
