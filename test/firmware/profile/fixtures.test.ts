// Every valid fixture parses, with the values the scenarios and the firmware rely on.

import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { DistDestination, Profile } from '../../../src/firmware/profile/index.js';
import { ip, parseFixture } from './helpers.js';

const DVIPA = ip('10.1.1.10');
const xcf = (n: number): number => ip(`10.9.9.${n}`);

/** What every demo-layout profile of stack n has, whatever the distribution method. */
function expectDemoLayout(p: Profile, n: number): void {
  expect(p.dynamicXcf).toMatchObject({ ip: xcf(n), mask: ip('255.255.255.0'), prefixLen: 24, cost: 1 });
  expect(p.ipconfig.datagramFwd).toBe(true);
  expect(p.ipconfig.sysplexRouting).toBe(true);
  expect(p.interfaces).toHaveLength(1);
  expect(p.interfaces[0]).toMatchObject({
    name: `OSA${n}`, type: 'IPAQENET', portName: `OSA${n}`, ip: ip(`10.1.1.${n}`), prefixLen: 24, mtu: 1500,
    inbperf: 'BALANCED',
  });
  expect(p.routes.map((r) => [r.isDefault, r.dest, r.prefixLen, r.gateway, r.ifName, r.mtu])).toEqual([
    [false, ip('10.1.1.0'), 24, null, `OSA${n}`, 1500],
    [true, 0, 0, ip('10.1.1.254'), `OSA${n}`, 1500],
  ]);
  if (n === 1) {
    expect(p.vipaDefines).toEqual([
      { ip: DVIPA, mask: ip('255.255.255.0'), prefixLen: 24, moveable: 'IMMEDIATE', serviceMgr: false, at: expect.any(Object) },
    ]);
    expect(p.vipaBackups).toEqual([]);
  } else {
    expect(p.vipaDefines).toEqual([]);
    expect(p.vipaBackups.map((b) => [b.ip, b.rank, b.moveable, b.mask])).toEqual([[DVIPA, n === 2 ? 200 : 100, null, null]]);
  }
  expect(p.portReservations.map((r) => [r.port, r.protocol, r.jobName])).toEqual([
    [7, 'TCP', 'ECHOSRV'],
    [80, 'TCP', 'HTTPSRV'],
  ]);
  expect(p.starts.map((s) => s.name)).toEqual([`OSA${n}`]);
  expect(p.tcpConfig.sendBufferSize).toBe(65535);
  expect(p.vipaDistributes).toHaveLength(1);
  expect(p.vipaDistributes[0]).toMatchObject({ ip: DVIPA, ports: [7, 80] });
}

const dests = (p: Profile): readonly DistDestination[] | 'ALL' => p.vipaDistributes[0]!.destinations;
const strip = (d: readonly DistDestination[] | 'ALL') =>
  d === 'ALL' ? d : d.map(({ at: _at, ...rest }) => rest);

describe('demo fixtures (fixtures/profiles/SYSn.tcpip)', () => {
  test.each([1, 2, 3])('SYS%i: ROUNDROBIN to DESTIP ALL, no warnings', (n) => {
    const { profile, warnings } = parseFixture(`fixtures/profiles/SYS${n}.tcpip`);
    expectDemoLayout(profile, n);
    expect(profile.vipaDistributes[0]).toMatchObject({ method: 'ROUNDROBIN', destinations: 'ALL', optLocal: null, timedAffinity: 0 });
    expect(warnings).toEqual([]);
    expect(profile.ignored).toEqual([]);
  });
});

