// Scanning of keyword-option lists (IPCONFIG, INTERFACE, GLOBALCONFIG ...): options in any order up to the
// next statement. Options the emulator models have a handler; options it knows but does not model are kept with
// their values; unknown words are kept too (with a warning where the statement's option list is fully known),
// because a real profile may carry options of a newer release.

import type { Cursor } from './cursor.js';
import { pos, StatementAbort } from './errors.js';
import { isKw, kw, statementAt, statementTooShort, tooShortMessage, type Keyword } from './keywords.js';
import type { Token } from './lexer.js';
import type { OtherOption } from './types.js';

export interface OptionSpec {
  readonly keyword: Keyword;
  /** Modelled option: reads its own values from the cursor. */
  readonly run?: (tok: Token) => void;
  /** Known, unmodelled option: how many values follow it (kept in otherOptions). */
  readonly values?: number;
}

/** A modelled option. */
export function opt(notation: string, run: (tok: Token) => void): OptionSpec {
  return { keyword: kw(notation), run };
}

/** A known option that is only kept (with `values` following words). */
export function keep(notation: string, values = 0): OptionSpec {
  return { keyword: kw(notation), values };
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
  /** Where unknown and unmodelled options go. */
  readonly other: OtherOption[];
  /** Warn about unknown options (the statement's option list is fully known to us). */
  readonly warnUnknown: boolean;
  /** Extra end condition (a block's own keywords); statements always end the list. */
  readonly stop?: (tok: Token) => boolean;
}

/** True when the option list ends before `tok`. */
export function endsOptions(tok: Token | undefined, ctx: ScanContext): boolean {
  return tok === undefined || statementAt(tok) !== null || (ctx.stop !== undefined && ctx.stop(tok));
}

/**
 * Read options until the next statement (or ctx.stop). Errors in one option are recorded and the scan goes on
 * with the next word, so one pass reports every bad option of the statement.
 */
export function scanOptions(c: Cursor, specs: readonly OptionSpec[], ctx: ScanContext): void {
  const keywords = specs.map((s) => s.keyword);
  while (!endsOptions(c.peek(), ctx)) {
    const tok = c.take();
    const spec = specs.find((s) => isKw(tok, s.keyword));
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
      for (let n = 0; n < (spec.values ?? 0) && !endsOptions(c.peek(), ctx); n++) values.push(c.take().text);
      ctx.other.push({ name: spec.keyword.full, values, at: pos(tok) });
      continue;
    }
    const short = tooShortMessage(tok, keywords) ?? (tok.up.length >= 5 ? statementTooShort(tok) : null);
    if (short !== null) {
      c.diag.error(tok, short);
      continue;
    }
    const values: string[] = [];
    while (isValueWord(c.peek()) && !endsOptions(c.peek(), ctx)) values.push(c.take().text);
    ctx.other.push({ name: tok.up, values, at: pos(tok) });
    if (ctx.warnUnknown) c.diag.warn(tok, `${ctx.statement} option ${tok.text} is not known to the emulator; kept, not used`);
  }
}

/** Consume every word up to the next statement (an ignored statement's operands). */
export function skipOperands(c: Cursor): void {
  while (!c.atEnd && statementAt(c.peek()) === null) c.take();
}
