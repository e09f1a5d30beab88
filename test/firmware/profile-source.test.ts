// The stack reads INCLUDEd members and system symbols through the FirmwareConfig its host gives it: a profile
// shared across the sysplex, with its DVIPA in an included member, IPLs with the right home address and DVIPA;
// without the source it is rejected with the position of the first symbol.

import { describe, expect, test } from 'vitest';
import { createFirmware } from '../../src/firmware/index.js';
import { MS, recordingHal } from './harness.js';

const SHARED = [
  'IPCONFIG DATAGRAMFWD SYSPLEXROUTING DYNAMICXCF 10.9.9.&XCF. 255.255.255.0 1',
  'INTERFACE OSA&SYSCLONE. DEFINE IPAQENET PORTNAME OSA1 IPADDR &HOMEIP./24',
  'BEGINROUTES',
  '  ROUTE 10.1.1.0/24 = OSA&SYSCLONE. MTU 1500',
  'ENDROUTES',
  'INCLUDE TCPIP.PROFILES(VIPA&SYSCLONE.)',
  'START OSA&SYSCLONE.',
  '',
].join('\n');
const MEMBER = 'VIPADYNAMIC\n  VIPADEFINE 255.255.255.0 10.1.1.10\nENDVIPADYNAMIC\n';

describe('profile source of the firmware', () => {
  test('symbols and INCLUDE reach the stack: it registers its home address and activates the included DVIPA', () => {
    const log: string[] = [];
    const { hal, timers } = recordingHal('SYS1', log);
    const fw = createFirmware(hal, {
      profile: SHARED, profileFile: 'SHARED.tcpip', applications: [],
      profileSource: {
        symbols: { SYSNAME: 'SYS1', SYSCLONE: 'S1', HOMEIP: '10.1.1.1', XCF: '1' },
        include: (dsn) => (dsn === 'TCPIP.PROFILES(VIPAS1)' ? { file: 'VIPAS1', text: MEMBER } : { error: 'no such member' }),
      },
    });
    fw.start(0);
    for (const [id, at] of [...timers]) if (at <= 10 * MS) fw.timer(at, id);
    expect(log).toContain('register OSAS1 10.1.1.1');
    expect(log.some((l) => l.startsWith('register') && l.endsWith(' 10.1.1.10'))).toBe(true);
  });

  test('without its symbols the same profile is rejected at the first one', () => {
    const { hal } = recordingHal('SYS1', []);
    expect(() => createFirmware(hal, { profile: SHARED, profileFile: 'SHARED.tcpip', applications: [] }).start(0))
      .toThrow(/SHARED\.tcpip:1:55: system symbol &XCF\. is not defined/);
  });
});
