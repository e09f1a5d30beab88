import { describe, expect, it } from 'vitest';
import { contentLengthOf, decimal, hasTokenIn, HeaderCursor, ResponseHeadReader } from '../../../src/firmware/tcp/apps/http-text.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HEAD = 'HTTP/1.1 200 OK\r\nServer: x\r\ncontent-LENGTH:  2048 \r\nConnection: close\r\n\r\n';

describe('HTTP head reading in place', () => {
  it('finds the head and its Content-Length however the response is split, counting only body bytes', () => {
    const whole = HEAD + 'abcdef';
    for (let cut1 = 1; cut1 < whole.length; cut1 += 3) {
      for (const cut2 of [cut1, Math.min(whole.length, cut1 + 5)]) {
        const r = new ResponseHeadReader();
        const parts = [whole.slice(0, cut1), whole.slice(cut1, cut2), whole.slice(cut2)].filter((p) => p.length > 0);
        const results = parts.map((p) => r.feed(bytes(p)));
        const done = results.findIndex((n) => n >= 0);
        // The reader answers on the chunk that completes the head, with the body bytes in that chunk.
        const headEndsIn = parts.findIndex((_, i) => parts.slice(0, i + 1).join('').length >= HEAD.length);
        expect(done).toBe(headEndsIn);
        expect(results.slice(0, done).every((n) => n === -1)).toBe(true);
        const seen = parts.slice(0, done + 1).join('').length;
        expect(results[done]).toBe(seen - HEAD.length);
        expect(r.contentLength).toBe(2048);
      }
    }
  });

  it('reports -1 for a missing or unreadable Content-Length', () => {
    expect(contentLengthOf(bytes('HTTP/1.1 200 OK\r\nX: 1'), 22)).toBe(-1);
    expect(contentLengthOf(bytes('HTTP/1.1 200 OK\r\nContent-Length: 12a'), 36)).toBe(-1);
    // The start line is never taken for a header, even when it looks like one.
    expect(contentLengthOf(bytes('Content-Length: 5\r\nA: b'), 23)).toBe(-1);
  });

  it('walks header lines with trimmed names and values, and stops at a line without a name', () => {
    const b = bytes(' Host : a.b \r\n\r\nX-Empty:\r\nbad line\r\nAfter: no');
    const c = new HeaderCursor().reset(b, 0, b.length);
    const fields: string[] = [];
    while (c.next()) fields.push(`${String.fromCharCode(...b.subarray(c.nameStart, c.nameEnd))}=${String.fromCharCode(...b.subarray(c.valueStart, c.valueEnd))}`);
    expect(fields).toEqual(['Host=a.b', 'X-Empty=']);
    expect(c.malformed).toBe(true);
  });

  it('matches tokens in comma lists ignoring case and whitespace, and reads 1 to 15 digits', () => {
    const v = bytes('Upgrade ,\tKeep-Alive,');
    expect(hasTokenIn(v, 0, v.length, 'keep-alive')).toBe(true);
    expect(hasTokenIn(v, 0, v.length, 'upgrade')).toBe(true);
    expect(hasTokenIn(v, 0, v.length, 'close')).toBe(false);
    expect(hasTokenIn(v, 0, v.length, 'keep')).toBe(false);
    expect(decimal(bytes('0042'), 0, 4)).toBe(42);
    expect(decimal(bytes(''), 0, 0)).toBe(-1);
    expect(decimal(bytes('1234567890123456'), 0, 16)).toBe(-1);
    expect(decimal(bytes('12 '), 0, 3)).toBe(-1);
  });
});
