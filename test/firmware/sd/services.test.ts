// ServiceTable: (DVIPA, port) -> service index, through the port-indexed fast path and the hash index alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceTable } from '../../../src/firmware/sd/index.js';

describe('ServiceTable', () => {
  it('finds services of one port on several DVIPAs, before and after releases', () => {
    const t = new ServiceTable();
    const a = t.intern(0x0a01010a, 80);
    const b = t.intern(0x0a01010b, 80);
    const c = t.intern(0x0a01010a, 443);
    expect([t.find(0x0a01010a, 80), t.find(0x0a01010b, 80), t.find(0x0a01010a, 443)]).toEqual([a, b, c]);
    expect([t.find(0x0a01010c, 80), t.find(0x0a01010a, 81), t.find(0x0a01010a, 80 + 0x10000), t.find(0x0a01010a, -1)]).toEqual([-1, -1, -1, -1]);
    t.release(a);
    expect([t.find(0x0a01010a, 80), t.find(0x0a01010b, 80)]).toEqual([-1, b]);
    const d = t.intern(0x0a01010a, 80);
    expect(d).toBe(a); // the lowest free index is reused
    expect([t.find(0x0a01010a, 80), t.find(0x0a01010b, 80)]).toEqual([d, b]);
  });

  it('property: find agrees with a Map model over random interns and releases', () => {
    const op = fc.record({ intern: fc.boolean(), dvipa: fc.integer({ min: 0, max: 3 }), port: fc.constantFrom(7, 80, 443, 65535, 0) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const t = new ServiceTable();
        const model = new Map<string, number>();
        for (const o of ops) {
          const ip = 0x0a010100 + o.dvipa;
          const k = `${ip}:${o.port}`;
          if (o.intern) model.set(k, t.intern(ip, o.port));
          else if (model.has(k)) {
            t.release(model.get(k)!);
            model.delete(k);
          }
          for (let dv = 0; dv < 4; dv++) {
            for (const port of [7, 80, 443, 65535, 0]) expect(t.find(0x0a010100 + dv, port)).toBe(model.get(`${0x0a010100 + dv}:${port}`) ?? -1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
