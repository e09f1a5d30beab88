// Capture reading speed: frames per second through the pcap and pcapng readers, from memory and from the file,
// beside the yardstick of a bare loop that only hops from record header to record header of the same bytes.
// Each row's op reads FRAMES frames, so frames/s = hz x FRAMES (the goal is >= 3 M frames/s from memory).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { openCapture, PcapngWriter, readCaptureBytes, type CaptureReader } from '../../src/capture/index.js';

const DIR = 'fixtures/captures';
const PCAP = `${DIR}/http-echo-no-offload.pcap`;
const PCAPNG = `${DIR}/http-echo-no-offload.pcapng`;
const pcapBytes = new Uint8Array(readFileSync(PCAP));
const pcapngBytes = new Uint8Array(readFileSync(PCAPNG));
const PASSES = 40;
const FRAMES = 287 * PASSES;

// One big file of the same records PASSES times over: streaming throughput without the cost of opening.
const BIG = join(mkdtempSync(join(tmpdir(), 'capture-bench-')), 'big.pcap');
{
  const records = pcapBytes.subarray(24);
  const big = new Uint8Array(24 + records.length * PASSES);
  big.set(pcapBytes.subarray(0, 24), 0);
  for (let i = 0; i < PASSES; i++) big.set(records, 24 + i * records.length);
  writeFileSync(BIG, big);
}

let sink = 0;
function drain(open: () => CaptureReader): void {
  for (let pass = 0; pass < PASSES; pass++) {
    const r = open();
    for (let f = r.next(); f !== null; f = r.next()) sink += f.l3Length;
    r.close();
  }
}

/** The yardstick: walk the pcap record headers and touch one byte of each frame; no frame objects. */
function bareLoop(): void {
  const dv = new DataView(pcapBytes.buffer, pcapBytes.byteOffset, pcapBytes.byteLength);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let p = 24; p + 16 <= pcapBytes.length; ) {
      const capLen = dv.getUint32(p + 8, true);
      sink += pcapBytes[p + 16 + 12]! + capLen;
      p += 16 + capLen;
    }
  }
}

const frames = (() => {
  const r = readCaptureBytes(pcapBytes);
  const out = [];
  for (let f = r.next(); f !== null; f = r.next()) out.push(f);
  return out;
})();

describe(`read ${FRAMES} frames per op (http-echo-no-offload x ${PASSES})`, () => {
  bench('yardstick: bare loop over pcap record headers', bareLoop);
  bench('pcap from memory', () => drain(() => readCaptureBytes(pcapBytes)));
  bench('pcapng from memory', () => drain(() => readCaptureBytes(pcapngBytes)));
  bench('pcap from the file, opened each pass', () => drain(() => openCapture(PCAP)));
  bench('pcapng from the file, opened each pass', () => drain(() => openCapture(PCAPNG)));
  bench('pcap from one 5.7 MB file (256 KiB chunks)', () => {
    const r = openCapture(BIG);
    for (let f = r.next(); f !== null; f = r.next()) sink += f.l3Length;
    r.close();
  });
});

describe(`write ${FRAMES} frames per op`, () => {
  const writeAll = (w: PcapngWriter): void => {
    let t = 0;
    for (let pass = 0; pass < PASSES; pass++) for (const f of frames) w.writeFrame((t += 1000), f.data);
    w.close();
  };
  bench('pcapng writer to a file (64 KiB flushes)', () => writeAll(PcapngWriter.toFile(join(BIG, '..', 'out.pcapng'), { pointName: 'OSA1' })));
  bench('pcapng writer to memory', () => {
    const w = PcapngWriter.toMemory({ pointName: 'OSA1' });
    writeAll(w);
    sink += w.sink.bytes().length;
  });
});
