// The backplane's pieces without processes: message checks, payload checks, the pending-event order, the trace
// merge, CURVE certificates and endpoints.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as zmq from 'zeromq';
import { describe, expect, it } from 'vitest';
import { readCertificate, readCurveFiles, writeCertificate, z85Decode } from '../../src/backplane/curve.js';
import { bindForm, connectForm, endpointProblem, isLoopback } from '../../src/backplane/endpoint.js';
import { PendingEvents } from '../../src/backplane/pending.js';
import { checkFromCoordinator, checkFromParticipant, encode, externalEventProblem, isEventProblem, PROTOCOL_VERSION, unpack, type WireEvent } from '../../src/backplane/protocol.js';
import { ChunkMerger, TraceChunkSink } from '../../src/backplane/trace-chunks.js';
import { InputError } from '../../src/errors.js';

describe('messages', () => {
  it('round-trip through msgpack with binary as plain Uint8Arrays (slice() copies) and 64-bit times as numbers', () => {
    const frame = new Uint8Array([1, 2, 3, 4]);
    const m = { v: 1, type: 'done', partition: 1, round: 7, next: 2 ** 45 + 3, delivered: 9, events: [[2 ** 40, 3, 4, 5, 0, { kind: 'frame', frame }]] };
    const back = unpack(encode(m)) as typeof m;
    expect(back).toEqual(m);
    const f = (back.events[0]![5] as { frame: Uint8Array }).frame;
    expect(f.constructor).toBe(Uint8Array);
    expect(f.slice().buffer).not.toBe(f.buffer); // a real copy, unlike Buffer.slice
    // A uint64 as another language writes it (0xcf) decodes to a number, not a BigInt.
    expect(unpack(new Uint8Array([0xcf, 0, 0, 0x10, 0, 0, 0, 0, 1]))).toBe(2 ** 44 + 1);
  });

  it('accepts the participant messages of the protocol and names what is wrong with others', () => {
    const ok = [
      { v: 1, type: 'hello', role: 'worker', partition: 2, token: 'x' },
      { v: 1, type: 'hello', role: 'external', component: 'TAP' },
      { v: 1, type: 'hb', partition: 0 },
      { v: 1, type: 'ready', partition: 0, next: -1, events: [] },
      { v: 1, type: 'done', partition: 0, round: 3, next: 100, events: [], delivered: 5, trace: [[1], ['SYS1'], ['{}\n']] },
      { v: 1, type: 'outcomes', partition: 1, notCompleted: [[1, 2, 3, 0]] },
      { v: 1, type: 'summary', partition: 1, delivered: 3, displays: [null, 'text'] },
      { v: 1, type: 'error', partition: 1, message: 'boom', timePs: 5 },
    ];
    for (const m of ok) expect(typeof checkFromParticipant(m), JSON.stringify(m)).toBe('object');
    const bad: [unknown, RegExp][] = [
      [42, /not a msgpack map/],
      [[1, 2], /not a msgpack map/],
      [{ v: 2, type: 'hb' }, /protocol version 2/],
      [{ type: 'hb' }, /protocol version undefined/],
      [{ v: 1, type: 'launch' }, /unknown message type "launch"/],
      [{ v: 1, type: 'hello', role: 'boss' }, /role/],
      [{ v: 1, type: 'hello', role: 'external' }, /hello: component is required/],
      [{ v: 1, type: 'done', partition: -1, round: 0, next: 0, events: [], delivered: 0 }, /partition/],
      [{ v: 1, type: 'done', partition: 0, round: 0, next: 1.5, events: [], delivered: 0 }, /next/],
      [{ v: 1, type: 'done', partition: 0, round: 0, next: 0, events: {}, delivered: 0 }, /events/],
      [{ v: 1, type: 'done', partition: 0, round: 0, next: 0, events: [], delivered: 0, trace: [[1], [], []] }, /trace/],
      [{ v: 1, type: 'outcomes', partition: 0, notCompleted: [[1, 2]] }, /notCompleted\[0\] must NOT have fewer than 4 items/],
      [{ v: 1, type: 'summary', partition: 0, delivered: 0, displays: [3] }, /displays/],
    ];
    for (const [m, why] of bad) expect(checkFromParticipant(m)).toMatch(why);
  });

  it('checks what the coordinator sends too', () => {
    expect(typeof checkFromCoordinator({ v: 1, type: 'grant', round: 1, bound: 5, last: false, events: [] })).toBe('object');
    expect(checkFromCoordinator({ v: 1, type: 'grant', round: 1, bound: -5, last: false, events: [] })).toMatch(/grant/);
    expect(checkFromCoordinator({ v: 1, type: 'welcome', partition: 0, untilPs: 5, lookaheadPs: 1 })).toMatch(/scenario/);
    expect(checkFromCoordinator({ v: PROTOCOL_VERSION, type: 'summarize', notCompleted: [], displays: [1] })).toMatch(/summarize/);
  });

  it('never throws on arbitrary values or bytes: every input is a message or a reason', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const r = checkFromParticipant(x);
        return typeof r === 'string' || (typeof r === 'object' && r !== null);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let decoded: unknown;
        try {
          decoded = unpack(bytes);
        } catch {
          return true; // the caller drops what does not decode
        }
        const r = checkFromParticipant(decoded);
        return typeof r === 'string' || typeof r === 'object';
      }),
      { numRuns: 2000 },
    );
  });
});

