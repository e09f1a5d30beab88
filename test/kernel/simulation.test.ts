import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Component, JsonlTraceWriter, NS, Port, Simulation, SimulationError, formatTime } from '../../src/kernel/index.js';
import { Bouncer } from './toy-models.js';

class Sink extends Component {
  arrivals: { t: number; m: unknown }[] = [];
  override onMessage(_p: Port, m: unknown): void {
    this.arrivals.push({ t: this.now, m });
  }
}
class Source extends Component {
  override onMessage(): void {}
}

describe('links', () => {
  /** A source and a sink joined at 10 Gb/s (800 ps per byte) with 1 us latency, started. */
  function pair(): { sim: Simulation; a: Source; b: Sink } {
    const sim = new Simulation(1);
    const a = sim.add(new Source('a'));
    const b = sim.add(new Sink('b'));
    sim.connect(a.port('out'), b.port('in'), 1_000 * NS, 10e9);
    sim.seal();
    sim.start();
    return { sim, a, b };
  }

  it('deliver after serialisation delay plus latency, queueing back to back', () => {
    const { sim, a, b } = pair();
    a.port('out').send('m1', 1500); // 1.2 us on the wire
    a.port('out').send('m2', 100); // waits for m1: starts at 1.2 us, 80 ns on the wire
    sim.runUntil(Infinity);
    expect(b.arrivals).toEqual([
      { t: 1500 * 800 + 1_000_000, m: 'm1' },
      { t: 1500 * 800 + 100 * 800 + 1_000_000, m: 'm2' },
    ]);
  });

  it('keep every tap added to a port, in the order added, each seeing the time the first bit leaves', () => {
    const { a } = pair();
    const seen: string[] = [];
    a.port('out').addTap((m, bytes, t) => seen.push(`first ${String(m)} ${bytes} ${t}`));
    a.port('out').addTap((m, bytes, t) => seen.push(`second ${String(m)} ${bytes} ${t}`));
    a.port('out').send('m1', 1500);
    a.port('out').send('m2', 100);
    expect(seen).toEqual(['first m1 1500 0', 'second m1 1500 0', 'first m2 100 1200000', 'second m2 100 1200000']);
  });

  it('drop and count messages while down, carry them again once up', () => {
    const sim = new Simulation(1);
    const a = sim.add(new Source('a'));
    const b = sim.add(new Sink('b'));
    const link = sim.connect(a.port('out'), b.port('in'), 5, 0);
    sim.start();
    link.up = false;
    expect(a.port('out').send('lost', 10)).toBe(false);
    link.up = true;
    expect(a.port('out').send('kept', 10)).toBe(true);
    sim.runUntil(Infinity);
    expect(a.port('out').dropped).toBe(1);
    expect(b.arrivals.map((x) => x.m)).toEqual(['kept']);
    expect(b.arrivals[0]!.t).toBe(5);
  });

  it('refuse a zero latency (a message must never arrive at the instant it left)', () => {
    const sim = new Simulation(1);
    const a = sim.add(new Source('a'));
    const b = sim.add(new Sink('b'));
    expect(() => sim.connect(a.port('x'), b.port('y'), 0, 0)).toThrow(/latency/);
  });

  it('report the smallest latency as lookahead', () => {
    const sim = new Simulation(1);
    const a = sim.add(new Source('a'));
    const b = sim.add(new Sink('b'));
    sim.connect(a.port('x'), b.port('x'), 700, 0);
    sim.connect(a.port('y'), b.port('y'), 300, 0);
    expect(sim.minLatency()).toBe(300);
    expect(sim.minLatency((l) => l.latencyPs > 500)).toBe(700);
  });
});

function ring(seed: number, trace?: string): { sim: Simulation; nodes: Bouncer[] } {
  const sim = new Simulation(seed);
  const nodes = ['n3', 'n1', 'n4', 'n2'].map((n) => sim.add(new Bouncer(n, 50 * NS, true)));
  for (let i = 0; i < nodes.length; i++) {
    const a = nodes[i]!;
    const b = nodes[(i + 1) % nodes.length]!;
    sim.connect(a.port(`to-${b.name}`), b.port(`from-${a.name}`), 100 * NS, 1e9);
  }
  sim.seal();
  if (trace) sim.traceSink = new JsonlTraceWriter(trace);
  sim.start();
  // Several packets at once, so simultaneous deliveries happen.
  for (const n of nodes) n.ports[0]!.send({ hops: 200, bytes: 64 }, 64);
  return { sim, nodes };
}

