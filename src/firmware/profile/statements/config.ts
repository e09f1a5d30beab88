// GLOBALCONFIG, TCPCONFIG and UDPCONFIG: stack-wide settings. Only what the emulator uses is interpreted; every
// other option is kept as written (these statements have many release-dependent options, so no warnings).

import type { ProfileBuilder } from '../builder.js';
import type { Cursor } from '../cursor.js';
import { kw, isKw } from '../keywords.js';
import type { Token } from '../lexer.js';
import { keep, opt, scanOptions } from '../options.js';

const TIMERSECS = kw('TIMERSECS');

/** Sizes such as 65535, 64K or 1M (TCPSENDBFRSIZE); bytes, or an error. */
function needSize(c: Cursor, what: string): number {
  const tok = c.need(what);
  const m = /^([0-9]{1,9})([KM]?)$/.exec(tok.up);
  if (m === null) c.fail(tok, `expected ${what} (bytes, or a number with K or M), found ${tok.text}`);
  const n = Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 1048576 : 1);
  if (n < 256 || n > 2 * 1048576 * 1024) c.fail(tok, `${what} ${tok.text} is out of range 256 bytes - 2G`);
  return n;
}

export function parseGlobalConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const g = b.globalConfig;
  const mon = g.sysplexMonitor;
  scanOptions(
    c,
    [
      opt('XCFGRPID', () => (g.xcfGroupId = c.needInt('XCFGRPID', 2, 31).value)),
      opt('SYSPLEXWLMPOLL', () => (g.sysplexWlmPoll = c.needInt('SYSPLEXWLMPOLL', 1, 180).value)),
      opt('SYSPLEXMONITOR', () => {
        // Sub-options follow in any order.
        for (;;) {
          const t = c.peek();
          if (isKw(t, kw('DELAYJOIN'))) mon.delayJoin = true;
          else if (isKw(t, kw('NODELAYJOIN'))) mon.delayJoin = false;
          else if (isKw(t, kw('RECOVERY'))) mon.recovery = true;
          else if (isKw(t, kw('NORECOVERY'))) mon.recovery = false;
          else if (isKw(t, kw('AUTOREJOIN'))) mon.autoRejoin = true;
          else if (isKw(t, kw('NOAUTOREJOIN'))) mon.autoRejoin = false;
          else if (isKw(t, TIMERSECS)) {
            c.take();
            mon.timerSecs = c.needInt('TIMERSECS', 10, 3600).value;
            continue;
          } else if (isKw(t, kw('MONINTERFACE'))) mon.monInterface = true;
          else if (isKw(t, kw('NOMONINTERFACE'))) mon.monInterface = false;
          else if (isKw(t, kw('DYNROUTE')) || isKw(t, kw('NODYNROUTE')) || isKw(t, kw('JOIN')) || isKw(t, kw('NOJOIN'))) {
            g.otherOptions.push({ name: `SYSPLEXMONITOR ${t!.up}`, values: [], at: { line: t!.line, col: t!.col } });
          } else break;
          c.take();
        }
      }),
      keep('ADJUSTDVIPAMSS', 1),
      keep('ECSALIMIT', 1),
      keep('POOLLIMIT', 1),
      keep('EXPLICITBINDPORTRANGE', 2),
      keep('MAXRECS', 1),
    ],
    { statement: 'GLOBALCONFIG', other: g.otherOptions, warnUnknown: false },
  );
}

export function parseTcpConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const t = b.tcpConfig;
  scanOptions(
    c,
    [
      opt('TCPSENDBFRSIZE', () => (t.sendBufferSize = needSize(c, 'TCPSENDBFRSIZE'))),
      opt('TCPRCVBUFRSIZE', () => (t.receiveBufferSize = needSize(c, 'TCPRCVBUFRSIZE'))),
      opt('RESTRICTLOWPORTS', () => (t.restrictLowPorts = true)),
      opt('UNRESTRICTLOWPORTS', () => (t.restrictLowPorts = false)),
      keep('TCPMAXRCVBUFRSIZE', 1),
      keep('TCPMAXSENDBUFRSIZE', 1),
      keep('FINWAIT2TIME', 1),
      keep('INTERVAL', 1),
      keep('SENDGARBAGE', 1),
      keep('TCPTIMESTAMP'),
      keep('NOTCPTIMESTAMP'),
    ],
    { statement: 'TCPCONFIG', other: t.otherOptions, warnUnknown: false },
  );
}

export function parseUdpConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const u = b.udpConfig;
  scanOptions(
    c,
    [
      opt('RESTRICTLOWPORTS', () => (u.restrictLowPorts = true)),
      opt('UNRESTRICTLOWPORTS', () => (u.restrictLowPorts = false)),
      keep('UDPCHKSUM'),
      keep('NOUDPCHKSUM'),
      keep('UDPQUEUELIMIT'),
      keep('NOUDPQUEUELIMIT'),
      keep('UDPSENDBFRSIZE', 1),
      keep('UDPRCVBUFRSIZE', 1),
    ],
    { statement: 'UDPCONFIG', other: u.otherOptions, warnUnknown: false },
  );
}
