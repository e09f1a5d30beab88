// The pcapng writer: round trips through our reader, tshark reads it cleanly, files appear atomically.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { needs } from '../support/tools.js';
import {
  CaptureWriteError,
  MemorySink,
  openCapture,
  PcapngWriter,
  readCaptureBytes,
} from '../../src/capture/index.js';
import { hex, readAll } from './read-all.js';
import { ethernet, ipv4, ipv4Tcp, type TcpSpec } from './synth.js';
import { tshark, tsharkFields } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'capture-writer-'));

/** A client's HTTP exchange with the DVIPA: handshake, request, response, close. */
function conversation(): { ts: number; frame: Uint8Array; spec: TcpSpec }[] {
  const c = { src: '198.51.100.7', dst: '10.1.1.10', sport: 40000, dport: 80 };
  const s = { src: c.dst, dst: c.src, sport: 80, dport: 40000 };
  const req = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: 10.1.1.10\r\n\r\n');
  const resp = new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
  const specs: TcpSpec[] = [
    { ...c, seq: 1000, ack: 0, flags: 0x02 },
    { ...s, seq: 5000, ack: 1001, flags: 0x12 },
    { ...c, seq: 1001, ack: 5001, flags: 0x10 },
    { ...c, seq: 1001, ack: 5001, flags: 0x18, payload: req },
    { ...s, seq: 5001, ack: 1001 + req.length, flags: 0x18, payload: resp },
    { ...c, seq: 1001 + req.length, ack: 5001 + resp.length, flags: 0x11 },
    { ...s, seq: 5001 + resp.length, ack: 1002 + req.length, flags: 0x11 },
    { ...c, seq: 1002 + req.length, ack: 5002 + resp.length, flags: 0x10 },
  ];
  // Virtual time from 0, 1.5 us apart, plus one nanosecond to prove the resolution.
  return specs.map((spec, i) => ({ ts: i * 1500 + (i === 3 ? 1 : 0), spec, frame: ethernet(ipv4Tcp({ ...spec, id: i + 1 }), { pad: true }) }));
}

describe('PcapngWriter in memory', () => {
  test('our reader reads back every frame, timestamp, interface name and comment', () => {
    const w = PcapngWriter.toMemory({ pointName: 'OSA1' });
    const conv = conversation();
    conv.forEach((c, i) => w.writeFrame(c.ts, c.frame, c.frame.length, i === 0 ? 'first SYN' : null));
    w.close();
    const r = readCaptureBytes(w.sink.bytes());
    const frames = readAll(r);
    expect(r.format).toBe('pcapng');
    expect(r.interfaces).toEqual([{ ifIndex: 0, linkType: 1, snapLen: 262144, name: 'OSA1', section: 0, localId: 0 }]);
    expect(frames.length).toBe(conv.length);
    frames.forEach((f, i) => {
      expect(hex(f.data)).toBe(hex(conv[i]!.frame));
      expect(f.timestampBigNs()).toBe(BigInt(conv[i]!.ts));
      expect(f.comment).toBe(i === 0 ? 'first SYN' : null);
    });
  });

  test('frames over the snaplen are cut and keep their original length; bigint and large timestamps', () => {
    const w = PcapngWriter.toMemory({ pointName: 'LAN1', snapLen: 64 });
    const big = ethernet(ipv4(1400));
    w.writeFrame(2n ** 63n + 5n, big);
    w.writeFrame(Number.MAX_SAFE_INTEGER, big.subarray(0, 60), 1500);
    w.close();
    const [a, b] = readAll(readCaptureBytes(w.sink.bytes()));
    expect([a!.capLen, a!.origLen, a!.timestampBigNs()]).toEqual([64, big.length, 2n ** 63n + 5n]);
    expect(hex(a!.data)).toBe(hex(big.subarray(0, 64)));
    expect([b!.capLen, b!.origLen, b!.timestampBigNs()]).toEqual([60, 1500, BigInt(Number.MAX_SAFE_INTEGER)]);
  });

  test('the same calls give byte-identical files', () => {
    const write = () => {
      const w = PcapngWriter.toMemory({ pointName: 'OSA2', sectionComment: 'seed 7' });
      for (const c of conversation()) w.writeFrame(c.ts, c.frame);
      w.close();
      return hex(w.sink.bytes());
    };
    expect(write()).toBe(write());
  });

  test('memory stays bounded: the buffer goes to the sink each time it passes flushBytes', () => {
    const writes: number[] = [];
    class CountingSink extends MemorySink {
      override write(bytes: Uint8Array): void {
        writes.push(bytes.length);
        super.write(bytes);
      }
    }
    const w = new PcapngWriter(new CountingSink(), { pointName: 'OSA1', flushBytes: 4096 });
    const frame = ethernet(ipv4(986)); // a 1032-byte EPB
    for (let i = 0; i < 100; i++) w.writeFrame(i, frame);
    expect(writes.length).toBeGreaterThanOrEqual(100 * 1032 / 5120);
    expect(Math.max(...writes)).toBeLessThanOrEqual(4096 + 1032);
    w.close();
    expect(readAll(readCaptureBytes(w.sink.bytes())).length).toBe(100);
  });

  test('bad calls are CaptureWriteErrors', () => {
    const w = PcapngWriter.toMemory({ pointName: 'OSA1' });
    const f = ethernet(ipv4(10));
    expect(() => w.writeFrame(-1, f)).toThrow(CaptureWriteError);
    expect(() => w.writeFrame(1.5, f)).toThrow(CaptureWriteError);
    expect(() => w.writeFrame(2n ** 64n, f)).toThrow(CaptureWriteError);
    expect(() => w.writeFrame(0, f, f.length - 1)).toThrow(CaptureWriteError);
    expect(() => PcapngWriter.toMemory({ pointName: 'x', snapLen: 0 })).toThrow(CaptureWriteError);
    w.close();
    expect(() => w.writeFrame(0, f)).toThrow(/closed/);
  });
});

