// Capture points through the built CLI, judged by tshark: the demo's OSA1, LAN1 and SYS1-SYS2 captures open
// cleanly (no malformed packet, no error), OSA1 shows the demo's 1000 connections, the XCF encapsulation
// shows forwarded client segments as IP-in-IP and control traffic as UDP, and bad specs are exit 2.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needs } from '../support/tools.js';
import { openCapture } from '../../src/capture/index.js';
import { XCF_UDP_PORT } from '../../src/capture/xcf-encap.js';
import { readAll } from '../capture/read-all.js';
import { tshark, tsharkFields } from '../capture/tshark.js';
import { cli, STACK_FRAME } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'capture-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const osa1 = join(dir, 'osa1.pcapng');
const lan1 = join(dir, 'lan1.pcapng');
const xcf = join(dir, 'sys1-sys2.pcapng');
let report: { captures: { point: string; file: string; frames: number }[]; clients: { completed: number } };

/** tshark's expert information: no malformed packets and no errors (a malformed packet is an expert error). */
function expectClean(file: string, full = false): void {
  const { stdout, stderr } = tshark(['-r', file, '-q', '-z', 'expert,warn']);
  expect(stderr).toBe('');
  expect(stdout).not.toMatch(/Malformed/i);
  expect(stdout).not.toMatch(/^Errors/m);
  if (!full) return;
  // Every frame dissected in full, without exceptions.
  const all = tshark(['-r', file, '-V']);
  expect(all.stdout).not.toMatch(/\[Malformed Packet|Dissector bug|\[Packet size limited/);
}

/** One tshark pass over a capture: flags and addresses of every frame. */
function rows(file: string): { syn: boolean; ack: boolean; src: string; dst: string; sport: string; dport: string; arp: boolean }[] {
  return tsharkFields(file, ['tcp.flags.syn', 'tcp.flags.ack', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'arp.opcode']).map(
    ([syn, ack, src, dst, sport, dport, arp]) => ({ syn: syn === '1', ack: ack === '1', src: src!, dst: dst!, sport: sport!, dport: dport!, arp: arp !== undefined && arp !== '' }),
  );
}

describe('a capture of the demo', needs('tshark'), () => {
  // The demo runs only when tshark is there to judge its captures.
  beforeAll(() => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--capture', `OSA1=${osa1}`, '--capture', `LAN1=${lan1}`, '--capture', `SYS2-SYS1=${xcf}`], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    report = JSON.parse(r.stdout);
  });

  test('OSA1 opens cleanly in tshark and shows the demo connections: 1000 SYNs', () => {
    expectClean(osa1);
    const all = rows(osa1);
    const syns = all.filter((r) => r.syn && !r.ack && r.dst === '10.1.1.10' && r.dport === '80');
    expect(syns).toHaveLength(1000);
    expect(report.clients.completed).toBe(1000);
    // Both directions: SYS1's own SYN-ACKs leave through OSA1 (a third of the connections are served there).
    const synAcks = all.filter((r) => r.syn && r.ack);
    expect(synAcks.length).toBeGreaterThan(300);
    expect(synAcks.length).toBeLessThan(400);
  });

  test('timestamps are virtual nanoseconds from the start, in order, and the report counts the frames', () => {
    const frames = readAll(openCapture(osa1));
    expect(frames.length).toBe(report.captures.find((c) => c.point === 'OSA1')!.frames);
    expect(frames[0]!.tsSec).toBe(0);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.timestampNs).toBeGreaterThanOrEqual(frames[i - 1]!.timestampNs);
    expect(frames.at(-1)!.tsSec).toBeLessThanOrEqual(1);
    const ifName = tsharkFields(osa1, ['frame.interface_name'], ['-c', '1'])[0]![0];
    expect(ifName).toBe('OSA1');
  });

  test('LAN1 opens cleanly and holds every frame once: each SYN exactly once', () => {
    expectClean(lan1);
    const all = rows(lan1);
    const syns = all.filter((r) => r.syn && !r.ack);
    expect(syns).toHaveLength(1000);
    expect(new Set(syns.map((s) => `${s.src}:${s.sport}`)).size).toBe(1000);
    expect(all.filter((r) => r.arp).length).toBeGreaterThan(0);
  });

  test('SYS1-SYS2 (through CF01) opens cleanly: forwarded client segments as IP-in-IP, control messages as UDP', () => {
    expectClean(xcf, true);
    const forwarded = tsharkFields(xcf, ['ip.src', 'ip.dst', 'ip.proto'], ['-Y', 'ip.proto == 4 && tcp.flags.syn == 1']);
    expect(forwarded.length).toBeGreaterThan(300); // a third of the SYNs go SYS1 -> SYS2
    // tshark lists the outer then the inner header's fields: 10.9.9.1,<client> -> 10.9.9.2,10.1.1.10, protocols 4,6.
    for (const [src, dst, proto] of forwarded) {
      expect(src).toMatch(/^10\.9\.9\.1,198\.51\.100\.\d+$/);
      expect(dst).toBe('10.9.9.2,10.1.1.10');
      expect(proto).toBe('4,6');
    }
    const udp = tsharkFields(xcf, ['ip.src', 'ip.dst'], ['-Y', `udp.port == ${XCF_UDP_PORT}`]);
    expect(udp.some(([s]) => s === '10.9.9.1')).toBe(true);
    expect(udp.some(([s]) => s === '10.9.9.2')).toBe(true);
    const json = tsharkFields(xcf, ['data.data'], ['-Y', `udp.port == ${XCF_UDP_PORT} && data.data contains 7b:22:6d:22`]);
    expect(json.length).toBeGreaterThan(0); // {"m": control messages in JSON after version and type
  });
});

test('bad capture specs and unknown points are exit 2 with one line, and leave no files', () => {
  const out = join(dir, 'bad');
  const cases: [string, RegExp][] = [
    ['OSA1', /expected POINT=FILE/],
    [`=${out}.pcapng`, /expected POINT=FILE/],
    [`OSA9=${out}.pcapng`, /capture point OSA9: no OSA, LAN or XCF link of that name \(this topology has OSA1, OSA2, OSA3, LAN1, SYS1-SYS2/],
    [`SYS1-SYS9=${out}.pcapng`, /no OSA, LAN or XCF link/],
    [`OSA1=${dir}/no/such/dir/x.pcapng`, /cannot create/],
  ];
  for (const [spec, message] of cases) {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--quiet', '--capture', `LAN1=${out}-lan.pcapng`, '--capture', spec]);
    expect(r.status, spec).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
  }
  expect(existsSync(`${out}-lan.pcapng`)).toBe(false);
});
