// How the firmware meets OSA interface failures. ARP takeover: the stack moves the addresses registered on a
// failed interface to another active one on the same subnet and routes around it; when the interface is back,
// the addresses go home (a stack with one interface deregisters them, then registers them again). And
// SYSPLEXMONITOR MONINTERFACE: with no monitored interface left for TIMERSECS the stack leaves the group.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFirmware } from '../../src/firmware/index.js';
import type { Stack } from '../../src/firmware/stack.js';
import { encodeControl } from '../../src/firmware/xcf-messages.js';
import { MS, recordingHal } from './harness.js';

const profileOf = (name: string) => readFileSync(new URL(`../../fixtures/profiles/${name}.tcpip`, import.meta.url), 'utf8');

/** SYS1, owning its DVIPA, with `others` in its group (each has said hello); what it asks of the HAL after
 *  that, as lines (`register OSA1 10.1.1.1`). */
function stack(profile: string, others: string[] = []): { fw: Stack; calls: string[]; timers: Map<number, number> } {
  const calls: string[] = [];
  const { hal, timers } = recordingHal('SYS1', calls);
  const fw = createFirmware(hal, { profile, profileFile: 'SYS1.tcpip', applications: [{ app: 'echo', port: 7 }] }) as Stack;
  fw.start(0);
  fw.xcfMembership(0, { stack: 'SYS1', joined: true, failed: false });
  others.forEach((o, k) => {
    fw.xcfMembership(0, { stack: o, joined: true, failed: false });
    fw.xcfReceive(0, o, encodeControl({ m: 'hello', xcfIp: (0x0a090902 + k) >>> 0, dvipas: [], reply: false }));
  });
  for (let t = 0; t < 3; t++) for (const [id, at] of [...timers]) if (at <= 2 * MS) (timers.delete(id), fw.timer(at, id));
  calls.splice(0, calls.length, ...calls.filter((c) => !c.startsWith('xcf ')));
  return { fw, calls, timers };
}

describe('ARP takeover', () => {
  it('moves the home address and the DVIPA of a failed OSA to the other one, routes over it, and moves them back', () => {
    const { fw, calls } = stack(profileOf('SYS1-two-osas'));
    expect(calls).toEqual(['register OSA1 10.1.1.1', 'register OSA4 10.1.1.4', 'register OSA1 10.1.1.10']);
    expect(fw.sysplex.owns(0x0a01010a)).toBe(true);
    calls.length = 0;

    fw.interfaceState(3 * MS, 'OSA1', false);
    expect(calls).toEqual(['deregister OSA1 10.1.1.1', 'register OSA4 10.1.1.1', 'deregister OSA1 10.1.1.10', 'register OSA4 10.1.1.10']);
    expect(fw.interfaces.registeredOn(0x0a01010a)).toBe('OSA4');
    expect(fw.routeFor(0xc6336401)?.ifName).toBe('OSA4'); // a client behind the router: the DEFAULT route over OSA4
    expect(fw.routeFor(0x0a010102)?.ifName).toBe('OSA4');
    calls.length = 0;
    fw.interfaceState(3 * MS, 'OSA1', false); // said again: nothing more to do
    expect(calls).toEqual([]);

    fw.interfaceState(4 * MS, 'OSA1', true);
    expect(calls).toEqual(['deregister OSA4 10.1.1.1', 'register OSA1 10.1.1.1', 'deregister OSA4 10.1.1.10', 'register OSA1 10.1.1.10']);
    expect(fw.routeFor(0xc6336401)?.ifName).toBe('OSA1');
  });

  it('registers what the stack takes while an interface is down on the stand-in, and leaves nothing stale', () => {
    const { fw, calls } = stack(profileOf('SYS1-two-osas'));
    fw.interfaceState(3 * MS, 'OSA1', false);
    calls.length = 0;
    // The DVIPA leaves this stack while OSA1 is down: it goes from OSA4, where it was, and not back to OSA1 later.
    expect(fw.operator(3 * MS, 'V TCPIP,SYS1,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.10')).toMatch(/DEACTIVATE/);
    expect(calls).toContain('deregister OSA4 10.1.1.10');
    calls.length = 0;
    fw.interfaceState(4 * MS, 'OSA1', true);
    expect(calls).toEqual(['deregister OSA4 10.1.1.1', 'register OSA1 10.1.1.1']);
  });

  it('with a single interface, deregisters its addresses while it is down and registers them again after', () => {
    const { fw, calls } = stack(profileOf('SYS1'));
    calls.length = 0;
    fw.interfaceState(3 * MS, 'OSA1', false);
    expect(calls).toEqual(['deregister OSA1 10.1.1.1', 'deregister OSA1 10.1.1.10']);
    expect(fw.routeFor(0xc6336401)).toBeNull();
    calls.length = 0;
    fw.interfaceState(4 * MS, 'OSA1', true);
    expect(calls).toEqual(['register OSA1 10.1.1.1', 'register OSA1 10.1.1.10']);
  });
});

