// Golden traces: byte-for-byte comparison, the first differing event named by time, component and kind.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGolden, describeEvent, divergenceMessage, firstDivergence, goldenKeyPos } from '../../src/suite/golden.js';

const enc = new TextEncoder();
const ev = (t: number, c: string, k: string, more = '') => `{"t":${t},"c":"${c}","k":"${k}"${more}}`;
const lines = (...l: string[]) => enc.encode(l.map((x) => `${x}\n`).join(''));

describe('firstDivergence', () => {
  const a = [ev(0, 'SYS1', 'lpar.up'), ev(1_000_000, 'OSA1', 'osa.register'), ev(2_058_000, 'SYS1', 'xcf.join')];

  it('is null for identical traces', () => {
    expect(firstDivergence(lines(...a), lines(...a))).toBeNull();
  });

  it('names the first differing line, even when the difference is deep inside it', () => {
    const b = [...a];
    b[1] = ev(1_000_000, 'OSA1', 'osa.register', ',"ip":"10.1.1.2"');
    const d = firstDivergence(lines(...b), lines(...a))!;
    expect(d.line).toBe(2);
    expect(d.expected).toBe(a[1]);
    expect(d.actual).toBe(b[1]);
  });

  it('finds a difference on the first line and past large equal prefixes', () => {
    expect(firstDivergence(lines(ev(1, 'A', 'x')), lines(ev(2, 'A', 'x')))!.line).toBe(1);
    const many = Array.from({ length: 5000 }, (_, i) => ev(i * 1000, 'SYS1', 'osa.rx'));
    const changed = [...many];
    changed[4321] = ev(4321 * 1000, 'SYS2', 'osa.rx');
    expect(firstDivergence(lines(...changed), lines(...many))!.line).toBe(4322);
  });

  it('reports a trace that ends early or goes on', () => {
    const short = firstDivergence(lines(...a.slice(0, 2)), lines(...a))!;
    expect(short).toEqual({ line: 3, expected: a[2], actual: null });
    const long = firstDivergence(lines(...a), lines(...a.slice(0, 1)))!;
    expect(long).toEqual({ line: 2, expected: null, actual: a[1] });
  });
});

describe('messages', () => {
  it('describe an event by virtual time, component and kind', () => {
    expect(describeEvent(ev(1_500_000_000, 'SYS1', 'osa.rx'))).toBe('1.5 ms (1500000000 ps) SYS1 osa.rx');
    expect(describeEvent('not json')).toBe('"not json"');
  });

  it('say which event differs first and where', () => {
    const m = divergenceMessage({ line: 7, expected: ev(2_000_000, 'SYS2', 'vcrt.insert'), actual: ev(2_000_001, 'SYS2', 'vcrt.insert') }, 'g.jsonl');
    expect(m).toBe('golden trace g.jsonl differs at line 7: expected 2 us (2000000 ps) SYS2 vcrt.insert, got 2.000001 us (2000001 ps) SYS2 vcrt.insert');
    expect(divergenceMessage({ line: 3, expected: ev(5, 'A', 'k'), actual: null }, 'g')).toContain("the run's trace ends there; the golden goes on with 5 ps (5 ps) A k");
  });

  it('find the golden: key of a scenario for FILE:LINE:COL', () => {
    expect(goldenKeyPos('name: x\ntopology: t.yaml\ngolden: golden/x.trace.jsonl\n')).toEqual({ line: 3, col: 9 });
    expect(goldenKeyPos('name: x\n')).toBeNull();
  });
});

describe('checkGolden', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  const trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, lines(ev(0, 'SYS1', 'lpar.up')));

  it('reports a missing golden, and writes it only when asked', () => {
    const golden = join(dir, 'sub', 'g.trace.jsonl');
    expect(checkGolden(trace, golden, false)).toEqual({ kind: 'missing' });
    expect(checkGolden(trace, golden, true)).toEqual({ kind: 'updated' });
    expect(readFileSync(golden)).toEqual(readFileSync(trace));
    expect(checkGolden(trace, golden, false)).toEqual({ kind: 'match' });
    // Already equal: --update-golden leaves it alone.
    expect(checkGolden(trace, golden, true)).toEqual({ kind: 'match' });
  });

  it('reports a difference, and rewrites the golden with --update-golden', () => {
    const golden = join(dir, 'g2.trace.jsonl');
    writeFileSync(golden, lines(ev(0, 'SYS2', 'lpar.up')));
    const r = checkGolden(trace, golden, false);
    expect(r.kind).toBe('differs');
    expect(readFileSync(golden, 'utf8')).toContain('SYS2');
    expect(checkGolden(trace, golden, true).kind).toBe('updated');
    expect(readFileSync(golden, 'utf8')).toContain('SYS1');
  });
});
