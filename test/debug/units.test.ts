// The debugger's small parts: breakpoint matching, DAP framing, the component -> LPAR map.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Breakpoints, DapFrameGuard, LparMap, MAX_BODY } from '../../src/debug/index.js';
import { debugEvent } from '../../src/debug/events.js';
import { loadTopology } from '../../src/scenario/index.js';

const ev = (kind: string, fields: Record<string, unknown>, component = 'SYS1') => debugEvent(5, component, 0, kind, fields, 'SYS1', 1);

describe('breakpoints', () => {
  it('match kinds, families and conditions over the fields, t, c and lpar', () => {
    const b = new Breakpoints();
    const [a, w, c, bad] = b.setFunctionBreakpoints([
      { name: 'vcrt.insert', condition: 'port == 80' },
      { name: 'osa.*' },
      { name: 'tcp.open', condition: 'c == SYS2' },
      { name: 'vcrt insert' },
    ]);
    expect(bad!.verified).toBe(false);
    expect(b.match(ev('vcrt.insert', { port: 80 }))?.ids).toEqual([a!.id]);
    expect(b.match(ev('vcrt.insert', { port: 7 }))).toBeNull();
    expect(b.match(ev('osa.rx', {}, 'OSA1'))?.ids).toEqual([w!.id]);
    expect(b.match(ev('tcp.open', {}, 'SYS2'))?.ids).toEqual([c!.id]);
    expect(b.match(ev('tcp.open', {}, 'SYS3'))).toBeNull();
    expect(a!.hits).toBe(1);
    expect(b.remove(w!.id)).toBe(true);
    expect(b.remove(w!.id)).toBe(false);
    expect(b.match(ev('osa.rx', {}, 'OSA1'))).toBeNull();
    // setFunctionBreakpoints replaces the whole set.
    b.setFunctionBreakpoints([]);
    expect(b.match(ev('vcrt.insert', { port: 80 }))).toBeNull();
  });

  it('hit conditions N, >=N, >N, %N', () => {
    const hitsOf = (cond: string) => {
      const b = new Breakpoints();
      b.add({ name: 'x.y', hitCondition: cond });
      return Array.from({ length: 9 }, (_, i) => i + 1).filter(() => b.match(ev('x.y', {})) !== null);
    };
    expect(hitsOf('3')).toEqual([3]);
    expect(hitsOf('==3')).toEqual([3]);
    expect(hitsOf('>=7')).toEqual([7, 8, 9]);
    expect(hitsOf('>7')).toEqual([8, 9]);
    expect(hitsOf('%4')).toEqual([4, 8]);
    expect(new Breakpoints().add({ name: 'x.y', hitCondition: 'often' }).verified).toBe(false);
  });

  it('the osa.drop exception filter with and without a condition', () => {
    const b = new Breakpoints();
    expect(b.match(ev('osa.drop', { reason: 'inbound-full' }, 'OSA2'))).toBeNull();
    expect(b.setExceptionFilters(['osa.drop'], 'reason == inbound-full')).toBeNull();
    expect(b.match(ev('osa.drop', { reason: 'inbound-full' }, 'OSA2'))).toMatchObject({ reason: 'exception', description: 'OSA2 dropped a frame (inbound-full)' });
    expect(b.match(ev('osa.drop', { reason: 'unregistered' }, 'OSA2'))).toBeNull();
    expect(b.setExceptionFilters(['osa.drop'], 'reason ==')).toMatch(/^osa.drop condition: column/);
    expect(b.expectation).toBe(false);
  });

  it('never throws on any breakpoint text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.dictionary(fc.string(), fc.jsonValue()), (name, condition, hitCondition, fields) => {
        const b = new Breakpoints();
        b.add({ name, condition, hitCondition });
        b.match(ev(name.trim(), fields));
      }),
    );
  });
});

function frame(json: string): Buffer {
  return Buffer.from(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

describe('DAP framing', () => {
  const collect = (chunks: Buffer[]) => {
    const got: unknown[] = [];
    const bad: string[] = [];
    const g = new DapFrameGuard((m) => got.push(m), (w) => bad.push(w));
    for (const c of chunks) g.push(c);
    return { got, bad, g };
  };

  it('reassembles messages split anywhere and splits messages sent together', () => {
    const a = frame('{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"x"}}');
    const b = frame('{"seq":2,"type":"request","command":"threads"}');
    const all = Buffer.concat([a, b]);
    for (let cut = 1; cut < all.length; cut += 7) {
      const { got, bad } = collect([all.subarray(0, cut), all.subarray(cut)]);
      expect(bad).toEqual([]);
      expect(got).toHaveLength(2);
    }
    const bytewise = collect([...all].map((x) => Buffer.from([x])));
    expect(bytewise.got).toHaveLength(2);
  });

  it('rejects what is not DAP, once', () => {
    const cases: [string | Buffer, RegExp][] = [
      ['GET / HTTP/1.1\r\n\r\n', /not a DAP header line/],
      [Buffer.from([1, 2, 3]), /binary data/],
      ['A'.repeat(2000), /no DAP header/],
      ['Content-Length: -1\r\n\r\n', /is not a byte count/],
      [`Content-Length: ${MAX_BODY + 1}\r\n\r\n`, /at most/],
      ['Content-Length: 0\r\n\r\n', /empty DAP message/],
      [frame('{"seq":"1","type":"request","command":"x"}'), /numeric seq/],
      [frame('{"seq":1,"type":"request"}'), /without a command/],
      [frame('null'), /not a JSON object/],
    ];
    for (const [input, re] of cases) {
      const { bad, g } = collect([Buffer.from(input), frame('{"seq":2,"type":"request","command":"threads"}')]);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatch(re);
      expect(g.push(Buffer.from('more'))).toBe(false);
    }
  });

  it('never throws and never grows past its limits on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const g = new DapFrameGuard(() => {}, () => {});
        for (const c of chunks) g.push(Buffer.from(c));
        expect(g.pendingBytes).toBeLessThanOrEqual(MAX_BODY + 1100);
      }),
    );
  });
});

describe('LPAR map', () => {
  it('maps LPARs, shared OSAs by the record, and LAN components to the first LPAR on the LAN', () => {
    const t = loadTopology('fixtures/topologies/demo.yaml');
    if (!t.ok) throw new Error('demo topology');
    const m = new LparMap(t.value);
    expect(m.lparOf('SYS2', {})).toBe('SYS2');
    expect(m.lparOf('OSA3', {})).toBe('SYS3');
    expect(m.lparOf('OSA1', { lpar: 'SYS2' })).toBe('SYS1'); // SYS2 does not share OSA1
    expect(m.lparOf('LAN1', {})).toBe('SYS1');
    expect(m.lparOf('LAN1.router', {})).toBe('SYS1');
    expect(m.lparOf('LAN1.clients', {})).toBe('SYS1');
    expect(m.lparOf('something', undefined)).toBe('SYS1');
    const shared = new LparMap({ ...t.value, lpars: t.value.lpars.map((l) => ({ ...l, osas: ['OSA2'] })) });
    expect(shared.lparOf('OSA2', { lpar: 'SYS3' })).toBe('SYS3');
    expect(shared.lparOf('OSA2', {})).toBe('SYS1');
    expect(shared.sharers('OSA2')).toEqual(['SYS1', 'SYS2', 'SYS3']);
  });
});