describe('SYSPLEXMONITOR MONINTERFACE', () => {
  const S = 1000 * MS;
  // TIMERSECS 10 in this profile; the WLM poll (SYSPLEXWLMPOLL, default 60 s) is the other far-off timer.
  const monitorTimer = (timers: Map<number, number>) => [...timers].find(([, at]) => at >= 10 * S && at < 60 * S);

  it('leaves the group when no monitored interface has worked for TIMERSECS, and rejoins when one is back', () => {
    const { fw, calls, timers } = stack(profileOf('SYS1-monitor'), ['SYS2']);
    expect(fw.profile.globalConfig.sysplexMonitor).toMatchObject({ recovery: true, monInterface: true, autoRejoin: true, timerSecs: 10 });
    expect(fw.profile.interfaces.map((i) => i.monSysplex)).toEqual([true]);
    fw.interfaceState(3 * MS, 'OSA1', false);
    const armed = monitorTimer(timers);
    expect(armed?.[1]).toBe(3 * MS + 10 * S);
    calls.length = 0;
    timers.delete(armed![0]);
    fw.timer(armed![1], armed![0]);
    expect(fw.sysplex.inGroup).toBe(false);
    expect(calls).toContain('xcf leave');
    calls.length = 0;
    fw.interfaceState(armed![1] + MS, 'OSA1', true);
    expect(fw.sysplex.inGroup).toBe(true);
    expect(calls).toContain('xcf join');
  });

  it('stands down when an interface comes back within TIMERSECS, and never leaves when alone in the group', () => {
    const back = stack(profileOf('SYS1-monitor'), ['SYS2']);
    back.fw.interfaceState(3 * MS, 'OSA1', false);
    const armed = monitorTimer(back.timers)!;
    back.fw.interfaceState(5 * MS, 'OSA1', true);
    expect(back.timers.has(armed[0])).toBe(false); // cancelled
    back.fw.timer(armed[1], armed[0]); // a late firing changes nothing
    expect(back.fw.sysplex.inGroup).toBe(true);

    const alone = stack(profileOf('SYS1-monitor'));
    alone.fw.interfaceState(3 * MS, 'OSA1', false);
    const t = monitorTimer(alone.timers)!;
    alone.fw.timer(t[1], t[0]);
    expect(alone.fw.sysplex.inGroup).toBe(true);
  });

  it('only reports the problem with NORECOVERY, and does nothing without MONINTERFACE', () => {
    for (const profile of [
      profileOf('SYS1-monitor').replace('SYSPLEXMONITOR RECOVERY', 'SYSPLEXMONITOR NORECOVERY'),
      profileOf('SYS1-monitor').replace(' MONINTERFACE ', ' NOMONINTERFACE '),
    ]) {
      const { fw, timers } = stack(profile, ['SYS2']);
      fw.interfaceState(3 * MS, 'OSA1', false);
      const t = monitorTimer(timers);
      if (t !== undefined) fw.timer(t[1], t[0]);
      expect(fw.sysplex.inGroup).toBe(true);
    }
  });
});
