// Fuzzing the readers with fast-check: truncated, bit-flipped, overwritten and random inputs, seeded from the
// fixture captures and from every synthetic variant. A reader may only return frames or throw a
// CaptureFormatError, always within a bounded number of steps, and the file and memory paths must agree.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CaptureFormatError,
  openCapture,
  PcapngWriter,
  readCaptureBytes,
  type CaptureFrame,
  type CaptureReader,
} from '../../src/capture/index.js';
import { hex } from './read-all.js';
import { ethernet, ipv4 } from './synth.js';
import { allVariants } from './variants.js';

function writerOutput(): Uint8Array {
  const w = PcapngWriter.toMemory({ pointName: 'OSA1', sectionComment: 'fuzz seed' });
  for (let i = 0; i < 5; i++) w.writeFrame(i * 1000, ethernet(ipv4(20 + i * 30, i)), undefined, i % 2 ? 'c' : null);
  w.close();
  return w.sink.bytes();
}

const FIXTURES = ['http-echo-8-clients.pcap', 'http-echo-no-offload.pcap', 'http-echo-no-offload.pcapng'].map(
  // A plain Uint8Array copy: Buffer#slice would give a view, and mutations would leak into the seed.
  (f) => new Uint8Array(readFileSync(`fixtures/captures/${f}`)),
);
/** The file cut at the first frame that starts past `bytes` (a valid capture of a few dozen frames). */
function firstFrames(file: Uint8Array, bytes: number): Uint8Array {
  const r = readCaptureBytes(file);
  for (let f = r.next(); f !== null; f = r.next()) if (f.fileOffset > bytes) return file.slice(0, f.fileOffset);
  return file;
}

// The big fixtures are cut to about their first 16 KiB so each run stays fast.
const SEEDS: Uint8Array[] = [
  ...allVariants().map((v) => v.bytes),
  writerOutput(),
  ...FIXTURES.map((b) => firstFrames(b, 16 * 1024)),
];

interface Outcome {
  frames: CaptureFrame[];
  error: CaptureFormatError | null;
}

/** Reads everything; fails the property on any other exception, an invalid frame, or too many steps. */
function drain(open: () => CaptureReader, size: number): Outcome {
  const frames: CaptureFrame[] = [];
  // Every frame consumes at least 12 bytes (a pcapng block) of the file, so this bound proves termination.
  const maxSteps = Math.floor(size / 12) + 2;
  let reader: CaptureReader | null = null;
  try {
    reader = open();
    for (let steps = 0; ; steps++) {
      if (steps > maxSteps) throw new Error(`more than ${maxSteps} steps over ${size} bytes`);
      const f = reader.next();
      if (f === null) break;
      checkFrame(f);
      frames.push(f);
    }
    expect(reader.next()).toBeNull();
    return { frames, error: null };
  } catch (e) {
    if (e instanceof CaptureFormatError) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(size);
      return { frames, error: e };
    }
    throw e;
  } finally {
    reader?.close();
  }
}

function checkFrame(f: CaptureFrame): void {
  if (!(f.tsNsec >= 0 && f.tsNsec < 1e9 && Number.isInteger(f.tsNsec))) throw new Error(`bad tsNsec ${f.tsNsec}`);
  if (f.l3Offset >= 0 && f.l3Offset + f.l3Length > f.capLen) throw new Error('network layer past the frame');
  if (f.data.length !== f.capLen) throw new Error('capLen');
}

const seedArb = fc.constantFrom(...SEEDS);

/** A seed with k bits flipped. */
const flipped = seedArb.chain((seed) =>
  fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
    const b = seed.slice();
    for (const [at, bit] of flips) b[at]! ^= 1 << bit;
    return b;
  }),
);

/** A seed with a run of bytes overwritten (lengths and counts turn into anything). */
const overwritten = seedArb.chain((seed) =>
  fc.tuple(fc.nat(seed.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, junk]) => {
    const b = seed.slice();
    b.set(junk.subarray(0, b.length - at), at);
    return b;
  }),
);

