// Writes small file trees into a fresh temporary directory for loader tests; profiles come from the demo.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Result } from '../../src/errors.js';

export const demoProfile = (n: number): string => readFileSync(`fixtures/profiles/SYS${n}.tcpip`, 'utf8');

/** Creates the files (path -> text) under a new directory, with profiles/SYS1..3.tcpip; returns the directory. */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysplex-scenario-'));
  const all: Record<string, string> = {
    'profiles/SYS1.tcpip': demoProfile(1), 'profiles/SYS2.tcpip': demoProfile(2), 'profiles/SYS3.tcpip': demoProfile(3), ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The printed error lines of a failed load (the test fails if it loaded). */
export function errorLines<T>(r: Result<T>): string[] {
  if (r.ok) throw new Error('expected the load to fail, but it succeeded');
  return r.errors.map((e) => e.toString());
}

export function loaded<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected the load to succeed:\n${r.errors.map(String).join('\n')}`);
  return r.value;
}

/** A small valid topology (two LPARs), to be spliced into tests. */
export const SMALL = `name: small
lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254 }
osas:
  - { name: OSA1, lan: LAN1 }
  - { name: OSA2, lan: LAN1, speed: 1GbE }
lpars:
  - { name: SYS1, profile: profiles/SYS1.tcpip, osas: [OSA1] }
  - { name: SYS2, profile: profiles/SYS2.tcpip, osas: [OSA2] }
xcf:
  links:
    - { between: [SYS1, SYS2], model: FICON, distance: 10km }
`;
