// The Netstat console reports against the layouts of SYSPLEX-DISTRIBUTOR.md section 2 (IBM samples where
// documented): whole reports compared line by line, in SHORT (EZZ2500I) and LONG (EZD0101I) form, plus the
// command's modifiers, filters and abbreviations.
import { describe, expect, it } from 'vitest';
import { DVIPA, Harness, type HttpGet, MS, STACKS, ip, openMany, sysplex } from './harness.js';
import { ipToString } from '../../src/net/ipv4.js';

/** The stack that accepted client connection `g`. */
function holder(h: Harness, g: HttpGet): string {
  const key = `${g.conn.localIp}:${g.conn.localPort}>${ip(DVIPA)}:80`;
  return STACKS.find((s) => h.nodes.get(s)!.opens.includes(key)) ?? '?';
}

/** The sample profile of SYSPLEX-DISTRIBUTOR.md 2.4 (VIPADCFG), as one stack's profile. */
const SAMPLE = `IPCONFIG SYSPLEXROUTING DYNAMICXCF 10.99.0.1 255.255.255.0 1
INTERFACE OSA1 DEFINE IPAQENET PORTNAME OSA1 IPADDR 10.1.1.1/24
BEGINROUTES
  ROUTE 10.1.1.0/24 = OSA1 MTU 1500
ENDROUTES
VIPADYNAMIC
  VIPABACKUP 100 10.1.1.60
  VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.50 10.1.1.70
  VIPARANGE DEFINE MOVEABLE NONDISRUPTIVE 255.255.255.192 10.1.2.0
  VIPADISTRIBUTE DEFINE DISTM BASEWLM 10.1.1.50 PORT 8080 DESTIP ALL
  VIPADISTRIBUTE DEFINE DISTM HOTSTANDBY AUTOSWITCHBACK HEALTHSWITCH
     10.1.1.70 PORT 10000 DESTIP 10.99.0.1 PREFERRED 10.99.0.2 BACKUP 100
  VIPAROUTE DEFINE 10.99.0.2 10.20.0.2
ENDVIPADYNAMIC
`;

function sampleStack(): Harness {
  const h = new Harness();
  h.add('TCPCS', SAMPLE);
  h.start('TCPCS');
  h.run(1 * MS);
  return h;
}

/** The demo sysplex after 30 round-robin connections (10 a target, all ended) and with 3 more held open. */
function busy(): { h: Harness; held: HttpGet[] } {
  const h = sysplex();
  const done = openMany(h, 30, { gap: 100_000 });
  h.run(h.now + 100 * MS);
  expect(done.every((g) => g.outcome === 'completed')).toBe(true);
  // The servers closed first: their connections (and VCRT rows) end after TIME_WAIT (2 x MSL, 60 s).
  h.run(h.now + 61_000 * MS);
  const held = openMany(h, 3, { hold: true, gap: 100_000, first: 50 });
  h.run(h.now + 20 * MS);
  return { h, held };
}

const lines = (text: string) => text.split('\n');

