// PORT: reservations of ports for job names (`80 TCP HTTPSRV [NOAUTOLOG] [SHAREPORT] [BIND ip] [SAF name]`).

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, intOf, isDecimal } from '../cursor.js';
import { pos } from '../errors.js';
import { kw, statementAt } from '../keywords.js';
import type { Token } from '../lexer.js';
import { keep, opt, scanOptions } from '../options.js';
import type { OtherOption, PortReservation } from '../types.js';

const TCP = kw('TCP');
const UDP = kw('UDP');

function parseEntry(c: Cursor, b: ProfileBuilder, portTok: Token): void {
  const port = intOf(c, portTok, 'the port number', 1, 65535);
  const protocol = c.needKw([TCP, UDP], 'TCP or UDP') === TCP ? 'TCP' : 'UDP';
  const job = c.need('the job name');
  if (statementAt(job) !== null) c.fail(job, `expected the job name of port ${port}, found the statement ${job.up}`);
  const other: OtherOption[] = [];
  const v = {
    noAutolog: false,
    shareport: null as PortReservation['shareport'],
    bind: null as number | null,
    saf: null as string | null,
  };
  scanOptions(
    c,
    [
      opt('NOAUTOLOG', () => (v.noAutolog = true)),
      opt('SHAREPORT', () => (v.shareport = 'SHAREPORT')),
      opt('SHAREPORTWLM', () => (v.shareport = 'SHAREPORTWLM')),
      opt('BIND', () => (v.bind = c.needIpv4('the BIND address').ip)),
      opt('SAF', () => (v.saf = c.need('the SAF resource name').up)),
      keep('DELAYACKS'),
      keep('NODELAYACKS'),
      keep('NOSMC'),
      keep('NOSMCR'),
      keep('NOSMCD'),
      keep('OPTLOCAL'),
    ],
    // The next entry starts with its port number.
    { statement: `PORT ${port}`, other, notModelled: (o, at) => b.ignoreOperand('PORT', o, at), stop: (t) => isDecimal(t) },
  );
  b.portReservations.push({ port, protocol, jobName: job.up, ...v, otherOptions: other, at: pos(portTok) });
}

export function parsePort(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  if (!isDecimal(c.peek())) c.fail(c.peek() ?? c.endPos(), `PORT at ${stmt.line}:${stmt.col}: expected a port number`);
  while (isDecimal(c.peek())) parseEntry(c, b, c.take());
  const next = c.peek();
  if (next !== undefined && statementAt(next) === null) {
    c.fail(next, `expected a port number or the next statement, found ${next.text}`);
  }
}
