// Lexing: words with their line and column, comments, quoted values, pasted whitespace.

import { describe, expect, test } from 'vitest';
import { Diagnostics } from '../../../src/firmware/profile/errors.js';
import { tokenize } from '../../../src/firmware/profile/lexer.js';

function lex(text: string) {
  const diag = new Diagnostics('lex.tcpip');
  const tokens = tokenize(text, diag);
  return { words: tokens.map((t) => `${t.text}@${t.line}:${t.col}`), tokens, diag };
}

describe('tokenize', () => {
  test('blanks and line ends separate; every word keeps line and column', () => {
    expect(lex('IPCONFIG  DATAGRAMFWD\n   DYNAMICXCF 10.9.9.1\n').words).toEqual([
      'IPCONFIG@1:1', 'DATAGRAMFWD@1:11', 'DYNAMICXCF@2:4', '10.9.9.1@2:15',
    ]);
  });

  test('a semicolon starts a comment to the end of the line, whole-line or after a word', () => {
    expect(lex('; header\nPORT ; reserve\n  7 TCP ECHO;no blank before the comment\n;last').words).toEqual([
      'PORT@2:1', '7@3:3', 'TCP@3:5', 'ECHO@3:9',
    ]);
  });

  test('words are upper-cased for keyword matching but keep their text', () => {
    const t = lex('VipaDynamic').tokens[0]!;
    expect([t.text, t.up]).toEqual(['VipaDynamic', 'VIPADYNAMIC']);
  });

  test('a quoted value keeps its blanks and semicolons', () => {
    const { tokens, diag } = lex('TN3270 PARMSTRING "PROFILE=A; TRACE" NEXT');
    expect(tokens.map((t) => [t.text, t.quoted, t.col])).toEqual([
      ['TN3270', false, 1], ['PARMSTRING', false, 8], ['PROFILE=A; TRACE', true, 19], ['NEXT', false, 38],
    ]);
    expect(diag.errors).toEqual([]);
  });

  test('an unclosed quote is an error at the quote, and lexing goes on with the next line', () => {
    const { words, diag } = lex('A "open value\nB');
    expect(diag.errors.map(String)).toEqual(['lex.tcpip:1:3: quoted value is not closed on its line (missing ")']);
    expect(words).toEqual(['A@1:1', 'open value@1:3', 'B@2:1']);
  });

  test('tabs count one column; CR, no-break spaces and a byte order mark are blanks', () => {
    expect(lex('\uFEFFA\tB\r\nC\u00a0D\r\n').words).toEqual(['A@1:1', 'B@1:3', 'C@2:1', 'D@2:3']);
  });

  test('empty and comment-only texts have no tokens', () => {
    expect(lex('').words).toEqual([]);
    expect(lex(';;;\n   ; x\n\n').words).toEqual([]);
  });
});
