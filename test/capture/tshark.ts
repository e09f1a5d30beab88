// Runs Debian's tshark (apt-get install -y tshark) as the independent judge of what our files contain.

import { spawnSync } from 'node:child_process';

export const TSHARK_INSTALL = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark';

function requireTshark(): void {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark is not installed; these tests need it: ${TSHARK_INSTALL}`);
}

/** stdout and stderr (minus the harmless "running as root" notice) of `tshark args...`; throws on exit != 0. */
export function tshark(args: string[]): { stdout: string; stderr: string } {
  requireTshark();
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Running as user "root"'))
    .join('\n');
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited ${r.status}: ${stderr}`);
  return { stdout: r.stdout, stderr };
}

/** Rows of `tshark -r file -T fields -e f1 -e f2 ...`, each split on tabs. */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][] {
  const { stdout } = tshark(['-r', file, ...extra, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}
