// A cursor over the tokens with the value readers every statement uses. Readers record a precise error and
// abandon the statement (StatementAbort) when a value is wrong; the statement loop then resynchronises.

import { type Diagnostics, type Pos } from './errors.js';
import { isKw, tooShortMessage, type Keyword } from './keywords.js';
import type { Token } from './lexer.js';
import { maskToPrefix, parseIpv4, looksLikeIpv4 } from './ipv4.js';

export class Cursor {
  private i = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly diag: Diagnostics,
  ) {}

  get atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.i + ahead];
  }

  /** Consume the next token; callers check atEnd first (or use need). */
  take(): Token {
    return this.tokens[this.i++]!;
  }

  /** Where "end of profile" errors point: just after the last token. */
  endPos(): Pos {
    const last = this.tokens[this.tokens.length - 1];
    return last === undefined ? { line: 1, col: 1 } : { line: last.line, col: last.col + last.text.length };
  }

  fail(at: Pos, message: string): never {
    return this.diag.fail(at, message);
  }

  /** The next token, which must exist: `what` names it in the error. */
  need(what: string): Token {
    if (this.atEnd) this.fail(this.endPos(), `expected ${what}, found the end of the profile`);
    return this.take();
  }

  /** Consume the next token when it is the keyword. */
  accept(k: Keyword): Token | null {
    return isKw(this.peek(), k) ? this.take() : null;
  }

  /** The next token must be one of the keywords; returns the keyword matched. */
  needKw(list: readonly Keyword[], what: string): Keyword {
    const tok = this.need(what);
    for (const k of list) if (isKw(tok, k)) return k;
    this.fail(tok, tooShortMessage(tok, list) ?? `expected ${what}, found ${tok.text}`);
  }

  /** The next token as an IPv4 address. */
  needIpv4(what: string): { ip: number; tok: Token } {
    const tok = this.need(what);
    return { ip: ipv4Of(this, tok, what), tok };
  }

  /** The next token as a decimal integer within [min, max]. */
  needInt(what: string, min: number, max: number): { value: number; tok: Token } {
    const tok = this.need(what);
    return { value: intOf(this, tok, what, min, max), tok };
  }

  /** A token already taken as a decimal integer within [min, max]. */
  needIntOf(tok: Token, what: string, min: number, max: number): number {
    return intOf(this, tok, what, min, max);
  }

  /** The next token as a contiguous dotted mask. */
  needMask(what: string): { mask: number; prefixLen: number; tok: Token } {
    const tok = this.need(what);
    const mask = ipv4Of(this, tok, what);
    const prefixLen = maskToPrefix(mask);
    if (prefixLen < 0) this.fail(tok, `${what} ${tok.text} is not contiguous (its one bits must lead)`);
    return { mask, prefixLen, tok };
  }
}

/** The token as an IPv4 address, or a precise error. */
export function ipv4Of(c: Cursor, tok: Token, what: string): number {
  const ip = parseIpv4(tok.text);
  if (ip !== null) return ip;
  if (looksLikeIpv4(tok.text)) c.fail(tok, `${tok.text} is not a valid IPv4 address (four parts 0-255)`);
  if (tok.text.includes(':')) c.fail(tok, `${tok.text} is an IPv6 address; the emulator models IPv4 only (${what})`);
  return c.fail(tok, `expected ${what} (a dotted IPv4 address), found ${tok.text}`);
}

/** True when the token is a plain unsigned decimal number. */
export function isDecimal(tok: Token | undefined): boolean {
  return tok !== undefined && !tok.quoted && /^[0-9]+$/.test(tok.text);
}

/** The token as a decimal integer within [min, max], or a precise error. */
export function intOf(c: Cursor, tok: Token, what: string, min: number, max: number): number {
  if (!isDecimal(tok)) c.fail(tok, `expected ${what} (a number ${min}-${max}), found ${tok.text}`);
  const value = tok.text.length > 10 ? Number.MAX_SAFE_INTEGER : Number(tok.text);
  if (value < min || value > max) c.fail(tok, `${what} ${tok.text} is out of range ${min}-${max}`);
  return value;
}

/** Split `ip/len` into two tokens with their own columns; `right` is null when there is no slash. */
export function splitSlash(tok: Token): { left: Token; right: Token | null } {
  const slash = tok.text.indexOf('/');
  if (slash < 0) return { left: tok, right: null };
  const l = tok.text.slice(0, slash);
  const r = tok.text.slice(slash + 1);
  return {
    left: { ...tok, text: l, up: l.toUpperCase(), quoted: false },
    right: { ...tok, text: r, up: r.toUpperCase(), quoted: false, col: tok.subst === true ? tok.col : tok.col + slash + 1 },
  };
}
