// The timeline's parts on their own: coalescing per instant, the VCD text, the bounded series store, the mean
// bytes in flight, exact microsecond text, and the structural checks the run tests rely on.
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeriesStore } from '../../src/viz/html/series.js';
import { psToUs } from '../../src/viz/time-format.js';
import { Timeline, type RunMeta, type SignalDef, type SignalValues, type TimelineConsumer } from '../../src/viz/timeline.js';
import { VcdWriter, vcdId } from '../../src/viz/vcd.js';
import { FlightCounter } from '../../src/viz/xcf-flight.js';
import { timelineInstruments } from '../../src/viz/index.js';
import { RequestError } from '../../src/errors.js';
import { parseVcd } from './vcd-parse.js';
import { perfettoProblems } from './perfetto-check.js';

const META: RunMeta = { scenario: 'unit', seed: 1, untilPs: 100, sampleIntervalPs: 10, processes: [{ name: 'SYS1', kind: 'lpar' }], cps: new Map() };
const SIGNALS: SignalDef[] = [
  { scope: ['SYS1'], name: 'up', type: 'bit', process: 0 },
  { scope: ['SYS1'], name: 'run_queue', type: 'int', process: 0 },
  { scope: ['SYS1'], name: 'cpu_busy_pct', type: 'real', process: 0 },
  { scope: ['distributor', 'dvipa_10_1_1_10'], name: 'owner', type: 'string', process: 0 },
];

describe('Timeline', () => {
  it('hands on every signal at the first instant, then only real changes, one per signal per instant', () => {
    const got: [number, number[], string[]][] = [];
    const consumer: TimelineConsumer = {
      open() {},
      changes(t: number, changed: readonly number[], v: SignalValues) {
        got.push([t, [...changed], changed.map((i) => (SIGNALS[i]!.type === 'string' ? v.text[i]! : String(v.num[i])))]);
      },
      finish() {},
      abandon() {},
    };
    const tl = new Timeline(SIGNALS, [consumer]);
    tl.open(META);
    tl.set(0, 0, 1);
    tl.set(5, 1, 3); // a glitch at 5: 3 then back to 0
    tl.set(5, 1, 0);
    tl.setText(5, 3, 'SYS1');
    tl.set(7, 2, 12.5);
    tl.set(7, 2, 13);
    tl.set(9, 1, 0); // no change
    tl.finish(10, {} as never);
    expect(got).toEqual([
      [0, [0, 1, 2, 3], ['1', '0', '0', '']],
      [5, [3], ['SYS1']],
      [7, [2], ['13']],
    ]);
  });
});

describe('VCD writer', () => {
  it('declares scopes and types, dumps every value at #0, then changes; GTKWave-readable identifiers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcd-unit-'));
    const file = join(dir, 'u.vcd');
    const w = new VcdWriter(file);
    const tl = new Timeline(SIGNALS, [w]);
    tl.open(META);
    tl.set(0, 0, 1);
    tl.set(3, 1, 5);
    tl.setText(3, 3, 'SYS 2');
    tl.set(4, 2, 0.25);
    tl.finish(10, {} as never);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('$timescale 1 ps $end');
    expect(text).toContain('$var string 1 $ owner $end');
    const vcd = parseVcd(text);
    expect(vcd.vars.map((v) => `${v.type} ${v.path}`)).toEqual(['wire sysplex.SYS1.up', 'integer sysplex.SYS1.run_queue', 'real sysplex.SYS1.cpu_busy_pct', 'string sysplex.distributor.dvipa_10_1_1_10.owner']);
    expect(vcd.history('sysplex.SYS1.run_queue')).toEqual([{ t: 0, value: 'b0' }, { t: 3, value: 'b101' }]);
    expect(vcd.history('sysplex.SYS1.up')).toEqual([{ t: 0, value: '1' }]);
    expect(vcd.history('sysplex.distributor.dvipa_10_1_1_10.owner')).toEqual([{ t: 0, value: 's-' }, { t: 3, value: 'sSYS_2' }]);
    expect(vcd.history('sysplex.SYS1.cpu_busy_pct')).toEqual([{ t: 0, value: 'r0' }, { t: 4, value: 'r0.25' }]);
    expect(text.trimEnd().endsWith('#10')).toBe(true);
  });

  it('gives distinct printable identifiers', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20000; i++) {
      const id = vcdId(i);
      expect(/^[!-~]+$/.test(id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(20000);
  });

  it('leaves nothing behind when abandoned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcd-unit-'));
    const w = new VcdWriter(join(dir, 'gone.vcd'));
    w.open(SIGNALS, META);
    w.abandon();
    expect(() => readFileSync(join(dir, 'gone.vcd'))).toThrow();
    expect(() => readFileSync(join(dir, 'gone.vcd.partial'))).toThrow();
  });
});

describe('SeriesStore', () => {
  it('keeps at most maxPoints buckets, and means and maxima match the raw samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 300 }), fc.constantFrom(2, 4, 8, 16), (raw, max) => {
        const s = new SeriesStore(['mean', 'max'], max);
        raw.forEach((v, i) => s.push(i * 10, [v, v]));
        expect(s.length).toBeLessThanOrEqual(max);
        const per = s.ticksPerPoint;
        const means = s.values(0);
        const maxima = s.values(1);
        for (let b = 0; b < s.length; b++) {
          const chunk = raw.slice(b * per, (b + 1) * per);
          expect(s.times[b]).toBe(b * per * 10);
          expect(means[b]).toBeCloseTo(chunk.reduce((a, x) => a + x, 0) / chunk.length, 9);
          expect(maxima[b]).toBe(Math.max(...chunk));
        }
        expect(s.length).toBe(Math.ceil(raw.length / per));
      }),
    );
  });
});

