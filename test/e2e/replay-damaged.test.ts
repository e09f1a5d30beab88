// Damaged captures made from the good fixtures: each kind is exit 2 through the built CLI with `FILE: byte N:
// message` (the offset the reader names), one line, no stack trace, and nothing written (no capture, no trace).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { readCaptureBytes } from '../../src/capture/index.js';
import { formatErrorOf, readAll } from '../capture/read-all.js';
import { cli, STACK_FRAME } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pcap = new Uint8Array(readFileSync('fixtures/captures/http-echo-no-offload.pcap'));
const pcapng = new Uint8Array(readFileSync('fixtures/captures/http-echo-no-offload.pcapng'));
const le = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** File offset of pcap record `k` (0-based). */
function pcapRecord(k: number): number {
  let o = 24;
  for (let i = 0; i < k; i++) o += 16 + le(pcap).getUint32(o + 8, true);
  return o;
}

/** File offset of the first pcapng Enhanced Packet Block. */
function firstEpb(): number {
  let o = 0;
  for (;;) {
    const type = le(pcapng).getUint32(o, true);
    if (type === 6) return o;
    o += le(pcapng).getUint32(o + 4, true);
  }
}

function damaged(): { name: string; bytes: Uint8Array; offset: number | null }[] {
  const badMagic = pcap.slice();
  le(badMagic).setUint32(0, 0x12345678, true);
  const snap = pcap.slice();
  le(snap).setUint32(16, 100, true); // snapshot length 100 while records hold more
  const r5 = pcapRecord(5);
  const blockLen = pcapng.slice();
  const epb = firstEpb();
  const total = le(pcapng).getUint32(epb + 4, true);
  le(blockLen).setUint32(epb + total - 4, total + 4, true); // trailing length does not add up
  return [
    { name: 'bad-magic.pcap', bytes: badMagic, offset: 0 },
    { name: 'truncated-header.pcap', bytes: pcap.subarray(0, 13), offset: 0 },
    { name: 'truncated-record-header.pcap', bytes: pcap.subarray(0, r5 + 9), offset: r5 },
    { name: 'truncated-record-data.pcap', bytes: pcap.subarray(0, r5 + 16 + 20), offset: null },
    { name: 'caplen-over-snaplen.pcap', bytes: snap, offset: null },
    { name: 'block-length.pcapng', bytes: blockLen, offset: null },
    { name: 'truncated-block.pcapng', bytes: pcapng.subarray(0, epb + 30), offset: epb },
    { name: 'empty.pcapng', bytes: new Uint8Array(0), offset: 0 },
  ];
}

test('each kind of damage is exit 2 with the byte offset, and the run writes nothing', () => {
  for (const d of damaged()) {
    const file = join(dir, d.name);
    writeFileSync(file, d.bytes);
    const e = formatErrorOf(() => readAll(readCaptureBytes(d.bytes, file)));
    if (d.offset !== null) expect(e.offset, d.name).toBe(d.offset);
    else expect(e.offset, d.name).toBeGreaterThan(0);
    const out = join(dir, `${d.name}.out`);
    const r = cli(['replay', 'fixtures/topologies/demo.yaml', file, '--trace', `${out}.jsonl`, '--capture', `LAN1=${out}.pcapng`]);
    expect(r.status, d.name).toBe(2);
    expect(r.stderr, d.name).toBe(`${file}: byte ${e.offset}: ${e.message}\n`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe('');
    expect(existsSync(`${out}.jsonl`)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith(`${d.name}.out`))).toEqual([]);
  }
}, 120_000);
