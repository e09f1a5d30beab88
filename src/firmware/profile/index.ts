// PROFILE.TCPIP parser of the routing-stack firmware: text in, typed Profile out. Imports nothing outside the
// firmware (no Node I/O): the caller reads the file and passes its text and name (for messages), and for
// INCLUDE a resolver that reads the included data sets, with the system symbols to substitute.

import { Diagnostics, ProfileError, type ProfileWarning } from './errors.js';
import { expandIncludes, type IncludedDataset, type ProfileSource } from './include.js';
import { tokenize } from './lexer.js';
import { parseStatements } from './parser.js';
import { checkProfile } from './semantics.js';
import { substituteSymbols } from './symbols.js';
import type { Profile } from './types.js';

export { ProfileError, type ProfileWarning, type Pos, printable } from './errors.js';
export type * from './types.js';
export type { IncludeResolver, IncludeResult, ProfileSource, IncludedDataset } from './include.js';
export type { SymbolTable } from './symbols.js';
export { formatIpv4, parseIpv4, prefixToMask, maskToPrefix } from './ipv4.js';
export { describeProfile, type ProfileDescription } from './describe.js';
export { statementCatalogue, type CatalogueEntry } from './catalogue.js';

export type ParseProfileResult =
  | { readonly ok: true; readonly profile: Profile; readonly warnings: readonly ProfileWarning[] }
  | { readonly ok: false; readonly errors: readonly ProfileError[]; readonly warnings: readonly ProfileWarning[] };

/**
 * Parse the text of a PROFILE.TCPIP. Never throws: every problem comes back as a ProfileError naming
 * FILE:LINE:COL (`String(error)`), in the order found; warnings name what is accepted but not modelled.
 */
export function parseProfile(text: string, fileName: string, source: ProfileSource = {}): ParseProfileResult {
  const diag = new Diagnostics(fileName);
  try {
    let tokens = tokenize(String(text), diag);
    tokens = substituteSymbols(tokens, source.symbols ?? {}, diag);
    const included: IncludedDataset[] = [];
    tokens = expandIncludes(tokens, source, diag, included);
    const b = parseStatements(tokens, diag);
    b.includes.push(...included);
    if (included.length > 0) b.modelled.set('INCLUDE', included.length);
    if (diag.errors.length === 0) checkProfile(b, diag);
    if (diag.errors.length > 0) return { ok: false, errors: diag.errors, warnings: diag.warnings };
    return { ok: true, profile: b.build(fileName), warnings: diag.warnings };
  } catch (e) {
    // A defect of the parser itself: still a typed result, never an exception for the caller.
    const message = e instanceof Error ? e.message : String(e);
    diag.error({ line: 1, col: 1 }, `internal error of the profile parser: ${message}`);
    return { ok: false, errors: diag.errors, warnings: diag.warnings };
  }
}
