// Lexing of PROFILE.TCPIP: free format, blanks and line ends separate words, `;` starts a comment to the end of
// the line, `"..."` quotes a value that may hold blanks (AUTOLOG PARMSTRING). Every token keeps its line and column.
//
// IBM's rule is that a comment after an argument needs a blank before the `;`, yet IBM's own sample profile has
// `MTU 4096 REPL;CHG`: the stack evidently ends the word at the `;`, so we do the same wherever it appears.
//
// Sequence numbers: the IP Configuration Reference ("Statement syntax for configuration statements") says
// "Sequence numbers are not allowed." The stack reads columns 73-80 as text like any other, so a numbered
// record gives it a stray number; we refuse the first one at its column, naming the ISPF command that removes them.
// Numbers inside a comment are comment text, for the stack and for us.

import type { Diagnostics, Pos } from './errors.js';

export interface Token extends Pos {
  /** The word as written (without the quotes of a quoted value), after symbol substitution. */
  readonly text: string;
  /** The word upper-cased: keywords are case-insensitive. */
  readonly up: string;
  /** True for a `"..."` value. */
  readonly quoted: boolean;
  /** True when system symbols were substituted in it: columns inside the word no longer match the text. */
  readonly subst?: boolean;
}

/** Where the text comes from, when it is not the main profile (INCLUDE). */
export interface Origin {
  readonly file: string;
  readonly via: string;
}

function isBlank(ch: number): boolean {
  // space, tab, CR, vertical tab, form feed, no-break space (pasted from web pages)
  return ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12 || ch === 0xa0;
}

/** True when the line (without its CR) is an 80-column record with eight digits in columns 73-80. */
function numberedRecord(text: string, lineStart: number): boolean {
  let end = text.indexOf('\n', lineStart);
  if (end < 0) end = text.length;
  if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
  return end - lineStart === 80 && /^[0-9]{8}$/.test(text.slice(lineStart + 72, end));
}

/** Split the profile text into tokens. Lexical errors (an unclosed quote) go to `diag`; lexing never fails. */
export function tokenize(text: string, diag: Diagnostics, origin?: Origin): Token[] {
  const tokens: Token[] = [];
  const where = (line: number, col: number): Pos => (origin === undefined ? { line, col } : { line, col, file: origin.file, via: origin.via });
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let line = 1;
  let lineStart = i;
  let sequenced = false;
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
        diag.error(where(line, col), 'quoted value is not closed on its line (missing ")');
        i = end;
      } else {
        i = end + 1;
      }
      tokens.push({ ...where(line, col), text: value, up: value.toUpperCase(), quoted: true });
    } else {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 59 || isBlank(c)) break;
        i++;
      }
      const col = start - lineStart + 1;
      if (i - lineStart > 72 && numberedRecord(text, lineStart)) {
        // The word reaches into columns 73-80 of a numbered record: a sequence number, not profile text.
        if (!sequenced) {
          diag.error(where(line, 73), `sequence number ${text.slice(lineStart + 72, lineStart + 80)} in columns 73-80: ` +
            'the IP Configuration Reference does not allow sequence numbers in a profile data set ' +
            '(remove them, e.g. ISPF UNNUM and NUMBER OFF)');
          sequenced = true;
        }
        if (col >= 73) continue;
        i = lineStart + 72; // keep the statement text before column 73
      }
      const word = text.slice(start, i);
      tokens.push({ ...where(line, col), text: word, up: word.toUpperCase(), quoted: false });
    }
  }
  return tokens;
}
