// Boundaries inside VIPADYNAMIC ... ENDVIPADYNAMIC. PORT and DELETE are top-level statements but also operands
// of VIPA statements (VIPADISTRIBUTE ... PORT 80, VIPARANGE DELETE), so they never end a VIPA statement.

import { END_VIPADYNAMIC, isKw, matchKw, statementAt, VIPA_STATEMENT_LIST } from '../keywords.js';
import type { Token } from '../lexer.js';

/** True when the token is a top-level statement that cannot be an operand inside the block. */
export function isForeignStatement(tok: Token | undefined): boolean {
  const st = statementAt(tok);
  return st !== null && st.keyword.full !== 'PORT' && st.keyword.full !== 'DELETE';
}

/** True when a VIPA statement must end before `tok`. */
export function atVipaBoundary(tok: Token | undefined): boolean {
  return (
    tok === undefined ||
    matchKw(tok, VIPA_STATEMENT_LIST) !== null ||
    isKw(tok, END_VIPADYNAMIC) ||
    isForeignStatement(tok)
  );
}

/** IPv6 forms (interface name + IPv6 address) are accepted and not modelled. */
export function isIpv6Word(tok: Token | undefined): boolean {
  return tok !== undefined && tok.text.includes(':');
}