describe('payloads', () => {
  // A payload travels in an event of a worker's `done` (any kind with a string `kind`; known kinds field by field)
  // or of an external participant's (known kinds only).
  const fromWorker = (payload: unknown) => checkFromParticipant({ v: 1, type: 'done', partition: 0, round: 1, next: -1, delivered: 0, events: [[5, 1, 2, 3, 0, payload]] });
  const fromExternal = (payload: unknown) => externalEventProblem([5, 1, 2, 3, 0, payload]);

  it('accepts the models messages and rejects malformed ones', () => {
    const b = new Uint8Array(4);
    for (const p of [
      { kind: 'frame', frame: b },
      { kind: 'ipv4', packet: b },
      { kind: 'register', ip: 0x0a01010a },
      { kind: 'transmit', packet: b, nextHop: 1, queue: 4 },
      { kind: 'deliver', packets: [b, b] },
      { kind: 'xcf-status', from: 'SYS1', joined: true, incarnation: 2, reply: false },
    ]) {
      expect(fromExternal(p), JSON.stringify(p.kind)).toBeNull();
      expect(typeof fromWorker(p), JSON.stringify(p.kind)).toBe('object');
    }
    expect(fromExternal({ kind: 'frame', frame: 'abc' })).toMatch(/frame must be a byte string/);
    expect(fromExternal({ kind: 'transmit', packet: b, nextHop: 1, queue: 9 })).toMatch(/queue must be <= 4/);
    expect(fromWorker({ kind: 'register', ip: -1 })).toMatch(/^done: events\[0\]\[5\]\.ip must be >= 0$/);
    expect(fromWorker({ kind: 'deliver', packets: [b, 'x'] })).toMatch(/packets\[1\] must be a byte string/);
    expect(fromWorker([1])).toMatch(/events\[0\]\[5\] must be object/);
    expect(fromWorker({ frame: b })).toMatch(/kind is required/);
    // A kind the schema does not know: fine from our own workers, not from another program.
    expect(typeof fromWorker({ kind: 'replay-mark', n: 1 })).toBe('object');
    expect(fromExternal({ kind: 'replay-mark', n: 1 })).toBe('event: [5].kind "replay-mark" is not a known one');
  });

  it('a problem with an event is told apart from a problem with the message (the first ends the run)', () => {
    expect(isEventProblem(fromWorker({ kind: 'frame' }) as string)).toBe(true);
    expect(isEventProblem(checkFromParticipant({ v: 1, type: 'done', partition: 0, round: 1, next: -1, delivered: 0, events: [[5, 1, 2, 3, 0.5, {}]] }) as string)).toBe(true);
    expect(isEventProblem(checkFromParticipant({ v: 1, type: 'done', partition: 0, round: 1, next: -2, delivered: 0, events: [] }) as string)).toBe(false);
  });
});

describe('pending events', () => {
  it('come out in kernel order (time, dst, src, seq) whatever order they went in', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(5), fc.nat(5), fc.nat(1000)), { maxLength: 200 }), fc.nat(60), (keys, cut) => {
        const q = new PendingEvents();
        const events: WireEvent[] = keys.map(([t, d, s, n]) => [t, d, s, n, 0, null]);
        for (const e of events) q.push(e);
        const early = q.takeThrough(cut);
        const late = q.takeThrough(Infinity);
        const cmp = (a: WireEvent, b: WireEvent) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
        const sorted = [...events].sort(cmp);
        expect([...early, ...late].map((e) => e.slice(0, 4))).toEqual(sorted.map((e) => e.slice(0, 4)));
        expect(early.every((e) => e[0] <= cut) && late.every((e) => e[0] > cut)).toBe(true);
        expect(q.size).toBe(0);
      }),
    );
  });
});

