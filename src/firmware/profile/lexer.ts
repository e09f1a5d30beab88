// Lexing of PROFILE.TCPIP: free format, blanks and line ends separate words, `;` starts a comment to the end of
// the line, `"..."` quotes a value that may hold blanks (AUTOLOG PARMSTRING). Every token keeps its line and column.
//
// IBM's rule is that a comment after an argument needs a blank before the `;`, yet IBM's own sample profile has
// `MTU 4096 REPL;CHG`: the stack evidently ends the word at the `;`, so we do the same wherever it appears.

import type { Diagnostics, Pos } from './errors.js';

export interface Token extends Pos {
  /** The word as written (without the quotes of a quoted value). */
  readonly text: string;
  /** The word upper-cased: keywords are case-insensitive. */
  readonly up: string;
  /** True for a `"..."` value. */
  readonly quoted: boolean;
}

function isBlank(ch: number): boolean {
  // space, tab, CR, vertical tab, form feed, no-break space (pasted from web pages)
  return ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12 || ch === 0xa0;
}

/** Split the profile text into tokens. Lexical errors (an unclosed quote) go to `diag`; lexing never fails. */
export function tokenize(text: string, diag: Diagnostics): Token[] {
  const tokens: Token[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let line = 1;
  let lineStart = i;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      i++;
      line++;
      lineStart = i;
    } else if (isBlank(ch)) {
      i++;
    } else if (ch === 59 /* ; */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (ch === 34 /* " */) {
      const col = i - lineStart + 1;
      let end = i + 1;
      while (end < n && text.charCodeAt(end) !== 34 && text.charCodeAt(end) !== 10) end++;
      const value = text.slice(i + 1, end);
      if (end >= n || text.charCodeAt(end) !== 34) {
        diag.error({ line, col }, 'quoted value is not closed on its line (missing ")');
        i = end;
      } else {
        i = end + 1;
      }
      tokens.push({ text: value, up: value.toUpperCase(), quoted: true, line, col });
    } else {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 59 || isBlank(c)) break;
        i++;
      }
      const word = text.slice(start, i);
      tokens.push({ text: word, up: word.toUpperCase(), quoted: false, line, col: start - lineStart + 1 });
    }
  }
  return tokens;
}