describe('runs', () => {
  it('give byte-identical traces for the same seed, different ones for another seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernel-'));
    const files = [1, 1, 2].map((seed, i) => {
      const f = join(dir, `t${i}.jsonl`);
      const { sim } = ring(seed, f);
      sim.runUntil(Infinity);
      (sim.traceSink as JsonlTraceWriter).close();
      return readFileSync(f, 'utf8');
    });
    expect(files[0]!.length).toBeGreaterThan(1000);
    expect(files[0]).toBe(files[1]);
    expect(files[0]).not.toBe(files[2]);
    // Records are ordered by (t, c) and carry the contract's fixed keys first.
    const recs = files[0]!.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(recs[0]).slice(0, 3)).toEqual(['t', 'c', 'k']);
    for (let i = 1; i < recs.length; i++) {
      const [p, q] = [recs[i - 1], recs[i]];
      expect(p.t < q.t || (p.t === q.t && p.c <= q.c)).toBe(true);
    }
    expect(existsSync(join(dir, 't0.jsonl.partial'))).toBe(false);
  });

  it('runUntil stops at the limit with virtual time set to it, and resumes', () => {
    const { sim } = ring(5);
    expect(sim.runUntil(1_000 * NS)).toBe('until');
    expect(sim.now).toBe(1_000 * NS);
    const events = sim.events;
    expect(events).toBeGreaterThan(0);
    expect(sim.nextEventTime()).toBeGreaterThan(1_000 * NS);
    expect(sim.runUntil(Infinity)).toBe('idle');
    expect(sim.events).toBeGreaterThan(events);
  });

  it('steps one event at a time in the same order as a free run', () => {
    const free = ring(9);
    const order1: string[] = [];
    free.sim.observer = (t, dst) => order1.push(`${t}:${dst.name}`);
    free.sim.runUntil(Infinity);
    const stepped = ring(9);
    const order2: string[] = [];
    stepped.sim.observer = (t, dst) => order2.push(`${t}:${dst.name}`);
    while (stepped.sim.step()) {
      /* one at a time */
    }
    expect(order2).toEqual(order1);
  });

  it('keeps every observer and trace sink added, the earlier first', () => {
    const { sim } = ring(3);
    const seen: string[] = [];
    sim.observer = (t, dst) => seen.push(`set ${t}:${dst.name}`);
    sim.addObserver((t, dst) => seen.push(`added ${t}:${dst.name}`));
    sim.runUntil(Infinity);
    expect(seen.length).toBe(2 * sim.events);
    for (let i = 0; i < seen.length; i += 2) expect(seen[i + 1]!.replace('added', 'set')).toBe(seen[i]);
    const records: string[] = [];
    const s2 = new Simulation(1);
    const c = s2.add(new Source('c'));
    s2.addTraceSink({ record: (t, comp, _seq, kind) => records.push(`one ${t} ${comp} ${kind}`) });
    s2.addTraceSink({ record: (t, comp, _seq, kind) => records.push(`two ${t} ${comp} ${kind}`) });
    s2.seal();
    s2.start();
    c.trace('x.y', { k: 1 });
    expect(records).toEqual(['one 0 c x.y', 'two 0 c x.y']);
  });

  it('pauses with virtual time frozen, and goes on where it stopped', () => {
    const { sim, nodes } = ring(3);
    let seen = 0;
    sim.observer = () => {
      if (++seen === 10) sim.pause();
    };
    expect(sim.runUntil(Infinity)).toBe('paused');
    const t = sim.now;
    const rx = nodes.reduce((s, n) => s + n.received, 0);
    expect(sim.events).toBe(10);
    expect(rx).toBeGreaterThan(0);
    expect(sim.now).toBe(t); // nothing moves while paused
    sim.observer = null;
    expect(sim.runUntil(Infinity)).toBe('idle');
    expect(sim.now).toBeGreaterThan(t);
  });

  it('assigns ids in name order, whatever the order components were added', () => {
    const { nodes } = ring(1);
    expect([...nodes].sort((a, b) => a.id - b.id).map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('names the component and virtual time when a model fails', () => {
    class Bad extends Component {
      override onMessage(): void {
        throw new Error('queue corrupted');
      }
    }
    const sim = new Simulation(1);
    const a = sim.add(new Source('a'));
    const b = sim.add(new Bad('OSA9'));
    sim.connect(a.port('o'), b.port('i'), 2_500_000, 0);
    sim.start();
    a.port('o').send('x', 1);
    try {
      sim.runUntil(Infinity);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SimulationError);
      const err = e as SimulationError;
      expect(err.component).toBe('OSA9');
      expect(err.timePs).toBe(2_500_000);
      expect(err.message).toContain('2.5 us');
    }
  });

  it('delivers control events (faults) before messages of the same instant', () => {
    const sim = new Simulation(1);
    const log: string[] = [];
    class Lpar extends Component {
      override onMessage(_p: Port, m: unknown): void {
        log.push(`msg ${m}`);
      }
      override onControl(c: unknown): void {
        log.push(`ctl ${c}`);
      }
    }
    const a = sim.add(new Source('a'));
    const b = sim.add(new Lpar('b'));
    sim.connect(a.port('o'), b.port('i'), 10, 0);
    sim.start();
    a.port('o').send('hello', 0);
    sim.postControl(10, b, 0, 'lpar-down');
    sim.runUntil(Infinity);
    expect(log).toEqual(['ctl lpar-down', 'msg hello']);
  });
});

describe('formatTime', () => {
  it('uses the largest unit', () => {
    expect(formatTime(12_345_678_000)).toBe('12.345678 ms');
    expect(formatTime(2_000_000_000_000)).toBe('2 s');
    expect(formatTime(999)).toBe('999 ps');
  });
});
