// describeProfile: what `sysplex-emu validate X.tcpip [--json]` prints.

import { describe, expect, test } from 'vitest';
import { describeProfile } from '../../../src/firmware/profile/index.js';
import { formatPorts } from '../../../src/firmware/profile/describe.js';
import { parseFixture } from './helpers.js';

describe('describeProfile', () => {
  test('the demo SYS1 profile, for a terminal', () => {
    const { human } = describeProfile(parseFixture('fixtures/profiles/SYS1.tcpip').profile);
    expect(human).toBe(
      [
        'PROFILE.TCPIP fixtures/profiles/SYS1.tcpip',
        '  IPCONFIG     DATAGRAMFWD SYSPLEXROUTING',
        '  DYNAMICXCF   10.9.9.1/24 cost 1',
        '  WLM polling  60 s',
        'Interfaces (1):',
        '  OSA1      IPAQENET  10.1.1.1/24         PORTNAME OSA1  MTU 1500  INBPERF BALANCED',
        'Routes (2):',
        '  10.1.1.0/24         =                OSA1      MTU 1500',
        '  DEFAULT             10.1.1.254       OSA1      MTU 1500',
        'Dynamic VIPAs (1):',
        '  10.1.1.10/24        VIPADEFINE  owner  MOVEABLE IMMEDIATE',
        'VIPADISTRIBUTE (1):',
        '  10.1.1.10 PORT 7 80',
        '    DISTMETHOD ROUNDROBIN  NOOPTLOCAL',
        '    DESTIP ALL',
        'Port reservations (2):',
        '  7     TCP ECHOSRV',
        '  80    TCP HTTPSRV',
        'Ignored statements (0, accepted but not modelled):',
        '',
      ].join('\n'),
    );
  });

  test('hot standby targets with roles and ranks, backups with their rank', () => {
    const { human, json } = describeProfile(parseFixture('fixtures/profiles/hotstandby/SYS2.tcpip').profile);
    expect(human).toContain('  10.1.1.10           VIPABACKUP  rank 200\n');
    expect(human).toContain('    DISTMETHOD HOTSTANDBY  AUTOSWITCHBACK  HEALTHSWITCH  NOOPTLOCAL\n');
    expect(human).toContain('    DESTIP 10.9.9.1 PREFERRED, 10.9.9.2 BACKUP 200, 10.9.9.3 BACKUP 100\n');
    expect(json['dvipas']).toEqual([
      { ip: '10.1.1.10', prefixLen: null, role: 'BACKUP', statement: 'VIPABACKUP', rank: 200, moveable: null },
    ]);
    expect(json['distributions']).toEqual([
      {
        dvipa: '10.1.1.10', ports: [7, 80], method: 'HOTSTANDBY', procType: null, procXCost: null, ilWeighting: null,
        autoSwitchBack: true, healthSwitch: true, optLocal: null, timedAffinity: 0, sysplexPorts: false,
        destinations: [
          { xcfIp: '10.9.9.1', role: 'PREFERRED' },
          { xcfIp: '10.9.9.2', role: 'BACKUP', rank: 200 },
          { xcfIp: '10.9.9.3', role: 'BACKUP', rank: 100 },
        ],
      },
    ]);
  });

  test('weights, options and the ignored statements of the production profile', () => {
    const { human, json } = describeProfile(parseFixture('fixtures/profiles/production.tcpip').profile);
    expect(human).toContain('  10.20.10.30 PORT 5000-5003 5010\n    DISTMETHOD WEIGHTEDACTIVE  NOOPTLOCAL  TIMEDAFFINITY 60  SYSPLEXPORTS\n');
    expect(human).toContain('DESTIP 10.20.99.1 WEIGHT 20, 10.20.99.2 WEIGHT 20, 10.20.99.3 WEIGHT 10');
    expect(human).toContain('  10.20.10.61 PORT all (dynamic)\n');
    expect(human).toContain('  AUTOLOG                     at 77:1\n');
    expect(human).toContain('  VIPAROUTE 10.20.99.2 -> 10.20.1.12\n');
    expect((json['ignored'] as unknown[]).length).toBe(18); // the INCLUDEd member's TELNETPARMS and BEGINVTAM
    expect(json['routes']).toContainEqual({ dest: 'DEFAULT', gateway: '10.20.1.1', ifName: 'OSAQDIOA', mtu: null });
    expect(json['dynamicXcf']).toEqual({ ip: '10.20.99.1', mask: '255.255.255.0', prefixLen: 24, cost: 2 });
  });

  test('the JSON form is plain data: it survives JSON round trips unchanged', () => {
    for (const f of ['production', 'legacy', 'weightedactive/SYS3']) {
      const { json } = describeProfile(parseFixture(`fixtures/profiles/${f}.tcpip`).profile);
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    }
  });

  test('ports fold into ranges', () => {
    expect(formatPorts([80, 7, 8000, 8001, 8002, 9])).toBe('7 9 80 8000-8002');
    expect(formatPorts([])).toBe('all (dynamic)');
  });
});
