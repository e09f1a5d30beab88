// The statement loop: each top-level statement goes to its parser; an error abandons that statement only, and
// parsing resumes at the next statement keyword so that one run reports every error of the profile.

import { ProfileBuilder } from './builder.js';
import { Cursor } from './cursor.js';
import { Diagnostics, StatementAbort } from './errors.js';
import {
  END_VIPADYNAMIC, FOREIGN_STATEMENTS, kw, matchKw, statementAt, statementTooShort, STATEMENTS, VIPA_STATEMENT_LIST,
  type StatementDef, isKw,
} from './keywords.js';
import type { Token } from './lexer.js';
import { skipOperands } from './options.js';
import { parseGlobalConfig, parseTcpConfig, parseUdpConfig } from './statements/config.js';
import { parseDevice, parseHome, parseLink, parseStartStop } from './statements/devlink.js';
import { parseIgnoredBlock } from './statements/ignored.js';
import { parseGateway } from './statements/gateway.js';
import { parseUnmodelled } from './statements/unmodelled.js';
import { nearest } from './suggest.js';
import { parseInterface } from './statements/interface.js';
import { parseIpconfig } from './statements/ipconfig.js';
import { parsePort } from './statements/port.js';
import { parseRoutes } from './statements/routes.js';
import { parseVipaDynamic } from './statements/vipadynamic.js';
import { atVipaBoundary } from './statements/vipablock.js';

type StatementParser = (c: Cursor, stmt: Token, b: ProfileBuilder, def: StatementDef) => void;

const PARSERS: Readonly<Record<string, StatementParser>> = {
  IPCONFIG: parseIpconfig,
  INTERFACE: parseInterface,
  DEVICE: parseDevice,
  LINK: parseLink,
  HOME: parseHome,
  BEGINROUTES: parseRoutes,
  VIPADYNAMIC: parseVipaDynamic,
  PORT: parsePort,
  START: (c, stmt, b) => parseStartStop(b.starts)(c, stmt),
  STOP: (c, stmt, b) => parseStartStop(b.stops)(c, stmt),
  GLOBALCONFIG: parseGlobalConfig,
  TCPCONFIG: parseTcpConfig,
  UDPCONFIG: parseUdpConfig,
  GATEWAY: parseGateway,
  // INCLUDE is replaced by the included statements before parsing (include.ts); one left here failed there.
  INCLUDE: (c) => void c.take(),
};

const STATEMENT_NAMES = STATEMENTS.map((s) => s.keyword.full);

/** Keywords that are valid only inside a block, for a better message when they appear outside it. */
const BLOCK_ONLY = [kw('ROUTE'), kw('ENDRoutes'), END_VIPADYNAMIC];

function notAStatement(tok: Token): string {
  const vipa = matchKw(tok, VIPA_STATEMENT_LIST);
  if (vipa !== null) return `${vipa.full} is valid only inside VIPADYNAMIC ... ENDVIPADYNAMIC`;
  const inner = matchKw(tok, BLOCK_ONLY);
  if (inner !== null) {
    return isKw(tok, BLOCK_ONLY[2]!)
      ? `${inner.full} without VIPADYNAMIC`
      : `${inner.full} is valid only inside BEGINROUTES ... ENDROUTES`;
  }
  const short = statementTooShort(tok);
  if (short !== null) return short;
  const foreign = FOREIGN_STATEMENTS[tok.up];
  if (foreign !== undefined) return `${tok.text} is not a PROFILE.TCPIP statement: it is ${foreign}`;
  const near = nearest(tok.up, STATEMENT_NAMES);
  return `${tok.text} is not a PROFILE.TCPIP statement${near === null ? '' : ` (did you mean ${near}?)`}`;
}

export function parseStatements(tokens: readonly Token[], diag: Diagnostics): ProfileBuilder {
  const c = new Cursor(tokens, diag);
  const b = new ProfileBuilder();
  while (!c.atEnd) {
    const tok = c.take();
    const def = statementAt(tok);
    if (def === null) {
      diag.error(tok, notAStatement(tok));
      if (matchKw(tok, VIPA_STATEMENT_LIST) !== null) {
        // A VIPA statement outside its block: its PORT/DELETE operands are not statements.
        while (!atVipaBoundary(c.peek())) c.take();
      } else {
        skipOperands(c);
      }
      continue;
    }
    const parse: StatementParser =
      PARSERS[def.keyword.full] ?? (def.kind === 'block' ? parseIgnoredBlock : parseUnmodelled);
    if (def.modelled) b.modelled.set(def.keyword.full, (b.modelled.get(def.keyword.full) ?? 0) + 1);
    try {
      parse(c, tok, b, def);
    } catch (e) {
      if (!(e instanceof StatementAbort)) throw e;
      skipOperands(c);
    }
  }
  return b;
}