describe('per-method fixtures (fixtures/profiles/<method>/SYSn.tcpip)', () => {
  test.each([1, 2, 3])('weightedactive SYS%i: WEIGHT 10/30/60', (n) => {
    const { profile, warnings } = parseFixture(`fixtures/profiles/weightedactive/SYS${n}.tcpip`);
    expectDemoLayout(profile, n);
    expect(profile.vipaDistributes[0]!.method).toBe('WEIGHTEDACTIVE');
    expect(strip(dests(profile))).toEqual([
      { xcfIp: xcf(1), weight: 10 },
      { xcfIp: xcf(2), weight: 30 },
      { xcfIp: xcf(3), weight: 60 },
    ]);
    expect(warnings).toEqual([]);
  });

  test.each([1, 2, 3])('hotstandby SYS%i: SYS1 PREFERRED, SYS2 BACKUP 200, SYS3 BACKUP 100', (n) => {
    const { profile, warnings } = parseFixture(`fixtures/profiles/hotstandby/SYS${n}.tcpip`);
    expectDemoLayout(profile, n);
    expect(profile.vipaDistributes[0]).toMatchObject({ method: 'HOTSTANDBY', autoSwitchBack: true, healthSwitch: true });
    expect(strip(dests(profile))).toEqual([
      { xcfIp: xcf(1), role: 'PREFERRED' },
      { xcfIp: xcf(2), role: 'BACKUP', rank: 200 },
      { xcfIp: xcf(3), role: 'BACKUP', rank: 100 },
    ]);
    expect(warnings).toEqual([]);
  });

  test.each([
    ['basewlm', { method: 'BASEWLM', optLocal: null, timedAffinity: 0 }],
    ['serverwlm', { method: 'SERVERWLM', optLocal: null, timedAffinity: 0 }],
    ['optlocal', { method: 'BASEWLM', optLocal: 1, timedAffinity: 0 }],
    ['timedaffinity', { method: 'ROUNDROBIN', optLocal: null, timedAffinity: 30 }],
  ] as const)('%s SYS1-3: %o to DESTIP ALL', (dir, expected) => {
    for (const n of [1, 2, 3]) {
      const { profile, warnings } = parseFixture(`fixtures/profiles/${dir}/SYS${n}.tcpip`);
      expectDemoLayout(profile, n);
      expect(profile.vipaDistributes[0]).toMatchObject({ ...expected, destinations: 'ALL', sysplexPorts: false });
      expect(warnings).toEqual([]);
    }
  });

  test('every method directory has exactly SYS1-3', () => {
    for (const dir of ['weightedactive', 'hotstandby', 'basewlm', 'serverwlm', 'optlocal', 'timedaffinity']) {
      expect(readdirSync(`fixtures/profiles/${dir}`).sort()).toEqual(['SYS1.tcpip', 'SYS2.tcpip', 'SYS3.tcpip']);
    }
  });
});

