// The HiperSockets capture point (`CPC1.IQDF4`): every write on the IQD CHPID, the forwarded client datagram
// itself between SYS1's and SYS2's stacks; SYS3's forwards (another CPC) are not on it but on SYS1-SYS3.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { openCapture } from '../../src/capture/index.js';
import { captureInstruments } from '../../src/capture/capture-points.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/index.js';
import { readAll } from './read-all.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'iqd-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

test('the IQD CHPID is a capture point showing the forwarded datagrams to the same-CPC target', async () => {
  const s = loadScenario(`${ROOT}fixtures/scenarios/hipersockets.yaml`);
  if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('\n'));
  const iqd = join(dir, 'iqd.pcapng');
  const xcf = join(dir, 'xcf.pcapng');
  const report = await runScenario(s.value, { instruments: captureInstruments([{ point: 'CPC1.IQDF4', file: iqd }, { point: 'SYS1-SYS3', file: xcf }]) });
  expect(report.clients.completed).toBe(300);
  const frames = readAll(openCapture(iqd));
  expect(frames.length).toBe((report.captures as { point: string; frames: number }[]).find((c) => c.point === 'CPC1.IQDF4')!.frames);
  expect(frames.length).toBeGreaterThan(300);
  for (const f of frames) {
    // Ethernet + the client's datagram unchanged: IPv4 from a client (198.51.100.0/24) to the DVIPA.
    expect(f.data[12]).toBe(0x08);
    expect(f.data[14]! >> 4).toBe(4);
    expect(u32(f.data, 14 + 16)).toBe(0x0a01010a);
    expect(u32(f.data, 14 + 12) >>> 8).toBe(0xc63364);
  }
  // The cross-CPC target's forwards are IP-in-IP on the XCF point.
  const onXcf = readAll(openCapture(xcf)).filter((f) => f.data[14 + 9] === 4);
  expect(onXcf.length).toBeGreaterThan(300);
}, 120_000);
