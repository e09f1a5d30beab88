// Shared by the profile tests: parse a fixture or a text and insist on success or failure.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { parseIpv4, parseProfile, type Profile, type ProfileError } from '../../../src/firmware/profile/index.js';
import { datasetResolver } from '../../../src/scenario/datasets.js';

export function parseOk(text: string, file = 'test.tcpip'): { profile: Profile; warnings: readonly ProfileError[] } {
  const r = parseProfile(text, file);
  if (!r.ok) expect.fail(`expected ${file} to parse, got:\n${r.errors.map(String).join('\n')}`);
  return { profile: r.profile, warnings: r.warnings };
}

/** A fixture with its INCLUDEs read from its own folder (member names as files), as `validate FILE` does. */
export function parseFixture(path: string, symbols: Record<string, string> = {}): { profile: Profile; warnings: readonly ProfileError[] } {
  const r = parseProfile(readFileSync(path, 'utf8'), path, { include: datasetResolver({}, dirname(path)), symbols });
  if (!r.ok) expect.fail(`expected ${path} to parse, got:\n${r.errors.map(String).join('\n')}`);
  return { profile: r.profile, warnings: r.warnings };
}

export function parseErrors(text: string, file = 'test.tcpip'): readonly ProfileError[] {
  const r = parseProfile(text, file);
  if (r.ok) expect.fail(`expected ${file} to be rejected, but it parsed`);
  return r.errors;
}

/** 10.1.1.10 as the parser's u32. */
export function ip(dotted: string): number {
  const n = parseIpv4(dotted);
  if (n === null) throw new Error(`bad test address ${dotted}`);
  return n;
}

/** The demo's interface/route/XCF preamble of stack n (1-3), to which tests append VIPADYNAMIC. */
export function demoPreamble(n = 1): string {
  return [
    `IPCONFIG DATAGRAMFWD SYSPLEXROUTING DYNAMICXCF 10.9.9.${n} 255.255.255.0 1`,
    `INTERFACE OSA${n} DEFINE IPAQENET PORTNAME OSA${n} IPADDR 10.1.1.${n}/24 MTU 1500`,
    'BEGINROUTES',
    `  ROUTE 10.1.1.0/24 = OSA${n} MTU 1500`,
    `  ROUTE DEFAULT 10.1.1.254 OSA${n} MTU 1500`,
    'ENDROUTES',
    '',
  ].join('\n');
}

/** A deep copy without source positions (`at`, `line`, `col`), to compare what two texts mean. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'at' && k !== 'line' && k !== 'col') out[k] = withoutPositions(v);
    return out;
  }
  return value;
}
