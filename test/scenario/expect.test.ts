import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Expectation, ExpectError, evaluate, isExpectError, parseExpectation,
} from '../../src/scenario/expect.js';

function parse(text: string): Expectation {
  const e = parseExpectation(text);
  if (isExpectError(e)) throw new Error(`${text}: ${e.toString()}`);
  return e;
}
function parseError(text: string): ExpectError {
  const e = parseExpectation(text);
  if (!isExpectError(e)) throw new Error(`expected ${text} to be refused`);
  return e;
}

// A report shaped like CONTRACT.md's --json report.
const report = {
  virtualTimePs: 50_000_000_000, events: 1234567, wallMs: 812.5, seed: 1, partitions: 1,
  lpars: [
    { name: 'SYS1', up: true, cpuBusyPct: 12.5 },
    { name: 'SYS2', up: false, cpuBusyPct: 0 },
    { name: 'SYS3', up: true, cpuBusyPct: 7.25 },
  ],
  dvipas: [{ ip: '10.1.1.10', owner: 'SYS1', state: 'ACTIVE', backups: ['SYS2', 'SYS3'] },
           { ip: '10.1.1.11', owner: null, state: 'BACKUP', backups: [] }],
  distribution: [
    { dvipa: '10.1.1.10', port: 80, method: 'ROUNDROBIN', targets: [
      { stack: 'SYS1', ready: 1, totalConn: 334, activeConn: 0, lost: 0 },
      { stack: 'SYS2', ready: 1, totalConn: 333, activeConn: 2, lost: 3 },
    ] },
    { dvipa: '10.1.1.10', port: 7, method: 'ROUNDROBIN', targets: [] },
    { dvipa: '10.1.1.11', port: 7, method: 'BASEWLM', targets: [] },
  ],
  clients: { opened: 1000, completed: 997, reset: 0, failed: 3, open: 0, bytesSent: 200_000, bytesReceived: 4_096_000 },
  replay: { framesRead: 10, skipped: { notToDvipa: 2, nonIpv4: 1, malformed: 0 } },
  name: 'it says "hi"',
};
const check = (text: string) => evaluate(parse(text), report);

