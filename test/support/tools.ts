// The Debian tools some tests drive for real (tshark, gtkwave's vcd2fst, chromium, python3-zmq), detected
// once per test file. A test that needs one declares it: `describe(name, needs('tshark'), () => ...)` (or on
// an it/test). With the tool missing and CI unset, its tests are skipped and test/support/tool-reporter.ts
// counts them at the end of the run, with the install command; with CI=true they run, and fail.
// `bash .ci/run` installs all four.

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

declare module 'vitest' {
  interface TaskMeta {
    /** The Debian tool this test needs (see test/support/tools.ts). */
    needs?: Tool;
  }
}

export type Tool = 'tshark' | 'vcd2fst' | 'chromium' | 'python3-zmq';

/** What .ci/run installs for each tool (the Debian package). */
export const PACKAGE: Record<Tool, string> = {
  tshark: 'tshark',
  vcd2fst: 'gtkwave',
  chromium: 'chromium',
  'python3-zmq': 'python3-zmq python3-jsonschema',
};

export function installCommand(tool: Tool): string {
  return `apt-get install ${PACKAGE[tool]}`;
}

/** Where test/viz/chromium.ts launches Debian's chromium from. */
export const CHROMIUM = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

/** The first python3 that has pyzmq and jsonschema, which the Python backplane component uses (Debian's
 *  python3-zmq and python3-jsonschema are for /usr/bin/python3, which a python3 earlier on PATH, e.g. pyenv's,
 *  may hide), or undefined. */
export function pythonWithZmq(): string | undefined {
  if (hidden().has('python3-zmq')) return undefined;
  return ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import zmq, jsonschema'], { stdio: 'ignore' }).status === 0);
}

const detect: Record<Tool, () => boolean> = {
  tshark: () => onPath('tshark'),
  vcd2fst: () => onPath('vcd2fst'),
  chromium: () => executable(CHROMIUM),
  'python3-zmq': () => pythonWithZmq() !== undefined,
};

/** TEST_HIDE_TOOLS=tshark,chromium treats those tools as missing, to check the fresh-machine path on a
 *  machine that has them. */
function hidden(): Set<string> {
  return new Set((process.env.TEST_HIDE_TOOLS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

const found = new Map<Tool, boolean>();

export function hasTool(tool: Tool): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = !hidden().has(tool) && detect[tool]();
    found.set(tool, ok);
  }
  return ok;
}

export const ON_CI = process.env.CI === 'true';

/** Test or suite options for a test that needs `tool`: skipped when the tool is missing, except on CI. */
export function needs(tool: Tool): { skip: boolean; meta: { needs: Tool } } {
  return { skip: !hasTool(tool) && !ON_CI, meta: { needs: tool } };
}
