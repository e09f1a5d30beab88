// A YAML file read with positions: its plain value for the schema and the builders, and a way back from a
// path in that value (['lpars', 1, 'osas', 0]) to the LINE:COL of the node that wrote it, through anchors,
// aliases and merge keys, so every error points at what the user typed.

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
  type Scalar,
} from 'yaml';
import { describeIoError, InputError, type Result, failure, success } from '../errors.js';

export type PathStep = string | number;
export type Path = readonly PathStep[];

export interface Pos {
  readonly line: number;
  readonly col: number;
}

/** A path a file names, resolved relative to that file, with the name to print in messages. */
export interface FileRef {
  /** Absolute path. */
  readonly abs: string;
  /** As the user would write it from where they stand: the including file's display path joined with the ref. */
  readonly display: string;
}

export function refFrom(fromDisplay: string, fromAbs: string, ref: string): FileRef {
  if (isAbsolute(ref)) return { abs: ref, display: ref };
  return { abs: resolve(dirname(fromAbs), ref), display: join(dirname(fromDisplay), ref) };
}

/** Reads a file as text; a missing file is `FILE: no such file`. */
export function readText(file: FileRef): Result<string> {
  try {
    return success(readFileSync(file.abs, 'utf8'));
  } catch (e) {
    return failure([new InputError(file.display, describeIoError(e))]);
  }
}

/** Why a file a topology names cannot be used (missing, a directory ...), or undefined if it is there. */
export function fileProblem(abs: string): string | undefined {
  try {
    return statSync(abs).isFile() ? undefined : 'is not a file';
  } catch (e) {
    return describeIoError(e);
  }
}

export class YamlFile {
  readonly value: unknown;

  private constructor(
    readonly file: FileRef,
    readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    value?: unknown,
  ) {
    this.value = value === undefined ? doc.toJS({ maxAliasCount: 10_000 }) : value;
  }

  /** The same file with another plain value (a sweep's or `--set`'s overrides applied): positions still point at
   *  what the user wrote, or at the nearest enclosing node for a field the override added. */
  withValue(value: unknown): YamlFile {
    return new YamlFile(this.file, this.text, this.doc, this.lines, value);
  }

  /** Parses a YAML file; syntax errors come back as `FILE:LINE:COL: message`, one line each. */
  static read(file: FileRef): Result<YamlFile> {
    const text = readText(file);
    if (!text.ok) return text;
    return YamlFile.parse(file, text.value);
  }

  static parse(file: FileRef, text: string): Result<YamlFile> {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return failure(
        doc.errors.map((e) => {
          const at = lines.linePos(e.pos[0]);
          return new InputError(file.display, `YAML: ${firstLine(e.message)}`, { line: at.line, col: at.col });
        }),
      );
    }
    try {
      return success(new YamlFile(file, text, doc, lines));
    } catch (e) {
      // toJS refuses alias bombs ("Excessive alias count") and the like.
      return failure([new InputError(file.display, `YAML: ${firstLine(String((e as Error).message ?? e))}`, { line: 1, col: 1 })]);
    }
  }

  /** Position of the value at `path`, or of the deepest node on the way when the path goes further. */
  pos(path: Path): Pos {
    return this.offsetPos(this.find(path).node?.range?.[0] ?? 0);
  }

  /** Position of the key `key` of the mapping at `path` (for unknown keys); the mapping's if not found. */
  keyPos(path: Path, key: string): Pos {
    const found = this.find(path);
    if (found.complete && found.node) {
      const pair = findPair(this.doc, found.node, key);
      const k = pair?.key as YamlNode | undefined;
      if (k?.range) return this.offsetPos(k.range[0]);
    }
    return this.offsetPos(found.node?.range?.[0] ?? 0);
  }

  /**
   * Position of character `index` of the string scalar at `path` (expectations: the exact character that is
   * wrong). Plain and quoted scalars on one line map exactly; escapes in double quotes are accounted for.
   */
  charPos(path: Path, index: number): Pos {
    const found = this.find(path);
    const node = found.node;
    if (!found.complete || !node || !isScalar(node) || !node.range) return this.pos(path);
    const start = node.range[0];
    const raw = this.text.slice(start, node.range[1]);
    return this.offsetPos(start + rawOffset(raw, node.type, index));
  }

  error(path: Path, message: string): InputError {
    const at = this.pos(path);
    return new InputError(this.file.display, message, at);
  }

  keyError(path: Path, key: string, message: string): InputError {
    return new InputError(this.file.display, message, this.keyPos(path, key));
  }

  /** Line of the node at `path`, for "already defined at line N" messages. */
  lineOf(path: Path): number {
    return this.pos(path).line;
  }

  private offsetPos(offset: number): Pos {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  private find(path: Path): { node: YamlNode | undefined; complete: boolean } {
    let node = deref(this.doc, this.doc.contents as YamlNode | null);
    if (!node) return { node: undefined, complete: path.length === 0 };
    for (const step of path) {
      let next: YamlNode | undefined;
      if (isMap(node)) {
        const pair = findPair(this.doc, node, String(step));
        next = (pair?.value as YamlNode | null | undefined) ?? (pair?.key as YamlNode | undefined);
        if (pair && pair.value == null) return { node: pair.key as YamlNode, complete: false };
      } else if (isSeq(node)) {
        next = node.items[Number(step)] as YamlNode | undefined;
      }
      const resolved = deref(this.doc, next ?? null);
      if (!resolved) return { node, complete: false };
      node = resolved;
    }
    return { node, complete: true };
  }
}

function deref(doc: Document.Parsed, node: YamlNode | null): YamlNode | undefined {
  let n: YamlNode | null | undefined = node;
  for (let hops = 0; n && isAlias(n) && hops < 64; hops++) n = n.resolve(doc) as YamlNode | undefined;
  return n ?? undefined;
}

/** The pair with this key in a mapping, looking through `<<` merge keys as toJS does. */
function findPair(doc: Document.Parsed, map: YamlNode, key: string, depth = 0): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 16) return undefined;
  const merges: unknown[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const k = pair.key;
    if (isScalar(k) && typeof k.value === 'symbol' && (k as Scalar).source === '<<') {
      merges.push(pair.value);
    } else if (isScalar(k) ? String(k.value) === key : k === key) {
      return pair;
    }
  }
  for (const m of merges) {
    const src = deref(doc, m as YamlNode);
    const sources = src && isSeq(src) ? src.items.map((i) => deref(doc, i as YamlNode)) : [src];
    for (const s of sources) {
      const found = s ? findPair(doc, s, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** Offset within a scalar's source text of character `index` of its value. */
function rawOffset(raw: string, type: Scalar.Type | undefined, index: number): number {
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
    let i = 1;
    for (let k = 0; k < index && i < raw.length - 1; k++) {
      if (type === 'QUOTE_SINGLE') i += raw[i] === "'" && raw[i + 1] === "'" ? 2 : 1;
      else if (raw[i] === '\\') {
        const c = raw[i + 1];
        i += c === 'x' ? 4 : c === 'u' ? 6 : c === 'U' ? 10 : 2;
      } else i += 1;
    }
    return i;
  }
  if (type === 'PLAIN' && !raw.includes('\n')) return Math.min(index, raw.length);
  return 0;
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}