describe('PcapngWriter to a file', () => {
  test('writes under a temporary name and renames on close', () => {
    const path = join(dir, 'osa1.pcapng');
    const w = PcapngWriter.toFile(path, { pointName: 'OSA1', flushBytes: 1024 });
    for (const c of conversation()) w.writeFrame(c.ts, c.frame);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(true);
    w.close();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(readAll(openCapture(path)).length).toBe(8);
  });

  test('abort leaves nothing behind', () => {
    const path = join(dir, 'aborted.pcapng');
    const w = PcapngWriter.toFile(path, { pointName: 'OSA1' });
    w.writeFrame(0, ethernet(ipv4(10)));
    w.abort();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  test('tshark reads it without errors or malformed packets, fields as written', needs('tshark'), () => {
    const path = join(dir, 'conversation.pcapng');
    const w = PcapngWriter.toFile(path, { pointName: 'OSA1', sectionComment: 'sysplex-emu test' });
    const conv = conversation();
    conv.forEach((c, i) => w.writeFrame(c.ts, c.frame, c.frame.length, i === 3 ? 'GET /' : null));
    w.close();

    const checks = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
    const rows = tsharkFields(
      path,
      [
        'frame.number',
        'frame.time_epoch',
        'frame.interface_name',
        'frame.comment',
        'ip.src',
        'ip.dst',
        'tcp.srcport',
        'tcp.dstport',
        'tcp.seq_raw',
        'tcp.ack_raw',
        'tcp.flags',
        'tcp.len',
        'ip.checksum.status',
        'tcp.checksum.status',
      ],
      checks,
    );
    expect(rows.length).toBe(conv.length);
    rows.forEach((r, i) => {
      const { spec, ts } = conv[i]!;
      expect(r).toEqual([
        String(i + 1),
        `0.${String(ts).padStart(9, '0')}`,
        'OSA1',
        i === 3 ? 'GET /' : '',
        spec.src,
        spec.dst,
        String(spec.sport),
        String(spec.dport),
        String(spec.seq),
        String(spec.ack),
        `0x${spec.flags.toString(16).padStart(4, '0')}`,
        String(spec.payload?.length ?? 0),
        '1', // Wireshark's checksum status: 0 bad, 1 good, 2 unverified
        '1',
      ]);
    });
    // Nothing malformed, no warnings on stderr, and the expert info has no error-level entries.
    const malformed = tshark(['-r', path, ...checks, '-Y', '_ws.malformed || _ws.expert.severity == error']);
    expect(malformed.stdout).toBe('');
    expect(malformed.stderr).toBe('');
    const info = tshark(['-r', path, '-q', '-z', 'io,stat,0']);
    expect(info.stderr).toBe('');
    expect(info.stdout).toMatch(/\|\s+8\s+\|/);
  });
});
