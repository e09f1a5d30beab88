// Scanning of keyword-option lists (IPCONFIG, INTERFACE, GLOBALCONFIG ...): options in any order up to the
// next statement. Every word is accounted for: an option the emulator models has a handler; an option of the
// IP Configuration Reference it does not model is kept with its values and listed as not modelled; any other
// word is an error at its position (with the nearest option or statement when it looks like a typo).

import type { Cursor } from './cursor.js';
import { pos, StatementAbort, type Pos } from './errors.js';
import { isKw, kw, statementAt, statementTooShort, STATEMENTS, tooShortMessage, type Keyword } from './keywords.js';
import type { Token } from './lexer.js';
import { nearest } from './suggest.js';
import type { OtherOption } from './types.js';

export interface OptionSpec {
  readonly keyword: Keyword;
  /** Modelled option: reads its own values from the cursor. */
  readonly run?: (tok: Token) => void;
  /** Known, unmodelled option: how many words follow it ('list': every value word that follows). */
  readonly values?: number | 'list';
}

/** A modelled option. */
export function opt(notation: string, run: (tok: Token) => void): OptionSpec {
  return { keyword: kw(notation), run };
}

/** A known option that is only kept (with `values` following words). */
export function keep(notation: string, values: number | 'list' = 0): OptionSpec {
  return { keyword: kw(notation), values };
}

/** Known flags and their NO forms: `keepPairs('SMCD', 'IQDMULTIWRITE')`. */
export function keepPairs(...notations: string[]): OptionSpec[] {
  return notations.flatMap((n) => [keep(n), keep(`NO${n}`)]);
}

/** Words that are values rather than keywords: numbers, addresses, masks, sizes (64K), `*`, quoted text. */
export function isValueWord(tok: Token | undefined): boolean {
  if (tok === undefined) return false;
  if (tok.quoted) return true;
  const ch = tok.text.charCodeAt(0);
  return (ch >= 48 && ch <= 57) || ch === 42 /* * */ || tok.text.includes('.') || tok.text.includes(':');
}

export interface ScanContext {
  /** Statement name for messages (`IPCONFIG`). */
  readonly statement: string;
  /** Where unmodelled options go. */
  readonly other: OtherOption[];
  /** Told of every known option the emulator does not model (absent when the whole statement is not modelled). */
  readonly notModelled?: (option: string, at: Pos) => void;
  /** Extra end condition (a block's own keywords); statements always end the list. */
  readonly stop?: (tok: Token) => boolean;
}

/** True when the option list ends before `tok`. */
export function endsOptions(tok: Token | undefined, ctx: ScanContext): boolean {
  return tok === undefined || statementAt(tok) !== null || (ctx.stop !== undefined && ctx.stop(tok));
}

const STATEMENT_NAMES = STATEMENTS.map((s) => s.keyword.full);

/** The message for a word that is neither an operand of `statement` nor a statement. */
export function notAnOperand(tok: Token, statement: string, operands: readonly Keyword[]): string {
  const short = tooShortMessage(tok, operands) ?? (tok.up.length >= 5 ? statementTooShort(tok) : null);
  if (short !== null) return short;
  const near = nearest(tok.up, operands.map((k) => k.full));
  if (near !== null) return `${tok.text} is not an operand of ${statement} (did you mean ${near}?)`;
  const stmt = nearest(tok.up, STATEMENT_NAMES);
  if (stmt !== null) return `${tok.text} is neither an operand of ${statement} nor a PROFILE.TCPIP statement (did you mean the statement ${stmt}?)`;
  return `${tok.text} is not an operand of ${statement}`;
}

/**
 * Read options until the next statement (or ctx.stop). Errors in one option are recorded and the scan goes on
 * with the next word, so one pass reports every bad option of the statement.
 */
export function scanOptions(c: Cursor, specs: readonly OptionSpec[], ctx: ScanContext): void {
  const keywords = specs.map((s) => s.keyword);
  while (!endsOptions(c.peek(), ctx)) {
    const next = c.peek()!;
    const spec = specs.find((s) => isKw(next, s.keyword));
    if (spec === undefined && startsLine(next, c.peek(-1)) && !isValueWord(next) &&
        nearest(next.up, keywords.map((k) => k.full)) === null && tooShortMessage(next, keywords) === null) {
      // An unknown word that starts a line is most likely a statement we do not know (or mistyped): the
      // statement loop says so, instead of this statement calling it an operand.
      return;
    }
    const tok = c.take();
    if (spec?.run !== undefined) {
      try {
        spec.run(tok);
      } catch (e) {
        if (!(e instanceof StatementAbort)) throw e;
        // The option's error is recorded; its remaining values are not options.
        while (isValueWord(c.peek()) && !endsOptions(c.peek(), ctx)) c.take();
      }
      continue;
    }
    if (spec !== undefined) {
      const values: string[] = [];
      if (spec.values === 'list') {
        while (isValueWord(c.peek()) && !endsOptions(c.peek(), ctx)) values.push(c.take().text);
      } else {
        for (let n = 0; n < (spec.values ?? 0) && !endsOptions(c.peek(), ctx); n++) values.push(c.take().text);
      }
      ctx.other.push({ name: spec.keyword.full, values, at: pos(tok) });
      ctx.notModelled?.(spec.keyword.full, tok);
      continue;
    }
    c.diag.error(tok, notAnOperand(tok, ctx.statement, keywords));
    while (isValueWord(c.peek()) && !endsOptions(c.peek(), ctx)) c.take();
  }
}

/** True when `tok` is the first word on its line (of its file). */
export function startsLine(tok: Token, before: Token | undefined): boolean {
  return before === undefined || before.line !== tok.line || before.file !== tok.file;
}

/** Consume every word up to the next statement (the operands of a statement whose grammar is free). */
export function skipOperands(c: Cursor): void {
  while (!c.atEnd && statementAt(c.peek()) === null) c.take();
}
