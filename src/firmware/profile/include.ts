// INCLUDE dsname | INCLUDE dsname(member) | INCLUDE 'dsname' | INCLUDE '/path': the statements of another data
// set take the place of the INCLUDE, as on z/OS. The firmware reads no files: the host passes a resolver that
// finds the data set's text (the topology's lpars[].datasets map). Included text keeps its own file name, lines
// and columns, and every message about it names the INCLUDE chain that brought it in. Nesting is allowed;
// a data set that includes itself, directly or not, is an error at the INCLUDE that closes the cycle.

import type { Diagnostics, Pos } from './errors.js';
import { type Token, tokenize } from './lexer.js';
import { type SymbolTable, substituteSymbols } from './symbols.js';

/** What the resolver gives for a data-set name: its text and a file name for messages, or why not. */
export type IncludeResult = { readonly file: string; readonly text: string } | { readonly error: string };

/** Finds the text of a data set named on INCLUDE (`TCPIP.PROFILES(VIPADYN)`, `'/etc/tcpip/vipa'`). */
export type IncludeResolver = (dsn: string) => IncludeResult;

/** What the host knows beyond the profile text: how to read INCLUDEd data sets, and the system symbols. */
export interface ProfileSource {
  readonly include?: IncludeResolver;
  readonly symbols?: SymbolTable;
}

/** One INCLUDE the parser followed. */
export interface IncludedDataset {
  readonly dsn: string;
  readonly file: string;
  readonly at: Pos;
}

/** Deepest INCLUDE nesting followed; deeper is surely a mistake (and keeps a bad resolver from recursing forever). */
const MAX_DEPTH = 16;

/** `'USER.TCPIP(VIPA)'` -> `USER.TCPIP(VIPA)`; data-set names are upper case, z/OS UNIX paths keep their case. */
export function datasetName(word: string): string {
  const bare = word.length >= 2 && word.startsWith("'") && word.endsWith("'") ? word.slice(1, -1) : word;
  return bare.startsWith('/') ? bare : bare.toUpperCase();
}

function isInclude(tok: Token | undefined): boolean {
  return tok !== undefined && !tok.quoted && tok.up === 'INCLUDE';
}

/**
 * Tokens of the profile with every INCLUDE replaced by the tokens of the data set it names (symbols substituted
 * in each). `chain` holds the data-set names being included, outermost first.
 */
export function expandIncludes(
  tokens: readonly Token[],
  source: ProfileSource,
  diag: Diagnostics,
  included: IncludedDataset[],
  chain: readonly string[] = [],
  files: readonly string[] = [diag.file],
): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (!isInclude(tok)) {
      out.push(tok);
      continue;
    }
    const dsTok = tokens[i + 1];
    if (dsTok === undefined) {
      diag.error({ ...tok, col: tok.col + tok.text.length }, 'expected the data set name to INCLUDE, found the end of the profile');
      continue;
    }
    i++;
    const dsn = datasetName(dsTok.text);
    const at = `${dsTok.file ?? diag.file}:${dsTok.line}:${dsTok.col}`;
    if (chain.includes(dsn)) {
      diag.error(dsTok, `INCLUDE ${dsn} is a cycle: ${[...chain, dsn].join(' -> ')}`);
      continue;
    }
    if (chain.length >= MAX_DEPTH) {
      diag.error(dsTok, `INCLUDE ${dsn}: more than ${MAX_DEPTH} nested INCLUDEs`);
      continue;
    }
    if (source.include === undefined) {
      diag.error(dsTok, `INCLUDE ${dsn}: no data sets are known here (map it in lpars[].datasets of the topology, or validate --dataset ${dsn}=FILE)`);
      continue;
    }
    let found: IncludeResult;
    try {
      found = source.include(dsn);
    } catch (e) {
      found = { error: e instanceof Error ? e.message : String(e) };
    }
    if ('error' in found) {
      diag.error(dsTok, `INCLUDE ${dsn}: ${found.error}`);
      continue;
    }
    if (files.includes(found.file)) {
      diag.error(dsTok, `INCLUDE ${dsn} is a cycle: ${found.file} is already being read (${[...files, found.file].join(' -> ')})`);
      continue;
    }
    included.push({ dsn, file: found.file, at: { line: dsTok.line, col: dsTok.col, ...(dsTok.file !== undefined ? { file: dsTok.file } : {}) } });
    const via = `in ${dsn}, INCLUDEd at ${at}${dsTok.via !== undefined ? `, ${dsTok.via}` : ''}`;
    const inner0 = tokenize(String(found.text), diag, { file: found.file, via });
    const inner = substituteSymbols(inner0, source.symbols ?? {}, diag);
    out.push(...expandIncludes(inner, source, diag, included, [...chain, dsn], [...files, found.file]));
  }
  return out;
}
