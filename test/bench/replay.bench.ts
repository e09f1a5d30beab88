// Replay speed through the whole emulated sysplex (edge router, LAN switch, OSAs, the distributing stack,
// XCF forwarding, the target stacks and back): `replay --mode open --pace asap` and closed asap, over a capture
// made of the real fixture repeated PASSES times with the clients moved to new addresses on each pass (so every
// pass opens new flows). Each op replays the whole file: frames/s = hz x FRAMES (frames read from the capture;
// the client->DVIPA share of them is injected). The yardstick is the tcpreplay-rate.sh yardstick kept beside this repository on the
// same file in the same minute (tcpreplay --topspeed into a veth); docs/capture.md has the figures measured.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { runReplay } from '../../src/capture/replay/index.js';
import { loadRunFile } from '../../src/scenario/index.js';

const PASSES = 40;
const source = new Uint8Array(readFileSync('fixtures/captures/http-echo-8-clients.pcap'));
const dv = new DataView(source.buffer, source.byteOffset, source.byteLength);

/** The fixture's records PASSES times, 5 s apart, clients 198.51.100.x moved to 198.51.(100+pass).x. */
function bigCapture(): { path: string; frames: number } {
  const records: Uint8Array[] = [];
  let frames = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    for (let p = 24; p + 16 <= source.length; ) {
      const capLen = dv.getUint32(p + 8, true);
      const rec = source.slice(p, p + 16 + capLen);
      const rdv = new DataView(rec.buffer);
      rdv.setUint32(0, rdv.getUint32(0, true) + pass * 5, true);
      const eth = 16;
      if (capLen >= 34 && rec[eth + 12] === 0x08 && rec[eth + 13] === 0x00) {
        for (const at of [eth + 14 + 12, eth + 14 + 16]) {
          if (rec[at] === 198 && rec[at + 1] === 51 && rec[at + 2] === 100) rec[at + 2] = 100 + pass;
        }
      }
      records.push(rec);
      frames++;
      p += 16 + capLen;
    }
  }
  const total = 24 + records.reduce((n, r) => n + r.length, 0);
  const out = new Uint8Array(total);
  out.set(source.subarray(0, 24), 0);
  let o = 24;
  for (const r of records) {
    out.set(r, o);
    o += r.length;
  }
  const path = join(mkdtempSync(join(tmpdir(), 'replay-bench-')), `http-echo-x${PASSES}.pcap`);
  writeFileSync(path, out);
  return { path, frames };
}

const big = bigCapture();
const loaded = loadRunFile('fixtures/topologies/demo.yaml');
if (!loaded.ok) throw new Error('demo topology does not load');
const scenario = loaded.value;
let sink = 0;

describe(`replay ${big.frames} frames per op (${big.path}; frames/s = hz x ${big.frames})`, () => {
  bench(
    'open, asap: every client frame injected, through the whole sysplex',
    async () => {
      const r = await runReplay(scenario, { capture: big.path, mode: 'open', pace: 'asap' });
      sink += r.replay!.framesInjected;
    },
    { iterations: 8, warmupIterations: 2, time: 0 },
  );
  bench(
    'closed, asap: every flow stateful, through the whole sysplex',
    async () => {
      const r = await runReplay(scenario, { capture: big.path, mode: 'closed', pace: 'asap' });
      if (r.replay!.completed !== r.replay!.flows) throw new Error(`closed replay left ${r.replay!.flows - r.replay!.completed} flows`);
      sink += r.replay!.framesInjected;
    },
    { iterations: 8, warmupIterations: 2, time: 0 },
  );
});

export { sink };
