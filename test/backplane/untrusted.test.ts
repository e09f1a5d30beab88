// Untrusted input and endpoints: garbage sent to the coordinator's endpoint during a run is logged and dropped
// and the run's result is unharmed; a non-loopback endpoint without CURVE keys is refused with exit 2; with keys
// the run works over CURVE, and a client with another key is refused by the ZAP handler.
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import * as zmq from 'zeromq';
import { describe, expect, it } from 'vitest';
import { writeCertificate } from '../../src/backplane/curve.js';
import { runPartitioned } from '../../src/backplane/run-partitioned.js';
import { RequestError } from '../../src/errors.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { cli, STACK_FRAME } from '../e2e/cli.js';
import { comparable, freePort, run, start, writeRun } from './processes.js';

const SMALL = `seed: 5
until: 40ms
workload:
  - { dvipa: 10.1.1.10, port: 80, protocol: http, clients: 8, connections: 40, rate: 2000/s }
expect:
  - clients.completed == 40`;

const raw = new Packr({ useRecords: false });

/** Sends every kind of garbage to `endpoint` until `stop()` holds. Returns how many messages went out. */
async function pester(endpoint: string, port: number, stop: () => boolean): Promise<number> {
  const d = new zmq.Dealer({ linger: 0, sendTimeout: 0 });
  d.connect(endpoint);
  const junk: (Buffer | Buffer[])[] = [
    Buffer.from('this is not msgpack \x00\xff\xc1'),
    raw.pack(42),
    raw.pack({ v: 99, type: 'hb' }),
    raw.pack({ v: 1, type: 'launch-missiles' }),
    raw.pack({ v: 1, type: 'hello', role: 'worker', partition: 7 }), // no such partition
    raw.pack({ v: 1, type: 'hello', role: 'worker', partition: 1 }), // a spawned partition, without the token
    raw.pack({ v: 1, type: 'hello', role: 'external', component: 'EVIL' }),
    raw.pack({ v: 1, type: 'done', partition: 0, round: 1, next: -1, events: [[0, 0, 0, 0, 0, { kind: 'frame', frame: Buffer.alloc(10) }]], delivered: 0 }),
    raw.pack({ v: 1, type: 'error', partition: 0, message: 'fake failure', timePs: 0 }),
    [Buffer.from('two'), Buffer.from('frames')],
    Buffer.alloc(200_000, 0x91),
  ];
  let sent = 0;
  while (!stop()) {
    // Raw TCP that is not even ZMTP.
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.write(Buffer.from('GET / HTTP/1.0\r\n\r\n\xde\xad\xbe\xef'));
    s.end();
    for (const j of junk) {
      try {
        await d.send(j);
        sent++;
      } catch {
        /* not connected yet */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  d.close();
  return sent;
}

describe.concurrent('untrusted input', () => {
  it('garbage sent to the backplane endpoint during a run is logged and dropped; the result is right', async () => {
    const port = await freePort();
    const file = writeRun(`  bind: tcp://127.0.0.1:${port}`, SMALL);
    const clean = await run(['run', file, '--json']);
    expect(clean.status).toBe(0);
    const r = start(['run', file, '--json', '--partitions', '2']);
    let over = false;
    const pestering = pester(`tcp://127.0.0.1:${port}`, port, () => over);
    const f = await r.done;
    over = true;
    const sent = await pestering;
    expect(sent).toBeGreaterThan(0);
    expect(f.status, f.stderr).toBe(0);
    expect(comparable(f.stdout)).toEqual(comparable(clean.stdout));
    expect(f.stderr).toMatch(/backplane: dropped a message from an unknown peer: \d+ bytes that are not msgpack/);
    expect(f.stderr).toMatch(/backplane: dropped a message from an unknown peer: protocol version 99, expected 1/);
    expect(f.stderr).toMatch(/dropped a message from an unknown peer: hello for unknown partition id 7/);
    expect(f.stderr).toMatch(/backplane: dropped \d+ messages that were not part of the run/);
    expect(f.stderr).not.toMatch(STACK_FRAME);
  }, 240_000);

  it('a non-loopback endpoint without CURVE keys is refused with exit 2 (topology, worker and API)', async () => {
    const file = writeRun('  bind: tcp://0.0.0.0:0', SMALL);
    const r = cli(['run', file, '--partitions', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/topology\.yaml:\d+:\d+: backplane\.bind: tcp:\/\/0\.0\.0\.0:0 is not a loopback endpoint: give curveServerKey and curveClientKey/);
    const w = cli(['worker', '--connect', 'tcp://192.0.2.1:5555']);
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/tcp:\/\/192\.0\.2\.1:5555 is not a loopback endpoint: it needs CURVE keys/);
    expect(cli(['worker', '--connect', 'udp://x']).stderr).toMatch(/not an endpoint/);
    const loaded = loadRunFile(writeRun('  bind: tcp://127.0.0.1:0', SMALL));
    if (!loaded.ok) throw new Error('scenario does not load');
    await expect(runPartitioned(loaded.value, { partitions: 2, bind: 'tcp://0.0.0.0:0' })).rejects.toThrow(RequestError);
    await expect(runPartitioned(loaded.value, { partitions: 2, bind: 'tcp://0.0.0.0:0' })).rejects.toThrow(/needs CURVE keys/);
  }, 60_000);

  it('with CURVE keys the run works on a non-loopback address (if this host has one); another client key is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curve-run-'));
    writeCertificate(join(dir, 'server.key_secret'), zmq.curveKeyPair());
    writeCertificate(join(dir, 'client.key_secret'), zmq.curveKeyPair());
    const host = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
    const port = await freePort(host);
    const file = writeRun(`  bind: tcp://${host}:${port}\n  curveServerKey: server.key_secret\n  curveClientKey: client.key_secret`, SMALL, dir);
    const clean = await run(['run', file, '--json']);
    const r = start(['run', file, '--json', '--partitions', '2']);
    // An intruder with a key pair of its own: the handshake is refused, nothing it sends reaches the run.
    const server = (await import('../../src/backplane/curve.js')).readCertificate(join(dir, 'server.key_secret'));
    const mine = zmq.curveKeyPair();
    const intruder = new zmq.Dealer({ linger: 0, sendTimeout: 0, curveServerKey: server.publicKey, curvePublicKey: mine.publicKey, curveSecretKey: mine.secretKey });
    intruder.connect(`tcp://${host}:${port}`);
    await intruder.send(raw.pack({ v: 1, type: 'hello', role: 'worker' })).catch(() => {});
    const f = await r.done;
    intruder.close();
    expect(f.status, f.stderr).toBe(0);
    expect(comparable(f.stdout)).toEqual(comparable(clean.stdout));
    expect(f.stderr).toMatch(/backplane: refused a CURVE client from [\d.]+ \(not the run's client key\)/);
  }, 240_000);
});
