// Blocks accepted but not modelled (AUTOLOG ... ENDAUTOLOG), and DELETE: kept as `ignored` for `validate`.

import type { ProfileBuilder } from '../builder.js';
import type { Cursor } from '../cursor.js';
import { isKw, kw, tooShortMessage, type StatementDef } from '../keywords.js';
import type { Token } from '../lexer.js';

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

const DELETE_TARGETS = {
  port: kw('PORT'),
  portRange: kw('PORTRANGE'),
  named: [kw('DEVICE'), kw('LINK'), kw('INTERFACE'), kw('ATMARPSV'), kw('ATMLIS'), kw('ATMPVC')],
} as const;

/** DELETE DEVICE|LINK|... name | PORT n proto job | PORTRANGE n count proto job (an OBEYFILE statement). */
export function parseDelete(c: Cursor): void {
  const what = c.needKw(
    [DELETE_TARGETS.port, DELETE_TARGETS.portRange, ...DELETE_TARGETS.named],
    'what to DELETE (DEVICE, LINK, PORT, PORTRANGE ...)',
  );
  const operands = what === DELETE_TARGETS.port ? 3 : what === DELETE_TARGETS.portRange ? 4 : 1;
  for (let i = 0; i < operands; i++) c.need(`operand ${i + 1} of DELETE ${what.full}`);
}
