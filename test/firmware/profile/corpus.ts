// The profile corpus (fixtures/profiles/corpus): each profile's first line, `; corpus: ARGS`, holds the
// `validate` options it needs (--symbol NAME=VALUE, --dataset DSN=PATH); `X.json` next to it is the `validate
// --json` output it must give. Invalid ones (corpus/invalid) name the error they must give:
// `; EXPECT-ERROR FILE:LINE:COL fragment`.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = 'fixtures/profiles/corpus';
export const INVALID = `${CORPUS}/invalid`;

export const corpusFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tcpip')).sort().map((f) => join(dir, f));

/** The CLI arguments of the file's `; corpus:` line. */
export function corpusArgs(path: string): string[] {
  const m = /^; corpus:(.*)$/m.exec(readFileSync(path, 'utf8'));
  if (m === null) throw new Error(`${path}: no "; corpus:" line`);
  return m[1]!.trim().split(/\s+/).filter((w) => w !== '');
}

/** `--symbol A=1 --dataset B=x` as the two maps `validate` builds. */
export function corpusOptions(path: string): { symbols: Record<string, string>; datasets: Record<string, string> } {
  const args = corpusArgs(path);
  const out = { symbols: {} as Record<string, string>, datasets: {} as Record<string, string> };
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i + 1]!.slice(0, args[i + 1]!.indexOf('=')), args[i + 1]!.slice(args[i + 1]!.indexOf('=') + 1)];
    if (args[i] === '--symbol') out.symbols[name.toUpperCase()] = value;
    else if (args[i] === '--dataset') out.datasets[name] = value;
    else throw new Error(`${path}: unexpected corpus option ${args[i]}`);
  }
  return out;
}

/** The `; EXPECT-ERROR FILE:LINE:COL fragment` promise of an invalid profile. */
export function expectedError(path: string): { file: string; line: number; col: number; fragment: string } {
  const m = /^; EXPECT-ERROR (\S+):(\d+):(\d+) (.+)$/m.exec(readFileSync(path, 'utf8'));
  if (m === null) throw new Error(`${path}: no EXPECT-ERROR line`);
  return { file: m[1]!, line: Number(m[2]), col: Number(m[3]), fragment: m[4]!.trim() };
}