describe('FlightCounter', () => {
  it('gives the exact mean of bytes in flight over each interval', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 50 }), bytes: fc.integer({ min: 1, max: 100 }) }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 200 }),
        (msgs, ppb, latency) => {
          const f = new FlightCounter(ppb, latency);
          const spans: [number, number, number][] = [];
          let now = 0;
          let txFree = 0;
          const ticks = [100, 250, 400, 2000, 5000];
          let tick = 0;
          const means: number[] = [];
          for (const m of msgs) {
            now += m.gap;
            while (tick < ticks.length && ticks[tick]! <= now) means.push(f.meanSince(ticks[tick++]!));
            const start = Math.max(now, txFree);
            txFree = start + m.bytes * ppb;
            f.sent(m.bytes, now, start);
            spans.push([now, txFree + latency, m.bytes]);
          }
          while (tick < ticks.length) means.push(f.meanSince(ticks[tick++]!));
          let from = 0;
          ticks.forEach((t, i) => {
            let area = 0;
            for (const [a, b, n] of spans) area += n * Math.max(0, Math.min(b, t) - Math.max(a, from));
            expect(means[i]).toBeCloseTo(area / (t - from), 9);
            from = t;
          });
        },
      ),
    );
  });
});

describe('psToUs', () => {
  it('writes picoseconds as exact microseconds', () => {
    expect(psToUs(0)).toBe('0');
    expect(psToUs(1)).toBe('0.000001');
    expect(psToUs(5_000_000)).toBe('5');
    expect(psToUs(11_981_266_319)).toBe('11981.266319');
    expect(psToUs(3_000_000_000_000)).toBe('3000000');
    expect(psToUs(1_234_500_000)).toBe('1234.5');
  });
});

describe('perfettoProblems', () => {
  const named = [
    { ph: 'M', name: 'process_name', pid: 1, tid: 0, args: { name: 'SYS1' } },
    { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: 'CP0' } },
  ];
  it('accepts a sound trace', () => {
    expect(perfettoProblems({ traceEvents: [...named, { ph: 'B', name: 'c', pid: 1, tid: 1, ts: 1 }, { ph: 'E', pid: 1, tid: 1, ts: 2 }, { ph: 'C', name: 'q', pid: 1, ts: 1, args: { value: 3 } }] })).toEqual([]);
  });
  it('finds a B without its E, an E without a B, time going back, overlapping X, unnamed threads', () => {
    const check = (evs: object[]) => perfettoProblems({ traceEvents: [...named, ...evs] }).join('\n');
    expect(check([{ ph: 'B', name: 'c', pid: 1, tid: 1, ts: 1 }])).toMatch(/never ended/);
    expect(check([{ ph: 'E', pid: 1, tid: 1, ts: 1 }])).toMatch(/E without a B/);
    expect(check([{ ph: 'C', name: 'q', pid: 1, ts: 5, args: { value: 1 } }, { ph: 'C', name: 'q', pid: 1, ts: 4, args: { value: 1 } }])).toMatch(/goes back/);
    expect(check([{ ph: 'X', name: 'w', pid: 1, tid: 1, ts: 1, dur: 5 }, { ph: 'X', name: 'w', pid: 1, tid: 1, ts: 3, dur: 1 }])).toMatch(/overlaps/);
    expect(check([{ ph: 'X', name: 'w', pid: 1, tid: 9, ts: 1, dur: 5 }])).toMatch(/no thread_name/);
    expect(check([{ ph: 'C', name: 'q', pid: 2, ts: 1, args: { value: 1 } }])).toMatch(/no process_name/);
  });
});

describe('timelineInstruments', () => {
  it('costs nothing without files, and refuses the same file twice or a bad interval', () => {
    expect(timelineInstruments({})).toEqual([]);
    expect(timelineInstruments({ vcd: 'a.vcd' })).toHaveLength(1);
    expect(() => timelineInstruments({ vcd: 'x', html: './x' })).toThrow(RequestError);
    expect(() => timelineInstruments({ vcd: '' })).toThrow(RequestError);
    expect(() => timelineInstruments({ vcd: 'a.vcd', sampleIntervalPs: 0 })).toThrow(RequestError);
    expect(() => timelineInstruments({ vcd: 'a.vcd', sampleIntervalPs: 1.5 })).toThrow(RequestError);
  });
});

describe('OutFile numbers', () => {
  it('writes integers and picoseconds as exact microseconds straight into its buffer', async () => {
    const { OutFile, ascii } = await import('../../src/viz/out-file.js');
    const dir = mkdtempSync(join(tmpdir(), 'outfile-'));
    const file = join(dir, 'n.txt');
    const o = new OutFile(file, '--test');
    const sep = ascii(' ');
    for (const n of [0, 7, 10, 99, 1000, 123456789, 2 ** 53 - 1]) {
      o.int(n);
      o.bytes(sep);
    }
    for (const ps of [0, 1, 10, 100000, 1500000, 1234567, 5000000, 11981266319, 3_000_000_000_000]) {
      o.us(ps);
      o.bytes(sep);
    }
    o.write('é\n');
    o.close();
    expect(readFileSync(file, 'utf8')).toBe(
      `0 7 10 99 1000 123456789 ${2 ** 53 - 1} 0 0.000001 0.00001 0.1 1.5 1.234567 5 11981.266319 3000000 é\n`,
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (ps) => {
      const f = join(dir, 'p.txt');
      const w = new OutFile(f, '--test');
      w.us(ps);
      w.close();
      expect(readFileSync(f, 'utf8')).toBe(psToUs(ps));
    }), { numRuns: 200 });
  });
});
