// VIPAROUTE: a distributor forwards to the target a VIPAROUTE names in GRE over the IP network; the target
// takes the datagram out and serves it. Others stay on their dynamic XCF interface.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greDecapsulate, greEncapsulate, IP_PROTOCOL_GRE, vipaRouteTarget } from '../../src/firmware/sysplex/vipa-route.js';
import { buildIpv4, internetChecksum } from '../../src/net/index.js';
import { openCapture } from '../../src/capture/index.js';
import { captureInstruments } from '../../src/capture/capture-points.js';
import type { TraceSink } from '../../src/kernel/trace.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/index.js';
import { readAll } from '../capture/read-all.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'viparoute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const AT = { file: 'p', line: 1, col: 1 };

describe('GRE as VIPAROUTE uses it', () => {
  it('encapsulates in IPv4 protocol 47 with a sound header, and takes the same datagram out', () => {
    const inner = buildIpv4({ src: 0xc6336401, dst: 0x0a01010a, protocol: 6 }, new Uint8Array(40));
    const gre = greEncapsulate(0x0a090901, 0x0a010103, inner);
    expect(gre[9]).toBe(IP_PROTOCOL_GRE);
    expect(u32(gre, 12)).toBe(0x0a090901);
    expect(u32(gre, 16)).toBe(0x0a010103);
    expect(internetChecksum(gre, 0, 20)).toBe(0);
    expect([...gre.subarray(20, 24)]).toEqual([0, 0, 0x08, 0x00]);
    expect(greDecapsulate(gre)).toEqual(inner);
    const keyed = gre.slice();
    keyed[20] = 0x20; // K bit: not the plain form the distributor sends
    expect(greDecapsulate(keyed)).toBeNull();
  });

  it("picks the target's own VIPAROUTE before DEFAULT, and none without either", () => {
    const routes = [{ xcfIp: null, targetIp: 0x0a0101fe, at: AT }, { xcfIp: 0x0a090903, targetIp: 0x0a010103, at: AT }];
    expect(vipaRouteTarget(routes, 0x0a090903)).toBe(0x0a010103);
    expect(vipaRouteTarget(routes, 0x0a090902)).toBe(0x0a0101fe);
    expect(vipaRouteTarget(routes.slice(1), 0x0a090902)).toBe(0);
  });
});

describe('a distributor with a VIPAROUTE for SYS3', () => {
  it('forwards to SYS3 in GRE over the LAN, to SYS2 over HiperSockets, and every connection completes', async () => {
    const s = loadScenario(`${ROOT}fixtures/scenarios/viparoute.yaml`);
    if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('\n'));
    const via = new Map<string, number>();
    const sink: TraceSink = {
      record(_t, component, _seq, kind, fields) {
        if (kind !== 'conn.forward' || component !== 'SYS1') return;
        const key = `${fields!.to as string}:${(fields!.via as string | undefined) ?? 'xcf'}`;
        via.set(key, (via.get(key) ?? 0) + 1);
      },
    };
    const osa3 = join(dir, 'osa3.pcapng');
    const report = await runScenario(s.value, { sinks: [sink], instruments: captureInstruments([{ point: 'OSA3', file: osa3 }]) });
    expect(report.clients.completed).toBe(300);
    expect([...via.keys()].sort()).toEqual(['SYS2:iqd', 'SYS3:viparoute']);
    const toSys3 = via.get('SYS3:viparoute')!;
    expect(toSys3).toBe(400);
    // On SYS3's OSA: the GRE packets from SYS1's dynamic XCF address to 10.1.1.3, the client's datagram inside.
    const gre = readAll(openCapture(osa3)).filter((f) => f.isIpv4 && f.l3()[9] === IP_PROTOCOL_GRE);
    expect(gre.length).toBe(toSys3);
    for (const f of gre) {
      const l3 = f.l3();
      expect(u32(l3, 12)).toBe(0x0a090901);
      expect(u32(l3, 16)).toBe(0x0a010103);
      expect(u32(greDecapsulate(l3)!, 16)).toBe(0x0a01010a);
    }
  }, 120_000);
});