describe('production-like profile (abbreviations, mixed case, comments, ignored statements)', () => {
  const { profile: p, warnings } = parseFixture('fixtures/profiles/production.tcpip');

  test('IPCONFIG and GLOBALCONFIG, including the lower-case `ipconf` abbreviation', () => {
    expect(p.dynamicXcf).toMatchObject({ ip: ip('10.20.99.1'), prefixLen: 24, cost: 2, at: { line: 24, col: 8 } });
    expect(p.ipconfig).toMatchObject({
      datagramFwd: true, sysplexRouting: true, sourceVipa: true, multipath: 'PERCONNECTION', pathMtuDiscovery: true, ttl: 64,
    });
    expect(p.globalConfig).toMatchObject({
      xcfGroupId: 11, sysplexWlmPoll: 30, sysplexMonitor: { delayJoin: true, recovery: true, timerSecs: 60, autoRejoin: false },
    });
    expect(p.globalConfig.otherOptions.map((o) => o.name)).toEqual(
      expect.arrayContaining(['NOTCPIPSTATISTICS', 'ECSALIMIT', 'EXPLICITBINDPORTRANGE', 'ADJUSTDVIPAMSS', 'ZIIP']),
    );
    expect(p.tcpConfig).toMatchObject({ sendBufferSize: 262144, receiveBufferSize: 262144, restrictLowPorts: true });
  });

  test('interfaces, the old-style static VIPA and HOME', () => {
    expect(p.interfaces.map((i) => [i.name, i.type, i.portName, i.chpid, i.prefixLen, i.mtu, i.inbperf])).toEqual([
      ['OSAQDIOA', 'IPAQENET', 'OSAPRT1A', null, 24, 8992, 'DYNAMIC'],
      ['OSAQDIOB', 'IPAQENET', 'OSAPRT1B', null, 24, 1492, 'BALANCED'],
      ['HIPERS1', 'IPAQIDIO', null, 'F4', 24, 8192, null],
      ['STATVIPA', 'VIRTUAL', null, null, 8, null, null],
    ]);
    expect(p.interfaces[0]).toMatchObject({ vlanId: 201, vmac: '', workloadQ: true, at: { line: 46, col: 11 } });
    expect(p.devices).toEqual([{ name: 'VIPADEV1', type: 'VIRTUAL', options: ['0'], at: { line: 40, col: 8 } }]);
    expect(p.links).toMatchObject([{ name: 'VIPALNK1', type: 'VIRTUAL', device: 'VIPADEV1' }]);
    expect(p.homes).toEqual([{ ip: ip('10.20.100.12'), linkName: 'VIPALNK1', at: { line: 63, col: 4 } }]);
  });

  test('routes: prefix, mask, HOST and DEFAULT forms; `REPL;CHG` ends at the semicolon', () => {
    expect(p.routes.map((r) => [r.isDefault ? 'DEFAULT' : `${r.dest >>> 24}/${r.prefixLen}`, r.gateway, r.ifName, r.mtu, r.replaceable])).toEqual([
      ['10/24', null, 'OSAQDIOA', 8992, false],
      ['10/24', null, 'OSAQDIOB', 1492, false],
      ['10/24', null, 'HIPERS1', 8192, false],
      ['192/32', ip('10.20.1.1'), 'OSAQDIOA', 1500, false],
      ['DEFAULT', ip('10.20.1.1'), 'OSAQDIOA', null, true],
      ['DEFAULT', ip('10.20.2.1'), 'OSAQDIOB', 1492, true],
    ]);
  });

  test('DVIPAs: VIPADEF/VIPAB abbreviations, MOVE IMMED, WHENIDLE, several addresses on one VIPABACKUP', () => {
    expect(p.vipaDefines.map((d) => [d.ip, d.prefixLen, d.moveable])).toEqual([
      [ip('10.20.10.30'), 24, 'IMMEDIATE'],
      [ip('10.20.10.40'), 24, 'WHENIDLE'],
      [ip('10.20.10.21'), 24, 'IMMEDIATE'], // not coded: the z/OS default
    ]);
    expect(p.vipaBackups.map((d) => [d.ip, d.rank, d.moveable, d.prefixLen])).toEqual([
      [ip('10.20.10.50'), 120, 'IMMEDIATE', 24],
      [ip('10.20.10.60'), 80, null, null],
      [ip('10.20.10.61'), 80, null, null],
    ]);
    expect(p.vipaRanges.map((r) => [r.ip, r.prefixLen, r.moveable, r.saf])).toEqual([
      [ip('10.20.11.0'), 26, 'NONDISRUPTIVE', null],
      [ip('10.20.11.200'), 32, 'NONDISRUPTIVE', 'ZCXRANGE'],
    ]);
    expect(p.vipaRoutes.map((r) => [r.xcfIp, r.targetIp])).toEqual([
      [ip('10.20.99.2'), ip('10.20.1.12')],
      [ip('10.20.99.3'), ip('10.20.1.13')],
    ]);
  });

  test('VIPADISTRIBUTE: every method with its options, port ranges expanded', () => {
    const [cics, db2, mq, web, dyn] = p.vipaDistributes;
    expect(cics).toMatchObject({
      ip: ip('10.20.10.30'), ports: [5000, 5001, 5002, 5003, 5010], method: 'WEIGHTEDACTIVE', sysplexPorts: true,
      timedAffinity: 60, optLocal: null,
    });
    expect(strip(cics!.destinations)).toEqual([
      { xcfIp: ip('10.20.99.1'), weight: 20 },
      { xcfIp: ip('10.20.99.2'), weight: 20 },
      { xcfIp: ip('10.20.99.3'), weight: 10 },
    ]);
    expect(db2).toMatchObject({
      ports: [446], method: 'SERVERWLM', procXCost: { zaap: 3, ziip: 5 }, ilWeighting: 1, optLocal: 2, destinations: 'ALL',
    });
    expect(mq).toMatchObject({ ports: [1414], method: 'HOTSTANDBY', autoSwitchBack: false, healthSwitch: false });
    expect(strip(mq!.destinations)).toEqual([
      { xcfIp: ip('10.20.99.2'), role: 'PREFERRED' },
      { xcfIp: ip('10.20.99.1'), role: 'BACKUP', rank: 150 },
      { xcfIp: ip('10.20.99.3'), role: 'BACKUP', rank: 50 },
    ]);
    expect(web).toMatchObject({ ports: [80, 443], method: 'BASEWLM', procType: { cp: 40, zaap: 0, ziip: 60 } });
    expect(dyn).toMatchObject({ ip: ip('10.20.10.61'), ports: [], method: 'ROUNDROBIN', destinations: 'ALL' });
  });

  test('port reservations with SHAREPORT, BIND and SAF', () => {
    expect(p.portReservations).toHaveLength(14);
    expect(p.portReservations.find((r) => r.port === 21)).toMatchObject({ jobName: 'FTPD1', bind: ip('10.20.10.21') });
    expect(p.portReservations.find((r) => r.port === 20)).toMatchObject({ jobName: '*', noAutolog: true });
    expect(p.portReservations.find((r) => r.port === 443)).toMatchObject({ jobName: 'HTTPD*', shareport: 'SHAREPORTWLM' });
    expect(p.portReservations.find((r) => r.port === 446)).toMatchObject({ saf: 'DB2PORT' });
    expect(p.portReservations.find((r) => r.port === 161)).toMatchObject({ protocol: 'UDP', jobName: 'OSNMPD' });
  });

  test('statements not modelled are kept with their positions, the INCLUDEd member\'s in its own file', () => {
    expect(p.ignored.map((s) => `${s.name}@${s.line}:${s.col}`)).toEqual([
      'ARPAGE@7:1', 'IPCONFIG6@25:1', 'SOMAXCONN@27:1', 'SMFCONFIG@32:1', 'NETMONITOR@34:1', 'ITRACE@35:1',
      'INTERFACE IPAQENET6@59:1', 'PRIMARYINTERFACE@64:1', 'ROUTE (IPv6)@72:1', 'AUTOLOG@77:1', 'PORTRANGE@98:1',
      'SACONFIG@99:1', 'NETACCESS@101:1', 'SRCIP@107:1', 'IPSEC@112:1', 'VIPADEFINE (IPv6)@152:4', 'TELNETPARMS@3:1', 'BEGINVTAM@8:1',
    ]);
    expect(p.ignored.slice(-2).map((s) => s.file)).toEqual(['fixtures/profiles/TN3270A.tcpip', 'fixtures/profiles/TN3270A.tcpip']);
    expect(p.includes).toEqual([{ dsn: 'SYS1.TCPPARMS(TN3270A)', file: 'fixtures/profiles/TN3270A.tcpip', at: { line: 159, col: 9 } }]);
    expect(warnings.map(String)).toEqual([]);
  });
});

