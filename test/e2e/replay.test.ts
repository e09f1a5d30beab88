// sysplex-emu replay through the built CLI: every fixture capture in closed mode completes every flow with no
// reset over all three targets; open mode injects every client->DVIPA frame (counted independently by tshark).

import { describe, expect, test } from 'vitest';
import { needs } from '../support/tools.js';
import { cli } from './cli.js';
import { tsharkFields } from '../capture/tshark.js';

const TOPOLOGY = 'fixtures/topologies/demo.yaml';
const CAPTURES = ['http-echo-8-clients.pcap', 'http-echo-no-offload.pcap', 'http-echo-no-offload.pcapng'];

interface ReplayJson {
  replay: {
    framesRead: number; framesInjected: number; flows: number; completed: number; reset: number; incomplete: number;
    skipped: { notToDvipa: number; nonIpv4: number; malformed: number }; clientFrames: number;
  };
  distribution: { dvipa: string; port: number; targets: { stack: string; totalConn: number; lost: number }[] }[];
}

function replay(args: string[]): ReplayJson {
  const r = cli(['replay', TOPOLOGY, ...args, '--json'], { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ReplayJson;
}

const counted = new Map<string, { flows: number; toDvipa: number; frames: number }>();

/** tshark's own count of TCP flows and client->DVIPA frames in a capture. */
function tsharkCounts(path: string): { flows: number; toDvipa: number; frames: number } {
  const known = counted.get(path);
  if (known !== undefined) return known;
  const rows = tsharkFields(path, ['ip.dst', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.srcport', 'ip.src']);
  const flows = new Set<string>();
  let toDvipa = 0;
  for (const [dst, syn, ack, sport, src] of rows) {
    if (dst !== '10.1.1.10') continue;
    toDvipa++;
    if (syn === '1' && ack === '0') flows.add(`${src}:${sport}`);
  }
  const c = { flows: flows.size, toDvipa, frames: rows.length };
  counted.set(path, c);
  return c;
}

describe.each(CAPTURES)('replay %s', (file) => {
  const path = `fixtures/captures/${file}`;

  test('closed mode completes every flow with no reset, spread over SYS1, SYS2 and SYS3', needs('tshark'), () => {
    const r = replay([path]);
    const t = tsharkCounts(path);
    expect(r.replay.framesRead).toBe(t.frames);
    expect(r.replay.flows).toBe(t.flows);
    expect(r.replay.flows).toBeGreaterThan(10);
    expect(r.replay.completed).toBe(r.replay.flows);
    expect(r.replay.reset).toBe(0);
    expect(r.replay.incomplete).toBe(0);
    expect(r.replay.clientFrames).toBe(t.toDvipa);
    const http = r.distribution.find((d) => d.port === 80)!;
    for (const stack of ['SYS1', 'SYS2', 'SYS3']) {
      const target = http.targets.find((x) => x.stack === stack)!;
      expect(target.totalConn).toBeGreaterThan(0);
      expect(target.lost).toBe(0);
    }
    const total = r.distribution.reduce((n, d) => n + d.targets.reduce((m, x) => m + x.totalConn, 0), 0);
    expect(total).toBe(r.replay.flows);
  });

  test('open mode injects every client frame to the DVIPA, at its recorded offset and as fast as possible', needs('tshark'), () => {
    const t = tsharkCounts(path);
    for (const pace of ['recorded', 'asap']) {
      const r = replay([path, '--mode', 'open', '--pace', pace]);
      expect(r.replay.framesInjected).toBe(t.toDvipa);
      expect(r.replay.clientFrames).toBe(t.toDvipa);
      expect(r.replay.framesRead).toBe(t.frames);
      const s = r.replay.skipped;
      expect(r.replay.framesInjected + s.notToDvipa + s.nonIpv4 + s.malformed).toBe(r.replay.framesRead);
      expect(s.nonIpv4).toBeGreaterThan(0); // ARP and IPv6 neighbour discovery in these captures
      expect(r.replay.flows).toBe(t.flows);
    }
  });
});

test('closed replay at --pace asap completes every flow too', () => {
  const r = replay(['fixtures/captures/http-echo-8-clients.pcap', '--pace', 'asap']);
  expect(r.replay.completed).toBe(35);
  expect(r.replay.reset).toBe(0);
});