describe('parsing', () => {
  test('paths, selectors and values become a tree', () => {
    expect(parse('distribution[port=80].targets[stack=SYS2].lost == 0')).toEqual({
      kind: 'expectation',
      text: 'distribution[port=80].targets[stack=SYS2].lost == 0',
      subject: { kind: 'path', steps: [
        { kind: 'field', name: 'distribution' },
        { kind: 'select', where: [{ key: ['port'], value: 80 }] },
        { kind: 'field', name: 'targets' },
        { kind: 'select', where: [{ key: ['stack'], value: 'SYS2' }] },
        { kind: 'field', name: 'lost' },
      ] },
      op: '==',
      value: 0,
    });
  });

  test.each([
    ['x == 42', 42], ['x == -3.5', -3.5], ['x == 1e3', 1000], ['x == SYS1', 'SYS1'], ['x == "two words"', 'two words'],
    ["x == 'it''s'", "it's"], ['x == "a\\"b"', 'a"b'], ['x == true', true], ['x == false', false], ['x == null', null],
    ['x == 10.1.1.10', '10.1.1.10'], ['x == "42"', '42'], ['x == 10.1.1.0/24', '10.1.1.0/24'], ['x == SYS1-SYS2', 'SYS1-SYS2'],
  ])('value of %s', (text, v) => expect(parse(text).value).toEqual(v));

  test.each(['==', '!=', '<', '<=', '>', '>=', 'contains', '!contains'])('operator %s', (op) => {
    expect(parse(`a.b ${op} 1`).op).toBe(op);
    if (!/[a-z]/.test(op)) expect(parse(`a.b${op}1`).op).toBe(op); // symbols need no spaces
  });

  test('index and multi-condition selectors, dotted selector keys', () => {
    expect(parse('lpars[0].up == true').subject).toEqual({ kind: 'path', steps: [
      { kind: 'field', name: 'lpars' }, { kind: 'index', index: 0 }, { kind: 'field', name: 'up' }] });
    expect(parse('lpars[-1].name == SYS3').subject).toMatchObject({ steps: [{}, { kind: 'index', index: -1 }, {}] });
    expect(parse('distribution[ dvipa = 10.1.1.10 , port == 7 ].method == ROUNDROBIN').subject).toMatchObject({ steps: [
      {}, { kind: 'select', where: [{ key: ['dvipa'], value: '10.1.1.10' }, { key: ['port'], value: 7 }] }, {}] });
    expect(parse('a[b.c=1].d == 2').subject).toMatchObject({ steps: [{}, { where: [{ key: ['b', 'c'], value: 1 }] }, {}] });
  });

  test('display(...) takes a quoted operator command', () => {
    expect(parse('display("D TCPIP,SYS2,NETSTAT,VIPADYN") contains "ACTIVE"')).toMatchObject({
      subject: { kind: 'display', command: 'D TCPIP,SYS2,NETSTAT,VIPADYN' }, op: 'contains', value: 'ACTIVE' });
    expect(parse("display ( 'D TCPIP,SYS1,NETSTAT,VCRT' ) !contains 10.1.1.99")).toMatchObject({
      subject: { kind: 'display' }, op: '!contains', value: '10.1.1.99' });
    // `display` without a parenthesis is an ordinary field name
    expect(parse('display == 1').subject).toEqual({ kind: 'path', steps: [{ kind: 'field', name: 'display' }] });
  });

  test.each([
    ['', 0, 'empty expectation'],
    ['   ', 3, 'empty expectation'],
    ['clients.failed', 14, 'expected an operator'],
    ['clients.failed = 0', 15, '"=" is not an operator'],
    ['clients.failed == ', 18, 'expected a value at the end'],
    ['clients..failed == 0', 8, 'expected a field name after "."'],
    ['clients.failed == 0 1', 20, 'unexpected "1" after the value'],
    ['dvipas[ip=10.1.1.10.owner == SYS1', 26, 'expected "]" to close the "[" at column 7'],
    ['dvipas[ip 10.1.1.10].owner == SYS1', 10, 'expected "=" after "ip"'],
    ['lpars[01].up == true', 6, 'is not an index'],
    ['lpars[1-2].up == true', 6, 'is not an index'],
    ['9lives == 1', 0, 'expected a report field name'],
    ['x == "open', 5, 'unterminated string'],
    ['x == "bad \\q"', 10, 'unknown escape'],
    ['x == a;b', 6, 'unexpected ";" in a value'],
    ['x =! 1', 2, '"=" is not an operator'],
    ['x ~ 1', 2, 'expected an operator'],
    ['display(D TCPIP) contains x', 8, 'takes a quoted operator command'],
    ['display("D TCPIP" contains x', 18, 'expected ")" to close display('],
    ['x == \u0001', 5, 'control character U+0001'],
  ])('refuses %j at offset %d', (text, offset, msg) => {
    const e = parseError(text);
    expect(e.offset).toBe(offset);
    expect(e.col).toBe(offset + 1);
    expect(e.message).toContain(msg);
    expect(e.toString()).toBe(`column ${offset + 1}: ${e.message}`);
  });

  test('random strings never throw, and errors point inside the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const r = parseExpectation(s);
      if (isExpectError(r)) {
        expect(r.offset).toBeGreaterThanOrEqual(0);
        expect(r.offset).toBeLessThanOrEqual(s.length);
      }
    }), { numRuns: 3000 });
  });

  test('strings built from the grammar\'s own pieces never throw either', () => {
    const piece = fc.constantFrom('a', 'b.c', '[', ']', '[0]', '[k=v]', '=', '==', '!', '!=', '<', '>=', ' ', '"', "'", '\\',
      'display', '(', ')', ',', '-', '1', '.', 'contains', '!contains', 'null', '10.1.1.10');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), (s) => {
      const r = parseExpectation(s);
      if (!isExpectError(r)) evaluate(r, report, () => 'text');
    }), { numRuns: 3000 });
  });
});

