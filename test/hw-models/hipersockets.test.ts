// HiperSockets: the IQD CHPID model (MTU from the frame size, serial copies per sender) and the distributor's
// forwarding over it: same-CPC targets over the IQD, other CPCs over XCF signalling.
import { describe, expect, it } from 'vitest';
import { IqdChpid } from '../../hw-models/hipersockets/iqd.js';
import { IQD, iqdCopyPs, iqdMtu } from '../../hw-models/hipersockets/datasheet.js';
import type { IqdReadMsg } from '../../hw-models/messages.js';
import { Component, type Port, Simulation } from '../../src/kernel/index.js';
import type { TraceSink } from '../../src/kernel/trace.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runScenario } from '../../src/run/run-scenario.js';

const ROOT = new URL('../../', import.meta.url).pathname;

class Host extends Component {
  readonly got: { t: number; msg: IqdReadMsg }[] = [];
  override onMessage(_port: Port, message: unknown): void {
    this.got.push({ t: this.now, msg: message as IqdReadMsg });
  }
}

describe('IQD CHPID', () => {
  it('takes its MTU from the maximum frame size (IBM: 16/24/40/64 KB -> 8/16/32/56 KB)', () => {
    expect([16, 24, 40, 64].map(iqdMtu)).toEqual([8192, 16384, 32768, 57344]);
    expect(new IqdChpid('X', 'F4', 40).mtu).toBe(32768);
  });

  it('delivers after the copy, one write of a sender after the other, and rejects frames over the MTU', () => {
    const sim = new Simulation();
    const iqd = sim.add(new IqdChpid('CPC1.IQDF4', 'F4', 16));
    const a = sim.add(new Host('SYS1'));
    const b = sim.add(new Host('SYS2'));
    sim.connect(a.port('iqd'), iqd.attachLpar('SYS1'), IQD.signalPs, 0, 'a');
    sim.connect(b.port('iqd'), iqd.attachLpar('SYS2'), IQD.signalPs, 0, 'b');
    sim.seal();
    sim.start();
    const big = new Uint8Array(8000);
    a.port('iqd').send({ kind: 'iqd-write', to: 'SYS2', bytes: big }, big.length);
    a.port('iqd').send({ kind: 'iqd-write', to: 'SYS2', bytes: big }, big.length);
    a.port('iqd').send({ kind: 'iqd-write', to: 'SYS2', bytes: new Uint8Array(9000) }, 9000);
    a.port('iqd').send({ kind: 'iqd-write', to: 'SYS9', bytes: big }, big.length);
    sim.runUntil(Infinity);
    const copy = iqdCopyPs(8000);
    expect(b.got.map((g) => g.t)).toEqual([2 * IQD.signalPs + copy, 2 * IQD.signalPs + 2 * copy]);
    expect(b.got[0]!.msg.from).toBe('SYS1');
    expect(iqd.stats).toEqual({ frames: 2, bytes: 16000, tooBig: 1, noTarget: 1 });
  });
});

describe('the distributor forwards over the dynamic XCF interface of each target', () => {
  it('to SYS2 on its own CPC over HiperSockets, to SYS3 on another CPC over XCF signalling', async () => {
    const s = loadScenario(`${ROOT}fixtures/scenarios/hipersockets.yaml`);
    if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('\n'));
    const forwards = new Map<string, number>();
    const sink: TraceSink = {
      record(_t, component, _seq, kind, fields) {
        if (kind !== 'conn.forward' || component !== 'SYS1') return;
        const key = `${fields!.to as string}:${(fields!.via as string | undefined) ?? 'xcf'}`;
        forwards.set(key, (forwards.get(key) ?? 0) + 1);
      },
    };
    let hw: { iqd: string[]; frames: number; sys2Xcf: number; sys3Xcf: number } | null = null;
    const report = await runScenario(s.value, {
      sinks: [sink],
      instruments: [{
        finish(p) {
          const iqds = p.sysplex.iqds;
          hw = {
            iqd: iqds.map((i) => i.name),
            frames: iqds[0]?.stats.frames ?? 0,
            sys2Xcf: p.sysplex.lpar('SYS2')!.summary().xcf.received,
            sys3Xcf: p.sysplex.lpar('SYS3')!.summary().xcf.received,
          };
        },
      }],
    });
    expect(report.clients.completed).toBe(300);
    // Round robin over three targets: a third of the connections stay on SYS1, the others are forwarded.
    const toSys2 = forwards.get('SYS2:iqd') ?? 0;
    expect(toSys2).toBeGreaterThan(300);
    expect(forwards.get('SYS3:xcf')).toBeGreaterThan(300);
    expect(forwards.get('SYS2:xcf')).toBeUndefined();
    expect(forwards.get('SYS3:iqd')).toBeUndefined();
    // The hardware agrees: the IQD carried exactly SYS1's forwards to SYS2; SYS3 got its forwards over XCF,
    // SYS2 only control messages.
    expect(hw!.iqd).toEqual(['CPC1.IQDF4']);
    expect(hw!.frames).toBe(toSys2);
    expect(hw!.sys3Xcf).toBeGreaterThan(hw!.sys2Xcf + 300);
  }, 120_000);
});
