// MVS system symbols in profile text: `&NAME.` or `&NAME` (a name of 1-16 characters: a letter, #, @ or $, then
// those, digits or _; 8 is the classic limit, longer site symbols such as &HOMEIPADDRESS1 are in use) is replaced by its value, as z/OS does for a PROFILE.TCPIP shared across a sysplex
// (`&SYSNAME.`, `&SYSCLONE.`, site symbols such as `&HOMEIP1.`). The period ends the name and is consumed, so
// `TCPIP.&SYSNAME..PROFILE` keeps one period. Substitution is per word, after lexing: every token keeps the
// line and column it had in the original text, and an undefined symbol is an error at its own column.

import type { Diagnostics } from './errors.js';
import type { Token } from './lexer.js';

const SYMBOL = /&([A-Z#@$][A-Z0-9#@$_]{0,15})(\.?)/gi;

/** Values by symbol name (upper case, without & and period). */
export type SymbolTable = Readonly<Record<string, string>>;

/** The token with its symbols substituted, or the same token when it has none. Undefined ones go to `diag`. */
function substitute(tok: Token, symbols: SymbolTable, diag: Diagnostics): Token {
  if (!tok.text.includes('&')) return tok;
  let changed = false;
  let undefinedSeen = false;
  const text = tok.text.replace(SYMBOL, (whole, name: string, _dot: string, offset: number) => {
    const value = symbols[name.toUpperCase()];
    if (value === undefined) {
      const known = Object.keys(symbols).sort().map((k) => `&${k}.`).join(' ');
      diag.error({ ...tok, col: tok.col + offset + (tok.quoted ? 1 : 0) },
        `system symbol &${name.toUpperCase()}. is not defined (${known === '' ? 'no symbols are defined' : `defined: ${known}`}; ` +
        'add it to lpars[].symbols of the topology or pass --symbol NAME=VALUE)');
      undefinedSeen = true;
      return whole;
    }
    changed = true;
    return value;
  });
  // A word with an undefined symbol is reported: what the parser would say about it adds nothing.
  if (undefinedSeen) diag.taint(tok);
  if (!changed) return tok;
  return { ...tok, text, up: text.toUpperCase(), subst: true };
}

/**
 * Substitute symbols in every token (quoted values too, as z/OS substitutes the whole record). A value with
 * blanks outside a quoted value gives several words, as it would on z/OS; all keep the original word's position.
 */
export function substituteSymbols(tokens: readonly Token[], symbols: SymbolTable, diag: Diagnostics): Token[] {
  return tokens.flatMap((t) => {
    const s = substitute(t, symbols, diag);
    if (s === t || s.quoted || !/[ \t]/.test(s.text)) return [s];
    return s.text.split(/[ \t]+/).filter((w) => w !== '').map((w) => ({ ...s, text: w, up: w.toUpperCase() }));
  });
}
