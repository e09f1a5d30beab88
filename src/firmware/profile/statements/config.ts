// GLOBALCONFIG, TCPCONFIG and UDPCONFIG: stack-wide settings. What the emulator uses is interpreted; every other
// option of the IP Configuration Reference's syntax diagrams is kept as written and listed as not modelled;
// any other word is an error.

import type { ProfileBuilder } from '../builder.js';
import type { Cursor } from '../cursor.js';
import { kw, isKw } from '../keywords.js';
import type { Token } from '../lexer.js';
import { keep, keepPairs, opt, type OptionSpec, scanOptions } from '../options.js';

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

export function globalConfigOptions(c: Cursor, b: ProfileBuilder): OptionSpec[] {
  const g = b.globalConfig;
  const mon = g.sysplexMonitor;
  return [
      opt('XCFGRPid', () => (g.xcfGroupId = c.needInt('XCFGRPID', 2, 31).value)),
      opt('SYSPLEXWLMPoll', () => (g.sysplexWlmPoll = c.needInt('SYSPLEXWLMPOLL', 1, 180).value)),
      opt('SYSPLEXMONitor', () => {
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
            b.ignoreOperand('GLOBALCONFIG', `SYSPLEXMONITOR ${t!.up}`, t!);
          } else break;
          c.take();
        }
      }),
      keep('ADJUSTDVipamss', 1),
      keep('ECSALimit', 1),
      keep('POOLLimit', 1),
      keep('EXPLICITBINDPORTRANGE', 2),
      keep('NOEXPLICITBINDPORTRANGE'),
      keep('MAXRECS', 1),
      keep('IQDVLANID', 1),
      keep('IKEDREQuired', 1),
      keep('POLICYREQuired', 1),
      ...keepPairs('AUTOIQDX', 'AUTOIQDC', 'IQDMULTIWRITE', 'IQDIOMULTIWRITE', 'MLSCHKTERMinate', 'SEGMENTATIONOFFLoad',
        'SMCD', 'SMCR', 'TCPIPStatistics', 'WLMPRIORITYQ', 'ZERT', 'IPSECURITY', 'AUTOCACHE', 'AUTOSMC', 'SYSTEMEID',
        'AGGregation'),
      keep('ALLTRAFFIC'), keep('NOLARGEDATA'), keep('ZIIP'), keep('AIASSIST'), keep('BATCHOUTbound'), keep('NOBATCHOUTbound'),
      keep('SMCGlobal'), keep('SMCEID', 'list'), keep('ENDSMCEID'), keep('SMCPERMIT', 'list'), keep('ENDSMCPERMIT'),
      keep('SMCEXCLUDE', 'list'), keep('ENDSMCEXCLUDE'),
      keep('FIXEDMemory', 1), keep('TCPKEEPMININTerval', 1), keep('PFID', 1), keep('PORTNUM', 1), keep('MTU', 1),
      keep('IOPRI1', 'list'), keep('IOPRI2', 'list'), keep('IOPRI3', 'list'), keep('IOPRI4', 'list'),
      keep('INTVAL', 1), keep('SMFINTVAL'), keep('SYNCVAL', 1), keep('VTAMGRPID', 1),
  ];
}

export function parseGlobalConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  scanOptions(c, globalConfigOptions(c, b), { statement: 'GLOBALCONFIG', other: b.globalConfig.otherOptions, notModelled: b.operandsOf('GLOBALCONFIG') });
}

export function tcpConfigOptions(c: Cursor, b: ProfileBuilder): OptionSpec[] {
  const t = b.tcpConfig;
  return [
      opt('TCPSENDBFRSIZE', () => (t.sendBufferSize = needSize(c, 'TCPSENDBFRSIZE'))),
      opt('TCPRCVBUFRSIZE', () => (t.receiveBufferSize = needSize(c, 'TCPRCVBUFRSIZE'))),
      opt('RESTRICTLOWPORTS', () => (t.restrictLowPorts = true)),
      opt('UNRESTRICTLOWPORTS', () => (t.restrictLowPorts = false)),
      keep('TCPMAXRCVBUFRSIZE', 1),
      keep('TCPMAXSENDBUFRSIZE', 1),
      keep('FINWAIT2TIME', 1),
      keep('INTERVAL', 1),
      keep('KEEPALIVEPROBES', 1),
      keep('KAPROBEINTERVAL', 1),
      keep('SENDGARBAGE', 1),
      keep('QUEUEDRTT', 1),
      keep('RETRANSMITATTEMPT', 1),
      keep('TIMEWAITINTERVAL', 1),
      keep('FRRTHRESHOLD', 1),
      keep('MAXSYNRCVD', 1),
      keep('CONNECTTERMREAD', 1),
      keep('DEFAULTKEEPALIVE', 1),
      keep('EPHEMERALPORTS', 2),
      ...keepPairs('TCPTIMESTAMP', 'DELAYACKS', 'NAGLE', 'SELECTIVEACK', 'TTLS', 'AUTODELAYACKS', 'CONNECTTERM'),
  ];
}

export function parseTcpConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  scanOptions(c, tcpConfigOptions(c, b), { statement: 'TCPCONFIG', other: b.tcpConfig.otherOptions, notModelled: b.operandsOf('TCPCONFIG') });
}

export function udpConfigOptions(_c: Cursor, b: ProfileBuilder): OptionSpec[] {
  const u = b.udpConfig;
  return [
      opt('RESTRICTLOWPORTS', () => (u.restrictLowPorts = true)),
      opt('UNRESTRICTLOWPORTS', () => (u.restrictLowPorts = false)),
      keep('UDPCHKSUM'),
      keep('NOUDPCHKSUM'),
      keep('UDPQUEUELIMIT'),
      keep('NOUDPQUEUELIMIT'),
      keep('UDPSENDBFRSIZE', 1),
      keep('UDPRCVBUFRSIZE', 1),
  ];
}

export function parseUdpConfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  scanOptions(c, udpConfigOptions(c, b), { statement: 'UDPCONFIG', other: b.udpConfig.otherOptions, notModelled: b.operandsOf('UDPCONFIG') });
}
