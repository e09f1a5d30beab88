// Statements accepted but not modelled: kept as `ignored` (name and position) so `validate` can list them.

import type { ProfileBuilder } from '../builder.js';
import type { Cursor } from '../cursor.js';
import { isKw, kw, tooShortMessage, type StatementDef } from '../keywords.js';
import type { Token } from '../lexer.js';
import { skipOperands } from '../options.js';

/** A one-line-or-more statement: its operands run to the next statement keyword. */
export function parseIgnored(c: Cursor, stmt: Token, b: ProfileBuilder, def: StatementDef): void {
  skipOperands(c);
  b.ignore(def.keyword.full, stmt);
}

/** A block (AUTOLOG ... ENDAUTOLOG): everything up to its END keyword, which must be there. */
export function parseIgnoredBlock(c: Cursor, stmt: Token, b: ProfileBuilder, def: StatementDef): void {
  const end = def.end!;
  while (!c.atEnd && !isKw(c.peek(), end)) {
    const tok = c.take();
    // A too-short END word (ENDAUTO) would otherwise swallow the rest of the profile into the block.
    const short = tok.up.length >= 5 ? tooShortMessage(tok, [end]) : null;
    if (short !== null) c.fail(tok, short);
  }
  if (c.atEnd) c.fail(stmt, `${def.keyword.full} is not closed: ${end.full} is missing`);
  c.take();
  b.ignore(def.keyword.full, stmt);
}

/** INCLUDE dsname: the parser sees one text, so included statements are not part of this profile. */
export function parseInclude(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  const ds = c.need('the data set name to INCLUDE');
  c.diag.warn(stmt, `INCLUDE ${ds.text} is not followed: paste the included statements into this profile to use them`);
  b.ignore('INCLUDE', stmt);
}

/** GATEWAY (the old form of static routes): accepted, its routes are not used. */
export function parseGateway(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  skipOperands(c);
  c.diag.warn(stmt, 'GATEWAY (old form of static routes) is ignored: use BEGINROUTES ... ENDROUTES');
  b.ignore('GATEWAY', stmt);
}

const DELETE_TARGETS = {
  port: kw('PORT'),
  portRange: kw('PORTRANGE'),
  named: [kw('DEVICE'), kw('LINK'), kw('INTERFACE'), kw('ATMARPSV'), kw('ATMLIS'), kw('ATMPVC')],
} as const;

/** DELETE DEVICE|LINK|... name | PORT n proto job | PORTRANGE n count proto job (an OBEYFILE statement). */
export function parseDelete(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  const what = c.needKw(
    [DELETE_TARGETS.port, DELETE_TARGETS.portRange, ...DELETE_TARGETS.named],
    'what to DELETE (DEVICE, LINK, PORT, PORTRANGE ...)',
  );
  const operands = what === DELETE_TARGETS.port ? 3 : what === DELETE_TARGETS.portRange ? 4 : 1;
  for (let i = 0; i < operands; i++) c.need(`operand ${i + 1} of DELETE ${what.full}`);
  b.ignore('DELETE', stmt);
}
