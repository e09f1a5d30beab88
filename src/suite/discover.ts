// Which scenarios a `sysplex-emu test` command line names. A file argument is one scenario. A folder argument
// stands for its own *.yaml / *.yml files that are scenarios, in name order; subfolders are not searched, so a
// suite folder can keep helpers beside it (invalid/ examples, golden/ traces). A scenario is a file with a
// top-level `topology:` key (a topology file has `lpars:` instead and is skipped); the key is found in the text,
// so a scenario broken beyond parsing is still run and reported as an error rather than silently skipped.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { Suite } from './types.js';

const SCENARIO_KEY = /^["']?topology["']?[ \t]*:/m;

/** True when a YAML text has a top-level `topology:` key. */
export function looksLikeScenario(text: string): boolean {
  return SCENARIO_KEY.test(text);
}

/** The suites of the arguments, each scenario once (at its first mention). Throws InputError for an argument
 *  that does not exist or a folder without scenarios. */
export function discover(args: readonly string[]): Suite[] {
  const seen = new Set<string>();
  const suites: Suite[] = [];
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new InputError(arg, 'no such file or folder');
    }
    const candidates = isDir ? scenariosIn(arg) : [arg];
    const files: string[] = [];
    for (const f of candidates) {
      const abs = resolve(f);
      if (seen.has(abs)) continue;
      seen.add(abs);
      files.push(f);
    }
    suites.push({ name: arg, files });
  }
  return suites;
}

function scenariosIn(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isDirectory() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      files.push(path); // unreadable: let the run report why
      continue;
    }
    if (looksLikeScenario(text)) files.push(path);
  }
  if (files.length === 0) throw new InputError(dir, 'no scenarios in this folder (*.yaml files with a topology: key; subfolders are not searched)');
  return files;
}
