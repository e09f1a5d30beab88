// Operator moves of a DVIPA: V TCPIP,<proc>,SYSPLEX,DEACTIVATE|REACTIVATE,DVIPA=ip and LEAVEGROUP|JOINGROUP,
// checked the way an operator would: through the VIPADYN and VIPADCFG displays, where new connections go, and
// whether the connections already open survive.
import { describe, expect, it } from 'vitest';
import { DVIPA, type Harness, type HttpGet, MS, STACKS, acceptedBy, ip, openMany, openOn, sysplex } from './harness.js';

const DIST = `VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN ${DVIPA} PORT 80 DESTIP ALL`;

/** The VIPADYN record line of the DVIPA on `stack` (columns collapsed to single blanks), or null. */
function vipadyn(h: Harness, stack: string): string | null {
  const text = h.operator(stack, `D TCPIP,${stack},NETSTAT,VIPADYN`);
  const line = text.split('\n').find((l) => l.trim().startsWith(`${DVIPA} `));
  return line === undefined ? null : line.trim().split(/\s+/).join(' ');
}

/** Short-lived connections opened now; how many each stack accepted. */
function newWork(h: Harness, n: number, first: number): number[] {
  const before = acceptedBy(h);
  const gets = openMany(h, n, { first, gap: 100_000 });
  h.run(h.now + 50 * MS);
  expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
  return acceptedBy(h).map((v, i) => v - before[i]!);
}

function closeAll(h: Harness, gets: HttpGet[]): void {
  for (const g of gets) if (g.outcome === null) g.close(h.now);
  h.run(h.now + 100 * MS);
}

