// What every section builder shares: the file being built, the errors found so far (all reported, in file
// order), positions for the typed objects, and unit conversion with a FILE:LINE:COL error on failure.

import type { InputError } from '../errors.js';
import { describePath } from './schema.js';
import type { SourcePos } from './types.js';
import type { UnitResult } from './units.js';
import type { Path, YamlFile } from './yaml-source.js';

export class Builder {
  readonly errors: InputError[] = [];

  constructor(readonly src: YamlFile) {}

  at(path: Path): SourcePos {
    const p = this.src.pos(path);
    return { file: this.src.file.display, line: p.line, col: p.col };
  }

  /** Records an error at the node at `path`, prefixed with the path in the file (`lpars[1].osas[0]: ...`). */
  fail(path: Path, message: string): void {
    this.errors.push(this.src.error(path, `${describePath(path)}: ${message}`));
  }

  /** Converts a unit string; a default when absent; an error (and the default) when wrong. */
  unit(path: Path, value: string | number | undefined, parse: (v: string | number) => UnitResult, dflt: number): number {
    if (value === undefined) return dflt;
    const r = parse(value);
    if (r.ok) return r.value;
    this.fail(path, r.message);
    return dflt;
  }
}

/** `SYS1, SYS2 and SYS3` style lists of what exists, for "unknown X" messages. */
export function known(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? 'none are defined' : list.join(', ');
}