/** A seed with a slice cut out of the middle or inserted (misaligned records). */
const spliced = seedArb.chain((seed) =>
  fc.tuple(fc.nat(seed.length), fc.nat(seed.length), fc.uint8Array({ maxLength: 12 })).map(([a, b, ins]) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const out = new Uint8Array(lo + ins.length + seed.length - hi);
    out.set(seed.subarray(0, lo), 0);
    out.set(ins, lo);
    out.set(seed.subarray(hi), lo + ins.length);
    return out;
  }),
);

/** Random bytes behind a real magic number, so the fuzz gets past the first check. */
const randomBehindMagic = fc
  .tuple(
    fc.constantFrom(
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0xc3, 0xd4],
      [0x4d, 0x3c, 0xb2, 0xa1],
      [0x34, 0xcd, 0xb2, 0xa1],
      [0x0a, 0x0d, 0x0d, 0x0a],
    ),
    fc.uint8Array({ maxLength: 600 }),
  )
  .map(([magic, rest]) => Uint8Array.from([...magic, ...rest]));

const property = (arb: fc.Arbitrary<Uint8Array>) =>
  fc.property(arb, (bytes) => {
    drain(() => readCaptureBytes(bytes, 'fuzz'), bytes.length);
  });

describe('readers under fuzzing never throw anything but CaptureFormatError, and always stop', () => {
  test('bit flips', () => fc.assert(property(flipped), { numRuns: 600 }));
  test('overwritten runs of bytes', () => fc.assert(property(overwritten), { numRuns: 600 }));
  test('cut and inserted slices', () => fc.assert(property(spliced), { numRuns: 400 }));
  test('random bytes behind a magic number', () => fc.assert(property(randomBehindMagic), { numRuns: 600 }));
  test('random bytes', () => fc.assert(property(fc.uint8Array({ maxLength: 200 })), { numRuns: 300 }));
});

describe('truncation', () => {
  test('any prefix of a valid file gives a prefix of its frames, then at most one error', () => {
    fc.assert(
      fc.property(
        seedArb.chain((seed) => fc.tuple(fc.constant(seed), fc.nat(seed.length))),
        ([seed, cut]) => {
          const full = drain(() => readCaptureBytes(seed), seed.length);
          expect(full.error).toBeNull();
          const part = drain(() => readCaptureBytes(seed.subarray(0, cut)), cut);
          expect(part.frames.length).toBeLessThanOrEqual(full.frames.length);
          part.frames.forEach((f, i) => {
            const g = full.frames[i]!;
            expect([f.fileOffset, f.tsSec, f.tsNsec, hex(f.data)]).toEqual([g.fileOffset, g.tsSec, g.tsNsec, hex(g.data)]);
          });
          // A clean end exactly where a frame's record ended is fine; anywhere else inside a record is an error.
          if (part.error === null && part.frames.length < full.frames.length && cut >= 4) {
            const next = full.frames[part.frames.length]!;
            expect(cut).toBeLessThanOrEqual(next.fileOffset);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the file path and the memory path agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-fuzz-'));
  test('same frames and the same error at the same offset, whatever the chunk size', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(flipped, overwritten, spliced), fc.integer({ min: 1, max: 4096 }), (bytes, chunkBytes) => {
        const path = join(dir, `f${n++ % 4}.cap`);
        writeFileSync(path, bytes);
        const mem = drain(() => readCaptureBytes(bytes, path), bytes.length);
        const file = drain(() => openCapture(path, { chunkBytes }), bytes.length);
        expect(file.frames.length).toBe(mem.frames.length);
        file.frames.forEach((f, i) => expect(hex(f.data)).toBe(hex(mem.frames[i]!.data)));
        expect(file.error?.offset).toBe(mem.error?.offset);
        expect(file.error?.message).toBe(mem.error?.message);
      }),
      { numRuns: 200 },
    );
  });
});