describe('DEACTIVATE and REACTIVATE', () => {
  it('the owner hands the DVIPA to the next backup and quiesces; REACTIVATE takes it back; no connection is lost', () => {
    const h = sysplex(DIST);
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 ACTIVE VIPADEFINE DIST/DEST`);
    const held = openMany(h, 6, { hold: true, gap: 100_000 });
    h.run(h.now + 20 * MS);
    expect(openOn(h)).toEqual([2, 2, 2]);

    const out = h.operator('SYS1', 'v tcpip,sys1,sysplex,deactivate,dvipa=10.1.1.10');
    expect(out.split('\n')).toEqual([
      'EZZ0060I PROCESSING COMMAND: VARY TCPIP,SYS1,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.10',
      'EZD1197I DVIPA 10.1.1.10 DEACTIVATED',
      'EZZ0053I COMMAND SYSPLEX,DEACTIVATE COMPLETED SUCCESSFULLY',
    ]);
    h.run(h.now + 5 * MS);
    // SYS2 (VIPABACKUP 200) distributes now; SYS1 keeps its two connections and takes no new ones.
    expect(h.oat.get(ip(DVIPA))).toBe('SYS2');
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 ACTIVE VIPABACKUP DIST/DEST`);
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 QUIESCING VIPADEFINE DEST`);
    expect(vipadyn(h, 'SYS3')).toBe(`${DVIPA} 255.255.255.255 BACKUP VIPABACKUP DEST`);
    expect(newWork(h, 6, 10)).toEqual([0, 3, 3]);
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VIPADCFG')).toMatch(/^DEACTIVATED DYNAMIC VIPA INFORMATION:\n {2}VIPA DEFINE:\n {4}IPADDR\/PREFIXLEN: 10\.1\.1\.10\/24$/m);

    // SYS1's connections end (the client closes first, so the target frees them at once): deactivated.
    const onSys1 = held.filter((g) => h.nodes.get('SYS1')!.opens.includes(`${g.conn.localIp}:${g.conn.localPort}>${ip(DVIPA)}:80`));
    expect(onSys1.length).toBe(2);
    closeAll(h, onSys1);
    expect(onSys1.every((g) => g.outcome === 'completed')).toBe(true);
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 DEACTIVATED VIPADEFINE DEST`);
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.10')).toContain('IS ALREADY DEACTIVATED');

    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,REACTIVATE,DVIPA=10.1.1.10')).toContain('EZZ0053I COMMAND SYSPLEX,REACTIVATE COMPLETED SUCCESSFULLY');
    h.run(h.now + 5 * MS);
    expect(h.oat.get(ip(DVIPA))).toBe('SYS1');
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 ACTIVE VIPADEFINE DIST/DEST`);
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 BACKUP VIPABACKUP DEST`);
    expect(newWork(h, 3, 20)).toEqual([1, 1, 1]);
    // Every connection held through both moves completes.
    closeAll(h, held);
    expect(held.map((g) => g.outcome)).toEqual(Array(6).fill('completed'));
  });

  it('a backup that is deactivated leaves the chain: the next one takes over when the owner fails', () => {
    const h = sysplex(DIST);
    expect(h.operator('SYS2', 'V TCPIP,SYS2,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.10')).toContain('COMPLETED SUCCESSFULLY');
    h.run(h.now + 1 * MS);
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 DEACTIVATED VIPABACKUP DEST`);
    // It is quiesced as a target too, so round robin skips it.
    expect(newWork(h, 4, 0)).toEqual([2, 0, 2]);
    h.fail('SYS1');
    h.run(h.now + 5 * MS);
    expect(h.oat.get(ip(DVIPA))).toBe('SYS3');
    expect(vipadyn(h, 'SYS3')).toBe(`${DVIPA} 255.255.255.255 ACTIVE VIPABACKUP DIST/DEST`);
    h.operator('SYS2', 'V TCPIP,SYS2,SYSPLEX,REACTIVATE,DVIPA=10.1.1.10');
    h.run(h.now + 1 * MS);
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 BACKUP VIPABACKUP DEST`);
    expect(newWork(h, 4, 10)).toEqual([0, 2, 2]);
  });

  it('answers a DVIPA the stack does not define, and a malformed address, without changing anything', () => {
    const h = sysplex(DIST);
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.99')).toContain('IS NOT A VIPADEFINE OR VIPABACKUP DVIPA OF SYS1');
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,DEACTIVATE,DVIPA=10.1.1')).toContain('REQUIRES DVIPA=ipaddr');
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,REACTIVATE,DVIPA=10.1.1.10')).toContain('IS NOT DEACTIVATED');
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 ACTIVE VIPADEFINE DIST/DEST`);
  });
});

describe('LEAVEGROUP and JOINGROUP', () => {
  it('the owner leaving the group hands the DVIPA to the highest backup; rejoining takes it back', () => {
    const h = sysplex(DIST);
    const held = openMany(h, 6, { hold: true, gap: 100_000 });
    h.run(h.now + 20 * MS);
    expect(openOn(h)).toEqual([2, 2, 2]);
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,LEAVEGROUP').split('\n').at(-1)).toBe('EZZ0053I COMMAND SYSPLEX,LEAVEGROUP COMPLETED SUCCESSFULLY');
    h.run(h.now + 5 * MS);
    // Out of the group SYS1 holds no DVIPA; its configuration is kept, deactivated, for JOINGROUP.
    expect(vipadyn(h, 'SYS1')).toBeNull();
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VIPADYN')).toContain('0 OF 0 RECORDS DISPLAYED');
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VIPADCFG').split('\n')[1]).toBe('DEACTIVATED DYNAMIC VIPA INFORMATION:');
    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,LEAVEGROUP')).toContain('EZZ8269I SYS1 SYS1 IS NOT A MEMBER OF A SYSPLEX GROUP');
    expect(h.oat.get(ip(DVIPA))).toBe('SYS2');
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 ACTIVE VIPABACKUP DIST/DEST`);
    expect(h.traces.some((t) => t.kind === 'dvipa.takeover' && t.stack === 'SYS2')).toBe(true);
    expect(newWork(h, 4, 10)).toEqual([0, 2, 2]);

    expect(h.operator('SYS1', 'V TCPIP,SYS1,SYSPLEX,JOINGROUP')).toContain('EZZ0053I COMMAND SYSPLEX,JOINGROUP COMPLETED SUCCESSFULLY');
    h.run(h.now + 5 * MS);
    expect(h.oat.get(ip(DVIPA))).toBe('SYS1');
    expect(vipadyn(h, 'SYS1')).toBe(`${DVIPA} 255.255.255.0 ACTIVE VIPADEFINE DIST/DEST`);
    expect(vipadyn(h, 'SYS2')).toBe(`${DVIPA} 255.255.255.255 BACKUP VIPABACKUP DEST`);
    expect(newWork(h, 3, 20)).toEqual([1, 1, 1]);
    // The connections on SYS2 and SYS3 lived through both moves; SYS1's went with its DVIPA when it left.
    closeAll(h, held);
    const where = (g: HttpGet) => STACKS.find((s) => h.nodes.get(s)!.opens.includes(`${g.conn.localIp}:${g.conn.localPort}>${ip(DVIPA)}:80`));
    expect(held.filter((g) => where(g) !== 'SYS1').map((g) => g.outcome)).toEqual(Array(4).fill('completed'));
    expect(held.filter((g) => where(g) === 'SYS1').map((g) => g.outcome)).toEqual(['reset', 'reset']);
  });
});
