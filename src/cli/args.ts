// Command-line parsing on node:util's parseArgs: unknown options, missing values and stray arguments become
// UsageErrors (exit 2) rather than exceptions with stack traces.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, positionals: { min: number; max: number }): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
  if (parsed.values.help) return parsed;
  const n = parsed.positionals.length;
  if (n < positionals.min) throw new UsageError(`${command}: missing argument`, command);
  if (n > positionals.max) throw new UsageError(`${command}: unexpected argument '${parsed.positionals[positionals.max]}'`, command);
  return parsed;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** A non-negative integer option, or a UsageError naming it. */
export function int(p: Parsed, name: string, command: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be a non-negative integer, not '${v}'`, command);
  return Number(v);
}

const WALL_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** `--timeout` as seconds: a positive number with a unit (500ms, 90s, 10m, 1h). */
export function wallSeconds(text: string, command: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const seconds = m === null ? NaN : Number(m[1]) * WALL_UNITS[m[2]!]!;
  if (!(seconds > 0) || seconds > 2_000_000) throw new UsageError(`--timeout ${text}: write a wall-clock duration such as 90s, 10m or 1h`, command);
  return seconds;
}
