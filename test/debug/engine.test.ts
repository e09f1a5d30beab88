// The debugger engine in-process: stops, steps, causes, frozen time, and that debugging does not change a run.

import { describe, expect, it } from 'vitest';
import type { TraceSink } from '../../src/kernel/index.js';
import { deterministicPart } from '../../src/run/report.js';
import { prepare, runPrepared } from '../../src/run/run-scenario.js';
import { loadRunFile } from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/types.js';
import { prepareDebug, type DebugEngine, type RunEnd, type Stop } from '../../src/debug/index.js';
import { complete, evaluateCommand } from '../../src/debug/commands.js';
import { scopeChildren } from '../../src/debug/inspect.js';

function load(path: string, until?: string): Scenario {
  const r = loadRunFile(path);
  if (!r.ok) throw new Error(r.errors.map(String).join('\n'));
  return until === undefined ? r.value : { ...r.value, untilPs: Number(until) };
}

/** Lets the engine move with `move` and resolves at its next stop or end. */
function after(engine: DebugEngine, move: () => void): Promise<Stop | RunEnd> {
  return new Promise((resolve) => {
    engine.setListener({ stopped: resolve, ended: resolve });
    move();
  });
}

async function stopAfter(engine: DebugEngine, move: () => void): Promise<Stop> {
  const r = await after(engine, move);
  if (!('reason' in r)) throw new Error(`the run ended instead: ${r.message}`);
  return r;
}

const DEMO = 'fixtures/topologies/demo.yaml';
const TAKEOVER = 'fixtures/scenarios/takeover.yaml';

describe('debug engine', () => {
  it('steps through exactly the records a plain run traces, in order, then runs to the same report', async () => {
    const scenario = load(DEMO);
    const seen: string[] = [];
    const recorder: TraceSink = { record: (t, c, _s, k) => seen.length < 400 && seen.push(`${t} ${c} ${k}`) };
    const plainPrepared = await prepare(scenario, { sinks: [recorder] });
    const plain = runPrepared(plainPrepared);

    const engine = await prepareDebug(scenario);
    const stepped: string[] = [];
    for (let i = 0; i < 400; i++) {
      const s = await stopAfter(engine, () => engine.stepIn());
      stepped.push(`${s.event!.t} ${s.event!.component} ${s.event!.kind}`);
      expect(s.reason).toBe('step');
      expect(s.lpar).toBe(engine.map.lparOf(s.event!.component, s.event!.fields));
      // Displays while stopped change nothing the run will do.
      if (i % 50 === 49) expect(engine.operator('D TCPIP,SYS1,NETSTAT,VCRT').ok).toBe(true);
    }
    expect(stepped).toEqual(seen);
    const end = await after(engine, () => engine.continue());
    expect('report' in end && end.report !== null).toBe(true);
    const report = (end as RunEnd).report!;
    expect(deterministicPart(report)).toEqual(deterministicPart(plain));
    expect(engine.state).toBe('ended');
    expect(() => engine.continue()).toThrow(/the run has ended/);
  });

  it('next stops on the thread asked for; time stands still while stopped', async () => {
    const engine = await prepareDebug(load(DEMO));
    const bp = engine.breakpoints.add({ name: 'vcrt.insert', condition: 'port == 80' });
    const first = await stopAfter(engine, () => engine.continue());
    expect(first).toMatchObject({ reason: 'function breakpoint', lpar: 'SYS1' });
    // A breakpoint hit ends a step first: remove it so that the steps below go where they are told.
    engine.breakpoints.remove(bp.id);
    const t = engine.now;
    const n = engine.events;
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.now).toBe(t);
    expect(engine.events).toBe(n);
    expect(evaluateCommand(engine, 'time ps', null).text).toBe(`${t} ps`);
    for (const lpar of ['SYS3', 'SYS2', 'SYS3']) {
      const s = await stopAfter(engine, () => engine.next(lpar));
      expect(s.lpar).toBe(lpar);
      expect(s.event!.lpar).toBe(lpar);
      expect(s.event!.t).toBeGreaterThanOrEqual(t);
    }
  });

  it('counts hits: a hit condition of %100 stops on every hundredth insert', async () => {
    const engine = await prepareDebug(load(DEMO));
    const bp = engine.breakpoints.add({ name: 'vcrt.insert', hitCondition: '%100' });
    const s1 = await stopAfter(engine, () => engine.continue());
    expect(bp.hits).toBe(100);
    const s2 = await stopAfter(engine, () => engine.continue());
    expect(bp.hits).toBe(200);
    expect(s2.event!.t).toBeGreaterThan(s1.event!.t);
    expect(s1.breakpointIds).toEqual([bp.id]);
  });

  it('catches osa.drop as an exception on the LPAR of the OSA, and links a takeover to the failure that caused it', async () => {
    const engine = await prepareDebug(load(TAKEOVER));
    engine.breakpoints.setExceptionFilters(['osa.drop'], 'reason == unregistered');
    engine.breakpoints.add({ name: 'dvipa.takeover' });
    const drop = await stopAfter(engine, () => engine.continue());
    expect(drop).toMatchObject({ reason: 'exception', lpar: 'SYS1', exception: { id: 'osa.drop' } });
    expect(drop.event!.component).toBe('OSA1');
    expect(drop.description).toBe('OSA1 dropped a frame (unregistered)');
    // SYS1 is down: its tables say so, and its displays answer that it is.
    expect(scopeChildren(engine, 'SYS1', 'VCRT').named()[0]!.value).toMatch(/SYS1 is down/);
    expect(engine.operator('D TCPIP,SYS1,NETSTAT,VCRT')).toEqual({ ok: false, text: 'SYS1 is down' });
    engine.breakpoints.setExceptionFilters([]);
    const takeover = await stopAfter(engine, () => engine.continue());
    expect(takeover).toMatchObject({ reason: 'function breakpoint', lpar: 'SYS2' });
    const frames = engine.frames('SYS2');
    expect(frames.map((f) => f.kind)).toEqual(['dvipa.takeover', 'xcf.leave']);
    expect(frames[1]!.fields).toMatchObject({ stack: 'SYS1', failed: true });
    const vipadyn = engine.operator('D TCPIP,SYS2,NETSTAT,VIPADYN');
    expect(vipadyn.ok).toBe(true);
    expect(vipadyn.text).toMatch(/10\.1\.1\.10\s+\S+\s+ACTIVE/);
  });

  it('completes operator commands', async () => {
    const engine = await prepareDebug(load(DEMO));
    await stopAfter(engine, () => {
      engine.breakpoints.add({ name: 'dvipa.activate' });
      engine.continue();
    });
    expect(complete(engine, 'ti')).toEqual(['time', 'time ps']);
    expect(complete(engine, 'V TCPIP,SYS3,SYSPLEX,DEA')).toEqual(['V TCPIP,SYS3,SYSPLEX,DEACTIVATE,DVIPA=10.1.1.10']);
    expect(complete(engine, '  d   tcpip,sys1,netstat,h')).toEqual(['D TCPIP,SYS1,NETSTAT,HOME']);
    expect(complete(engine, 'X')).toEqual([]);
  });
});