describe('VDPT', () => {
  it('SHORT: the IBM sample layout, one record per DVIPA, port and target, in DESTIP order', () => {
    const { h } = busy();
    expect(lines(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT,PORT=80'))).toEqual([
      'EZZ2500I NETSTAT CS V2R5 SYS1',
      'DYNAMIC VIPA DESTINATION PORT TABLE:',
      'DEST IPADDR     DPORT DESTXCF ADDR    RDY TOTALCONN  WLM TSR FLG',
      '10.1.1.10       00080 10.9.9.1        001 0000000011 32  100 R',
      '10.1.1.10       00080 10.9.9.2        001 0000000011 32  100 R',
      '10.1.1.10       00080 10.9.9.3        001 0000000011 32  100 R',
      '3 OF 3 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
    // Both ports without a filter; MAX= cuts the records shown, not the count.
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT')).toContain('6 OF 6 RECORDS DISPLAYED');
    const cut = lines(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT,MAX=2'));
    expect(cut.filter((l) => l.startsWith('10.1.1.10 '))).toHaveLength(2);
    expect(cut).toContain('2 OF 6 RECORDS DISPLAYED');
  });

  it('LONG and DETAIL: the labelled form with ACTCONN and the TSR components', () => {
    const { h } = busy();
    const text = h.operator('SYS1', 'D TCPIP,SYS1,N,VDPT,DETAIL,FORMAT=LONG,IPPORT=10.1.1.10+80,MAX=1');
    expect(lines(text)).toEqual([
      expect.stringMatching(/^EZD0101I NETSTAT CS V2R5 SYS1 \d+$/),
      'DYNAMIC VIPA DESTINATION PORT TABLE FOR TCP/IP STACKS:',
      'DEST:         10.1.1.10..80',
      '  DESTXCF:    10.9.9.1',
      '  TOTALCONN:  0000000011  RDY: 001  WLM: 32  TSR: 100',
      '  FLG: ROUNDROBIN',
      '  TCSR: 100  CER: 100  SEF: 100',
      '  ABNORM: 00  HEALTH: 100',
      '  ACTCONN:    0000000001',
      '  QOSPLCACT: *DEFAULT*',
      '    W/Q: 32',
      '1 OF 3 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
  });

  it('HOTSTANDBY records name the server type and flag the active one', () => {
    const h = sysplex(`VIPADISTRIBUTE DEFINE DISTMETHOD HOTSTANDBY ${DVIPA} PORT 80 DESTIP 10.9.9.2 PREFERRED 10.9.9.3 BACKUP 100 10.9.9.1 BACKUP 50`);
    const text = h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT,FORMAT=LONG');
    // The targets' WLM weights are exchanged when they join (the harness's hosts report 32): shown, not used.
    expect(text).toContain('  DESTXCF:    10.9.9.2\n  TOTALCONN:  0000000000  RDY: 001  WLM: 32  TSR: 100\n  DISTMETHOD: HOTSTANDBY  SRVTYPE: PREFERRED\n  FLG: ACTIVE\n');
    expect(text).toContain('  DESTXCF:    10.9.9.3\n  TOTALCONN:  0000000000  RDY: 001  WLM: 32  TSR: 100\n  DISTMETHOD: HOTSTANDBY  SRVTYPE: BACKUP  RANK: 100\n  FLG:\n');
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT')).toContain('10.1.1.10       00080 10.9.9.1        001 0000000000 32  100 H\n');
  });

  it('a stack that distributes nothing shows an empty table', () => {
    const { h } = busy();
    expect(lines(h.operator('SYS2', 'D TCPIP,SYS2,NETSTAT,VDPT')).slice(1)).toEqual([
      'DYNAMIC VIPA DESTINATION PORT TABLE:',
      'DEST IPADDR     DPORT DESTXCF ADDR    RDY TOTALCONN  WLM TSR FLG',
      '0 OF 0 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
  });
});

describe('VCRT', () => {
  it('SHORT and LONG: the distributor lists what it routes, a target the connections it ends', () => {
    const { h, held } = busy();
    const rows = held.map((g) => ({ client: g.conn.localIp, port: g.conn.localPort }));
    const text = lines(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VCRT'));
    expect(text.slice(0, 3)).toEqual(['EZZ2500I NETSTAT CS V2R5 SYS1', 'DYNAMIC VIPA CONNECTION ROUTING TABLE:', 'DEST IPADDR     DPORT SRC IPADDR      SPORT DESTXCF ADDR']);
    // Round robin continued after the 30: SYS1, SYS2, SYS3 hold one each.
    const expected = held.map((g, i) => `10.1.1.10       00080 ${ipToString(rows[i]!.client).padEnd(16)}${String(rows[i]!.port).padStart(5, '0')} 10.9.9.${1 + STACKS.indexOf(holder(h, g))}`);
    expect(new Set(held.map((g) => holder(h, g))).size).toBe(3);
    expect(text.slice(3, 6).sort()).toEqual(expected.sort());
    expect(text.slice(6)).toEqual(['3 OF 3 RECORDS DISPLAYED', 'END OF THE REPORT']);
    const onSys2 = lines(h.operator('SYS2', 'D TCPIP,SYS2,NETSTAT,VCRT,FORMAT=LONG'));
    const k = held.findIndex((g) => holder(h, g) === 'SYS2');
    expect(onSys2.slice(1)).toEqual([
      'DYNAMIC VIPA CONNECTION ROUTING TABLE:',
      'DEST:         10.1.1.10..80',
      `  SOURCE:     ${ipToString(rows[k]!.client)}..${rows[k]!.port}`,
      '  DESTXCF:    10.9.9.2',
      '1 OF 1 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
    // Filters: an address that is no DVIPA, and a port nobody uses.
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VCRT,IPADDR=10.1.1.99')).toContain('0 OF 0 RECORDS DISPLAYED');
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VCRT,IPADDR=10.1.1.0/24,PORT=80')).toContain('3 OF 3 RECORDS DISPLAYED');
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VCRT,PORT=7')).toContain('0 OF 0 RECORDS DISPLAYED');
  });
});

describe('VIPADYN', () => {
  it('SHORT: the reconstructed IBM layout with ACTTIME and the VIPA ROUTE part', () => {
    const h = sampleStack();
    expect(lines(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADYN'))).toEqual([
      'EZZ2500I NETSTAT CS V2R5 TCPCS',
      'DYNAMIC VIPA:',
      '  IP ADDRESS      ADDRESSMASK     STATUS    ORIGINATION     DISTSTAT',
      '  10.1.1.50       255.255.255.0   ACTIVE    VIPADEFINE      DIST/DEST',
      '    ACTTIME:      01/01/2025 00:00:00',
      '  10.1.1.60       255.255.255.255 BACKUP    VIPABACKUP',
      '  10.1.1.70       255.255.255.0   ACTIVE    VIPADEFINE      DIST/DEST',
      '    ACTTIME:      01/01/2025 00:00:00',
      'VIPA ROUTE:',
      '  DESTXCF:        10.99.0.2',
      '    TARGETIP:     10.20.0.2',
      '    RTSTATUS:     INACTIVE',
      '4 OF 4 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADYN,DVIPA')).not.toContain('VIPA ROUTE:');
    expect(lines(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADYN,VIPAROUTE')).slice(1)).toEqual([
      'VIPA ROUTE:', '  DESTXCF:        10.99.0.2', '    TARGETIP:     10.20.0.2', '    RTSTATUS:     INACTIVE', '1 OF 1 RECORDS DISPLAYED', 'END OF THE REPORT',
    ]);
  });

  it('LONG: address with prefix length, status, origin and distribution role', () => {
    const h = sampleStack();
    expect(lines(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADYN,DVIPA,FORMAT=LONG,MAX=2')).slice(1)).toEqual([
      'DYNAMIC VIPA:',
      '  IP ADDRESS/PREFIXLEN: 10.1.1.50/24',
      '    STATUS: ACTIVE      ORIGIN: VIPADEFINE      DISTSTAT: DIST/DEST',
      '    ACTTIME: 01/01/2025 00:00:00',
      '  IP ADDRESS/PREFIXLEN: 10.1.1.60/32',
      '    STATUS: BACKUP      ORIGIN: VIPABACKUP      DISTSTAT:',
      '2 OF 3 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
  });

  it('a pure target holds an internal copy (origin VIPADISTRIBUTE, DEST), activated when the owner advertised it', () => {
    const h = new Harness();
    const dist = `VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN ${DVIPA} PORT 80 DESTIP ALL`;
    h.add('SYS1', `IPCONFIG DYNAMICXCF 10.9.9.1 255.255.255.0 1\nINTERFACE OSA1 DEFINE IPAQENET PORTNAME OSA1 IPADDR 10.1.1.1/24\nVIPADYNAMIC\n  VIPADEFINE 255.255.255.0 ${DVIPA}\n  ${dist}\nENDVIPADYNAMIC\n`);
    h.add('SYS4', `IPCONFIG DYNAMICXCF 10.9.9.4 255.255.255.0 1\nINTERFACE OSA4 DEFINE IPAQENET PORTNAME OSA4 IPADDR 10.1.1.4/24\n`);
    h.start('SYS1');
    h.run(2 * MS);
    h.start('SYS4');
    h.run(3 * MS);
    expect(lines(h.operator('SYS4', 'D TCPIP,SYS4,NETSTAT,VIPADYN')).slice(2, 5)).toEqual([
      '  IP ADDRESS      ADDRESSMASK     STATUS    ORIGINATION     DISTSTAT',
      '  10.1.1.10       255.255.255.255 ACTIVE    VIPADISTRIBUTE  DEST',
      '    ACTTIME:      01/01/2025 00:00:00',
    ]);
    expect(h.operator('SYS4', 'D TCPIP,SYS4,NETSTAT,HOME')).toContain('\n10.1.1.10        VIPL0A01010A     I\n');
  });
});

describe('VIPADCFG', () => {
  it('matches the IBM sample section by section', () => {
    const h = sampleStack();
    expect(lines(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADCFG'))).toEqual([
      'EZZ2500I NETSTAT CS V2R5 TCPCS',
      'DYNAMIC VIPA INFORMATION:',
      '  VIPA BACKUP:',
      '    IPADDR/PREFIXLEN: 10.1.1.60',
      '      RANK: 000100  MOVEABLE:            SRVMGR:',
      '  VIPA DEFINE:',
      '    IPADDR/PREFIXLEN: 10.1.1.50/24',
      '      MOVEABLE: IMMEDIATE  SRVMGR: NO',
      '    IPADDR/PREFIXLEN: 10.1.1.70/24',
      '      MOVEABLE: IMMEDIATE  SRVMGR: NO',
      '  VIPA RANGE:',
      '    IPADDR/PREFIXLEN: 10.1.2.0/26',
      '      MOVEABLE: NONDISR',
      '  VIPA DISTRIBUTE:',
      '    DEST:        10.1.1.50..8080',
      '      DESTXCF:   ALL',
      '      DISTMETHOD: BASEWLM',
      '      SYSPT:     NO   TIMAFF: NO    FLG:',
      '      OPTLOC:    NO',
      '    DEST:        10.1.1.70..10000',
      '      DESTXCF:   10.99.0.1',
      '      DISTMETHOD: HOTSTANDBY    SRVTYPE: PREFERRED',
      '      AUTOSWITCHBACK: YES       HEALTHSWITCH: YES',
      '      SYSPT:     NO   TIMAFF: NO    FLG:',
      '      OPTLOC:    NO',
      '    DEST:        10.1.1.70..10000',
      '      DESTXCF:   10.99.0.2',
      '      DISTMETHOD: HOTSTANDBY    SRVTYPE: BACKUP  RANK: 100',
      '      AUTOSWITCHBACK: YES       HEALTHSWITCH: YES',
      '      SYSPT:     NO   TIMAFF: NO    FLG:',
      '      OPTLOC:    NO',
      '  VIPA ROUTE:',
      '    DESTXCF: 10.99.0.2',
      '      TARGETIP: 10.20.0.2',
      'END OF THE REPORT',
    ]);
    expect(lines(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADCFG,IPADDR=10.1.1.60'))).toEqual([
      'EZZ2500I NETSTAT CS V2R5 TCPCS', 'DYNAMIC VIPA INFORMATION:', '  VIPA BACKUP:', '    IPADDR/PREFIXLEN: 10.1.1.60',
      '      RANK: 000100  MOVEABLE:            SRVMGR:', 'END OF THE REPORT',
    ]);
  });

  it('DETAIL shows the OPTLOCAL value, WEIGHTEDACTIVE weights and TIMEDAFFINITY seconds', () => {
    const h = sysplex(`VIPADISTRIBUTE DEFINE DISTMETHOD WEIGHTEDACTIVE OPTLOCAL 2 TIMEDAFFINITY 30 ${DVIPA} PORT 80 DESTIP 10.9.9.1 WEIGHT 10 10.9.9.2 WEIGHT 20`);
    const text = h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VIPADCFG,DETAIL');
    expect(text).toContain('    DEST:        10.1.1.10..80\n      DESTXCF:   10.9.9.2\n      DISTMETHOD: WEIGHTEDACTIVE\n      WEIGHT:    20\n      SYSPT:     NO   TIMAFF: 30    FLG:\n      OPTLOC:    2\n');
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VIPADCFG')).toContain('      SYSPT:     NO   TIMAFF: 30    FLG:\n      OPTLOC:    YES\n');
  });
});

describe('HOME and CONN', () => {
  it('HOME: interfaces (the first PRIMARY), owned DVIPAs, the dynamic XCF address, loopback', () => {
    const { h } = busy();
    expect(lines(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,HOME'))).toEqual([
      'EZZ2500I NETSTAT CS V2R5 SYS1',
      'HOME ADDRESS LIST:',
      'ADDRESS          LINK             FLG',
      '10.1.1.1         OSA1             P',
      '10.1.1.10        VIPL0A01010A',
      '10.9.9.1         IQDIOLNK0A090901',
      '127.0.0.1        LOOPBACK',
      '4 OF 4 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
    expect(lines(h.operator('SYS2', 'D TCPIP,SYS2,NETSTAT,HOME,FORMAT=LONG')).slice(1, 8)).toEqual([
      'HOME ADDRESS LIST:', 'INTFNAME:   OSA2', '  ADDRESS:  10.1.1.2', '    FLAGS:  PRIMARY', 'LINKNAME:   VIPL0A01010A', '  ADDRESS:  10.1.1.10', '    FLAGS:  INTERNAL',
    ]);
  });

  it('CONN: listeners and connections with their job, hex id, sockets and console state', () => {
    const { h, held } = busy();
    const g = held.find((x) => holder(h, x) === 'SYS1')!;
    const text = lines(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,CONN'));
    expect(text[1]).toBe('USER ID  CONN     LOCAL SOCKET           FOREIGN SOCKET         STATE');
    expect(text).toContain('ECHOSRV  00000007 0.0.0.0..7             0.0.0.0..0             LISTEN');
    expect(text).toContain('HTTPSRV  00000050 0.0.0.0..80            0.0.0.0..0             LISTEN');
    const client = `${ipToString(g.conn.localIp)}..${g.conn.localPort}`;
    const row = text.find((l) => l.includes(client))!;
    expect(row).toMatch(new RegExp(`^HTTPSRV  [0-9A-F]{8} 10\\.1\\.1\\.10\\.\\.80 {10}${client.replace(/\./g, '\\.')} +ESTBLSH$`));
    // Filters: PORT= is the local port, IPADDR= the foreign address.
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,CONN,PORT=7')).toContain('1 OF 1 RECORDS DISPLAYED');
    const mine = h.operator('SYS1', `D TCPIP,SYS1,NETSTAT,CONN,IPADDR=${client.split('..')[0]},FORMAT=LONG`);
    expect(lines(mine).slice(1)).toEqual([
      'USER ID  CONN     STATE',
      expect.stringMatching(/^HTTPSRV {2}[0-9A-F]{8} ESTBLSH$/),
      '  LOCAL SOCKET:   10.1.1.10..80',
      `  FOREIGN SOCKET: ${client}`,
      '1 OF 1 RECORDS DISPLAYED',
      'END OF THE REPORT',
    ]);
  });
});

describe('the command', () => {
  it('takes any case, N for NETSTAT, minimum abbreviations and blanks after the verb', () => {
    const h = sampleStack();
    const full = h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VIPADCFG');
    expect(h.operator('TCPCS', 'd  tcpip,tcpcs,n,vipadc')).toBe(full);
    expect(h.operator('TCPCS', 'DISPLAY TCPIP,,NETSTAT,VIPADY')).toContain('DYNAMIC VIPA:');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,N,HO')).toContain('HOME ADDRESS LIST:');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,N,CO')).toContain('USER ID  CONN');
  });

  it('answers what it does not know with one message and changes nothing', () => {
    const h = sampleStack();
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,ROUTE')).toBe('EZZ2385I INVALID NETSTAT REPORT ROUTE');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VDPT,FORMAT=WIDE')).toBe('EZZ2386I FORMAT=WIDE IS NOT LONG OR SHORT');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VCRT,MAX=0')).toBe('EZZ2386I MAX=0 IS NOT * OR 1-65535');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VCRT,IPADDR=10.1.1.300')).toBe('EZZ2386I IPADDR=10.1.1.300 IS NOT AN IPV4 ADDRESS');
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,VCRT,BOGUS')).toBe('EZZ2386I BOGUS IS NOT A VALID MODIFIER');
    expect(h.operator('TCPCS', 'D TCPIP,OTHER,NETSTAT,VCRT')).toBe('EZZ0059I OTHER IS NOT ACTIVE ON THIS SYSTEM');
    expect(h.operator('TCPCS', 'D XCF,GROUP')).toBe('IEE305I D COMMAND INVALID');
    expect(h.operator('TCPCS', 'V TCPIP,TCPCS,SYSPLEX,QUIESCE')).toBe('EZZ0371I INVALID V TCPIP,,SYSPLEX ACTION QUIESCE');
    expect(h.operator('TCPCS', '')).toBe('IEE305I  COMMAND INVALID');
  });

  it('IPCONFIG FORMAT LONG makes LONG the stack default; FORMAT=SHORT still asks for SHORT', () => {
    const h = new Harness();
    h.add('TCPCS', SAMPLE.replace('IPCONFIG SYSPLEXROUTING', 'IPCONFIG FORMAT LONG SYSPLEXROUTING'));
    h.start('TCPCS');
    h.run(1 * MS);
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,HOME')).toMatch(/^EZD0101I NETSTAT CS V2R5 TCPCS \d+\nHOME ADDRESS LIST:\nINTFNAME: {3}OSA1\n/);
    expect(h.operator('TCPCS', 'D TCPIP,TCPCS,NETSTAT,HOME,FORMAT=SHORT')).toMatch(/^EZZ2500I NETSTAT CS V2R5 TCPCS\nHOME ADDRESS LIST:\nADDRESS {10}LINK/);
  });
});