describe('trace chunks', () => {
  it('sort records of one instant by (component, sequence) and merge partitions by (t, component)', () => {
    const a = new TraceChunkSink();
    a.record(5, 'SYS3', 0, 'x', undefined);
    a.record(5, 'OSA1', 0, 'y', { n: 1 });
    a.record(5, 'SYS3', 1, 'z', undefined);
    a.record(9, 'SYS3', 2, 'w', undefined);
    const b = new TraceChunkSink();
    b.record(5, 'SYS2', 0, 'p', undefined);
    b.record(7, 'LAN1', 0, 'q', undefined);
    const m = new ChunkMerger();
    m.push(0, a.take()!);
    m.push(1, b.take()!);
    expect(a.take()).toBeUndefined();
    const out: string[] = [];
    m.drain(8, (_t, _c, line) => out.push(line));
    expect(out.map((l) => JSON.parse(l)).map((r) => `${r.t}${r.c}${r.k}`)).toEqual(['5OSA1y', '5SYS2p', '5SYS3x', '5SYS3z', '7LAN1q']);
    m.drain(Infinity, (_t, _c, line) => out.push(line));
    expect(out.length).toBe(6);
    expect(out[5]).toBe('{"t":9,"c":"SYS3","k":"w"}\n');
  });
});

describe('CURVE certificates and endpoints', () => {
  it('reads certificates in the zcert format and decodes Z85 keys to the 32 bytes ZAP sees', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curve-'));
    const keys = zmq.curveKeyPair();
    writeCertificate(join(dir, 'server.key_secret'), keys);
    const cert = readCertificate(join(dir, 'server.key_secret'));
    expect(cert).toEqual(keys);
    expect(z85Decode(keys.publicKey).length).toBe(32);
    expect(Buffer.from(z85Decode('HelloWorld')).toString('hex')).toBe('864fd26fb559f75b'); // ZeroMQ RFC 32's example
    expect(() => readCertificate(join(dir, 'missing'))).toThrow(InputError);
    const pub = join(dir, 'client.key');
    writeCertificate(pub, keys);
    writeFileSync(pub, `curve\n    public-key = "${keys.publicKey}"\n`);
    expect(() => readCurveFiles({ serverKey: join(dir, 'server.key_secret'), clientKey: pub }, 'worker')).toThrow(/client secret key/);
    expect(() => readCurveFiles({ serverKey: pub, clientKey: pub }, 'coordinator')).toThrow(/server secret key/);
    writeFileSync(pub, 'curve\n    public-key = "short"\n');
    expect(() => readCertificate(pub)).toThrow(/40-character Z85/);
  });

  it('tells loopback endpoints from the others and forms what ZeroMQ binds and connects to', () => {
    expect(isLoopback('tcp://127.0.0.1:0')).toBe(true);
    expect(isLoopback('tcp://localhost:5555')).toBe(true);
    expect(isLoopback('tcp://[::1]:5555')).toBe(true);
    expect(isLoopback('ipc:///tmp/x.sock')).toBe(true);
    expect(isLoopback('tcp://0.0.0.0:5555')).toBe(false);
    expect(isLoopback('tcp://192.0.2.2:5555')).toBe(false);
    expect(endpointProblem('tcp://127.0.0.1:70000')).toMatch(/out of range/);
    expect(endpointProblem('udp://1.2.3.4:5')).toMatch(/not an endpoint/);
    expect(endpointProblem('tcp://host.example:5555')).toBeNull();
    expect(bindForm('tcp://127.0.0.1:0')).toBe('tcp://127.0.0.1:*');
    expect(connectForm('tcp://0.0.0.0:4000')).toBe('tcp://127.0.0.1:4000');
  });
});

describe('the built wire validators', () => {
  it('are the generator output for the current schema (dist/src/backplane/wire-validators.cjs), when built', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { wireValidatorsSource } = await import('../../src/backplane/build-wire-validators.js');
    const built = fileURLToPath(new URL('../../dist/src/backplane/wire-validators.cjs', import.meta.url));
    if (!existsSync(built)) return; // not built: the sources compile the schema themselves
    expect(readFileSync(built, 'utf8') === wireValidatorsSource(), 'rebuild: npm run build').toBe(true);
  });
});
