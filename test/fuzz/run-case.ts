// Runs one generated case the way `sysplex-emu run` does, in this process, and says how it ended as an exit
// status: 0 or 1 (the run finished; expectations true or not), 2 (bad input, with its message), 3 (the run
// failed: a model or the kernel threw). Files go to a fresh temporary folder, removed after.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, loadScenario } from '../../src/scenario/index.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { runReplay } from '../../src/capture/replay/index.js';
import type { FuzzCase } from './generator.js';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CaseResult {
  readonly exit: 0 | 1 | 2 | 3;
  readonly message: string;
}

export async function runCase(c: FuzzCase): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sysplex-fuzz-'));
  try {
    for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
    if (c.capture !== null) copyFileSync(join(ROOT, c.capture), join(dir, `capture${c.capture.slice(c.capture.lastIndexOf('.'))}`));
    const loaded = loadScenario(join(dir, 'scenario.yaml'));
    if (!loaded.ok) return { exit: 2, message: loaded.errors.map((e) => e.toString()).join('\n') };
    const s = loaded.value;
    try {
      const report = s.capture !== undefined ? await runReplay(s) : await runScenario(s);
      return { exit: (report.expectations ?? []).every((e) => e.ok) ? 0 : 1, message: '' };
    } catch (err) {
      if (err instanceof InputError) return { exit: 2, message: err.toString() };
      return { exit: 3, message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** FILE:LINE:COL or FILE: byte N at the start of every line: an input error with its position. */
export const POSITIONED = /^\S+\.(ya?ml|tcpip|pcapng?):(\d+:\d+|\d+| byte \d+):? /;