describe('evaluation over a report', () => {
  test.each([
    ['clients.completed == 997', true, 997],
    ['clients.completed == 1000', false, 997],
    ['clients.failed != 0', true, 3],
    ['clients.failed != 3', false, 3],
    ['clients.opened > 999', true, 1000],
    ['clients.opened > 1000', false, 1000],
    ['clients.opened >= 1000', true, 1000],
    ['clients.reset < 1', true, 0],
    ['clients.reset <= -1', false, 0],
    ['lpars[name=SYS1].cpuBusyPct <= 12.5', true, 12.5],
    ['lpars[0].up == true', true, true],
    ['lpars[1].up == true', false, false],
    ['lpars[-1].name == SYS3', true, 'SYS3'],
    ['dvipas[ip=10.1.1.10].owner == SYS1', true, 'SYS1'],
    ['dvipas[ip=10.1.1.11].owner == null', true, null],
    ['dvipas[ip=10.1.1.10].state == "ACTIVE"', true, 'ACTIVE'],
    ['dvipas[ip=10.1.1.10].backups contains SYS3', true, ['SYS2', 'SYS3']],
    ['dvipas[ip=10.1.1.10].backups !contains SYS1', true, ['SYS2', 'SYS3']],
    ['dvipas[ip=10.1.1.10].backups contains SYS1', false, ['SYS2', 'SYS3']],
    ['distribution[port=80].targets[stack=SYS2].lost == 0', false, 3],
    ['distribution[port=80].targets[stack=SYS1].lost == 0', true, 0],
    ['distribution[port=80].targets[stack=SYS2].totalConn >= 300', true, 333],
    ['distribution[dvipa=10.1.1.11,port=7].method == BASEWLM', true, 'BASEWLM'],
    ['replay.skipped.malformed == 0', true, 0],
    ['name contains "\\"hi\\""', true, 'it says "hi"'],
    ['name !contains bye', true, 'it says "hi"'],
    ['lpars[name=SYS1].name > SYS0', true, 'SYS1'], // two strings compare in code-point order
    ['lpars[0].cpuBusyPct == "12.5"', true, 12.5], // a number and a numeric string compare as numbers
  ])('%s -> %s', (text, ok, actual) => {
    const r = check(text);
    expect(r.ok).toBe(ok);
    expect(r.actual).toEqual(actual);
    if (!ok) expect(r.reason).toBeTruthy();
  });

  test('a failed comparison says what was found', () => {
    expect(check('distribution[port=80].targets[stack=SYS2].lost == 0').reason)
      .toBe('distribution[port=80].targets[stack=SYS2].lost is 3, expected == 0');
  });

  test.each([
    ['distribution[port=81].targets[stack=SYS2].lost == 0', 'distribution[port=81]: no element of distribution matches'],
    ['distribution[port=80].targets[stack=SYS9].lost != 0', 'distribution[port=80].targets[stack=SYS9]: no element of distribution[port=80].targets matches'],
    ['distribution[dvipa=10.1.1.10].method == ROUNDROBIN', 'distribution[dvipa=10.1.1.10]: 2 elements match; add a condition, e.g. [a=1,b=2]'],
    ['lpars[3].up == true', 'lpars[3]: no such element (lpars has 3)'],
    ['clients.nonsense == 0', 'clients.nonsense not found (it has opened, completed, reset, failed, open, bytesSent, bytesReceived)'],
    ['clients.failed.x == 0', 'clients.failed.x not found: clients.failed is 3'],
    ['lpars.up == true', 'lpars is a list: select an element with [0] or [key=value] before .up'],
    ['clients[0] == 1', 'clients is not a list (it is an object)'],
    ['constructor == 1', 'constructor not found (it has virtualTimePs, events, wallMs, seed, partitions, lpars, dvipas, distribution, clients, replay, name)'],
    ['__proto__.x == 1', '__proto__ not found (it has virtualTimePs, events, wallMs, seed, partitions, lpars, dvipas, distribution, clients, replay, name)'],
  ])('%s does not resolve: ok false, actual undefined', (text, reason) => {
    const r = check(text);
    expect(r).toEqual({ ok: false, actual: undefined, reason });
  });

  test('comparisons that make no sense fail with a reason instead of throwing', () => {
    expect(check('lpars > 1')).toMatchObject({ ok: false, reason: 'lpars is a list of 3: > compares numbers (or two strings)' });
    expect(check('clients.failed contains 3')).toMatchObject({ ok: false, reason: 'clients.failed is 3: contains needs a string or a list' });
    expect(check('dvipas[0].owner < 5')).toMatchObject({ ok: false, actual: 'SYS1' });
  });

  test('display() goes through the caller\'s callback', () => {
    const seen: string[] = [];
    const display = (cmd: string) => {
      seen.push(cmd);
      return cmd.includes('SYS2') ? 'DEST:  10.1.1.10  STATUS: ACTIVE' : undefined;
    };
    const yes = parse('display("D TCPIP,SYS2,NETSTAT,VIPADYN") contains "ACTIVE"');
    expect(evaluate(yes, report, display)).toEqual({ ok: true, actual: 'DEST:  10.1.1.10  STATUS: ACTIVE' });
    expect(evaluate(parse('display("D TCPIP,SYS2,NETSTAT,VIPADYN") !contains "ACTIVE"'), report, display).ok).toBe(false);
    expect(evaluate(parse('display("D TCPIP,SYS2,NETSTAT,VIPADYN") !contains "MOVING"'), report, display).ok).toBe(true);
    expect(evaluate(parse('display("D TCPIP,SYS9,NETSTAT,VIPADYN") contains "ACTIVE"'), report, display))
      .toEqual({ ok: false, actual: undefined, reason: 'display "D TCPIP,SYS9,NETSTAT,VIPADYN" gave no output' });
    expect(seen).toEqual(['D TCPIP,SYS2,NETSTAT,VIPADYN', 'D TCPIP,SYS2,NETSTAT,VIPADYN', 'D TCPIP,SYS2,NETSTAT,VIPADYN',
      'D TCPIP,SYS9,NETSTAT,VIPADYN']);
    expect(evaluate(yes, report)).toMatchObject({ ok: false, actual: undefined, reason: expect.stringContaining('no operator display') });
    expect(evaluate(yes, report, () => { throw new Error('stack is down'); }))
      .toMatchObject({ ok: false, reason: 'display "D TCPIP,SYS2,NETSTAT,VIPADYN" failed: stack is down' });
  });

  test('breakpoint conditions over a trace event\'s fields', () => {
    const event = { t: 12, c: 'SYS1', k: 'vcrt.insert', dvipa: '10.1.1.10', port: 80, client: '198.51.100.7', target: 'SYS2' };
    expect(evaluate(parse('port == 80'), event).ok).toBe(true);
    expect(evaluate(parse('port == 7'), event).ok).toBe(false);
    expect(evaluate(parse('target == SYS2'), event).ok).toBe(true);
    expect(evaluate(parse('client == 198.51.100.7'), event).ok).toBe(true);
  });

  test('evaluation never throws on any report', () => {
    const exprs = ['a.b == 1', 'a[0].b != x', 'a[k=v].b contains 1', 'a[-1] < 2', 'a.b[c=1,d=2].e >= null'].map(parse);
    fc.assert(fc.property(fc.anything(), (anything) => {
      for (const e of exprs) {
        const r = evaluate(e, anything);
        expect(typeof r.ok).toBe('boolean');
      }
    }), { numRuns: 1000 });
  });
});