describe('legacy profile (DEVICE/LINK/HOME, GATEWAY, TN3270 blocks)', () => {
  const { profile: p, warnings } = parseFixture('fixtures/profiles/legacy.tcpip');

  test('old-form interfaces and homes', () => {
    expect(p.interfaces).toEqual([]);
    expect(p.devices.map((d) => [d.name, d.type])).toEqual([['CISCO', 'CLAW'], ['LCS1', 'LCS'], ['OSAD1', 'MPCIPA']]);
    expect(p.links.map((l) => [l.name, l.type, l.device])).toEqual([
      ['SM03CIP', 'IP', 'CISCO'], ['ETH1', 'ETHERNET', 'LCS1'], ['OSAL1', 'IPAQENET', 'OSAD1'],
    ]);
    expect(p.homes.map((h) => [h.ip, h.linkName])).toEqual([
      [ip('172.19.154.193'), 'SM03CIP'], [ip('10.30.1.2'), 'OSAL1'], [ip('193.5.2.1'), 'ETH1'],
    ]);
    expect(p.dynamicXcf).toMatchObject({ ip: ip('10.30.99.2'), prefixLen: 24, cost: 1 });
  });

  test('VIPABACKUP without rank is rank 1; BACKUP without rank is accepted with a warning', () => {
    expect(p.vipaBackups.map((b) => [b.ip, b.rank])).toEqual([[ip('10.30.10.5'), 1]]);
    expect(strip(p.vipaDistributes[0]!.destinations)).toEqual([
      { xcfIp: ip('10.30.99.1'), role: 'PREFERRED' },
      { xcfIp: ip('10.30.99.2'), role: 'BACKUP', rank: 1 },
    ]);
    expect(warnings.map((w) => `${w.line}:${w.col}`)).toEqual(['43:19']);
  });

  test('GATEWAY entries are routes, as BEGINROUTES would give them', () => {
    expect(p.routes.map((r) => [r.isDefault, r.dest, r.prefixLen, r.gateway, r.ifName, r.mtu])).toEqual([
      [false, ip('172.19.154.0'), 24, null, 'SM03CIP', 4096],
      [true, 0, 0, ip('172.19.154.8'), 'SM03CIP', 4096],
      [false, ip('10.30.1.0'), 24, null, 'OSAL1', 1500],
      [true, 0, 0, ip('10.30.1.1'), 'OSAL1', 1500],
    ]);
  });

  test('blocks are skipped whole, their inner PORT words are not PORT statements', () => {
    expect(p.ignored.map((s) => s.name)).toEqual([
      'ARPAGE', 'KEEPALIVEOPTIONS', 'ATMLIS', 'TRANSLATE', 'BSDROUTINGPARMS', 'AUTOLOG', 'TELNETPARMS', 'BEGINVTAM',
    ]);
    expect(p.portReservations.map((r) => r.port)).toEqual([7, 7, 21, 751, 7554]);
  });
});
