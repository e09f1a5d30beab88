// Issue 21, "everything works partitioned": capture points and replay ride along a partitioned run and give the
// files and the report of one process, through the built CLI. The workers record what their own components
// send (src/backplane/instrument-parts.ts) and the coordinator merges it; the replay injector runs in the
// partition of the LAN router's far end and the LPARs' partitions count its lost flows.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { readAll } from '../capture/read-all.js';
import { ethernet, ipv4Tcp } from '../capture/synth.js';
import { macFor } from '../../hw-models/lan/wire.js';
import { childrenOf, commandLine, comparable, cpuTimeMs, run, start, until } from './processes.js';
import { ROOT } from '../e2e/cli.js';

/** The report without what may differ (wall time, partitions, the backplane) and with capture files named by
 *  their point only (each run writes its own files). */
function sameAs(stdout: string): unknown {
  const r = comparable(stdout) as Record<string, unknown>;
  const captures = r.captures as { point: string; file: string; frames: number }[] | undefined;
  if (captures !== undefined) r.captures = captures.map((c) => ({ point: c.point, frames: c.frames }));
  return r;
}

const POINTS = ['OSA1', 'LAN1', 'SYS1-SYS2', 'OSA3'];
/** One process, then partitions on threads (the default on one host), then on processes (the ZeroMQ backplane). */
const VARIANTS: { n: number; over: string[] }[] = [{ n: 1, over: [] }, { n: 2, over: [] }, { n: 3, over: [] }, { n: 3, over: ['--transport', 'processes'] }];

describe.concurrent('capture points in a partitioned run', () => {
  // target-loss-short: SYS3 goes down at 6 ms with echo connections open. With 3 partitions (round robin) SYS1,
  // OSA1 and LAN1 are in partition 0 and OSA2, OSA3 elsewhere, so the LAN point merges the frames of three
  // partitions and SYS1-SYS2 (XCF through CF01's list structures) those of two; with 2 the clients are apart.
  it('OSA, LAN and XCF points: byte-identical pcapng files and the same report with 1, 2 and 3 partitions (threads and processes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'captures-'));
    const runs = await Promise.all(
      VARIANTS.map(async ({ n, over }) => {
        const caps = POINTS.flatMap((p) => ['--capture', `${p}=${join(dir, `${p}-${n}${over.join('')}.pcapng`)}`]);
        const r = await run(['run', 'test/backplane/fixtures/target-loss-short.yaml', '--json', '--partitions', String(n), ...over, ...caps]);
        expect(r.status, `${n} partitions ${over.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe('');
        return { n, r, files: POINTS.map((p) => readFileSync(join(dir, `${p}-${n}${over.join('')}.pcapng`))) };
      }),
    );
    const [one, ...more] = runs;
    const report = JSON.parse(one!.r.stdout) as { captures: { point: string; frames: number }[] };
    // Each point saw traffic (the XCF point the signals between SYS1 and SYS2, the OSA3 point stops at 6 ms).
    for (const [i, c] of report.captures.entries()) {
      expect(c.point).toBe(POINTS[i]);
      expect(c.frames, c.point).toBeGreaterThan(10);
      expect(readAll(openCapture(join(dir, `${c.point}-1.pcapng`)))).toHaveLength(c.frames);
    }
    for (const m of more) {
      expect(sameAs(m.r.stdout), `report with ${m.n} partitions`).toEqual(sameAs(one!.r.stdout));
      m.files.forEach((f, i) => expect(Buffer.compare(f, one!.files[i]!), `${POINTS[i]} with ${m.n} partitions is byte-identical`).toBe(0));
    }
  }, 300_000);
});

describe('a partitioned run with capture points fails', () => {
  it('a worker killed mid-run: exit 3, and no capture file (nor a partial one) is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'captures-killed-'));
    const r = start(['run', 'fixtures/bench/throughput.yaml', '--json', '--partitions', '2', '--transport', 'processes', '--capture', `LAN1=${join(dir, 'lan1.pcapng')}`, '--capture', `OSA2=${join(dir, 'osa2.pcapng')}`]);
    const workers = () => childrenOf(r.child.pid!).filter((c) => commandLine(c).includes(' worker --connect '));
    await until(() => workers().length === 2 && workers().every((w) => cpuTimeMs(w) >= 1800), 120_000, 'two busy workers');
    process.kill(workers()[1]!, 'SIGKILL');
    const f = await r.done;
    expect(f.status).toBe(3);
    expect(f.stderr).toMatch(/run failed: partition 1 .* was killed \(SIGKILL\)/);
    expect(readdirSync(dir)).toEqual([]);
  }, 180_000);
});

describe.concurrent('replay in a partitioned run', () => {
  // fixtures/scenarios/replay.yaml: 11 captured flows into the demo, the run ends 10 ms after the replay is over
  // (the injector ends it: a partitioned run moves its end time there). replay-fault.yaml takes SYS2 down with a
  // replayed flow open on it, so SYS2's lost count comes from the injector's flows counted in SYS2's partition.
  for (const file of ['fixtures/scenarios/replay.yaml', 'test/backplane/fixtures/replay-fault.yaml']) {
    it(`${file.split('/').pop()}: 2 and 3 partitions (threads and processes) give the report, trace and LAN capture of one process`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'replay-'));
      const runs = await Promise.all(
        VARIANTS.map(async ({ n, over }) => {
          const trace = join(dir, `t${n}${over.join('')}.jsonl`);
          const pcap = join(dir, `l${n}${over.join('')}.pcapng`);
          const r = await run(['run', file, '--json', '--partitions', String(n), ...over, '--trace', trace, '--capture', `LAN1=${pcap}`]);
          expect(r.status, `${n} partitions ${over.join(' ')}: ${r.stderr}`).toBe(0); // the scenario's expectations hold
          expect(r.stderr).toBe('');
          return { n, r, trace: readFileSync(trace, 'utf8'), pcap: readFileSync(pcap) };
        }),
      );
      const [one, ...more] = runs;
      const report = JSON.parse(one!.r.stdout) as { replay: { flows: number; completed: number }; virtualTimePs: number };
      expect(report.replay.flows).toBe(11);
      // Ended by the replay, well before the run's default end.
      expect(report.virtualTimePs).toBeLessThan(3_000_000_000_000);
      for (const m of more) {
        expect(sameAs(m.r.stdout), `report with ${m.n} partitions`).toEqual(sameAs(one!.r.stdout));
        expect(m.trace === one!.trace, `trace with ${m.n} partitions is byte-identical`).toBe(true);
        expect(Buffer.compare(m.pcap, one!.pcap), `LAN1 capture with ${m.n} partitions`).toBe(0);
      }
    }, 300_000);
  }

  for (const [capture, mode, n] of [['http-echo-no-offload.pcapng', ['--mode', 'closed'], 2], ['http-echo-8-clients.pcap', ['--mode', 'open', '--pace', 'asap'], 3]] as const) {
    it(`sysplex-emu replay TOPOLOGY ${capture} ${mode.join(' ')} --partitions ${n}: the report and OSA1 capture of one process`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
      const args = (k: number) => ['replay', 'fixtures/topologies/demo.yaml', `fixtures/captures/${capture}`, ...mode, '--json', '--capture', `OSA1=${join(dir, `o${k}.pcapng`)}`];
      const [one, more] = await Promise.all([run(args(1)), run([...args(n), '--partitions', String(n)])]);
      expect(one.status, one.stderr).toBe(0);
      expect(more.status, more.stderr).toBe(0);
      expect(JSON.parse(more.stdout).partitions).toBe(n);
      expect(JSON.parse(one.stdout).replay.flows).toBeGreaterThan(10);
      expect(sameAs(more.stdout)).toEqual(sameAs(one.stdout));
      expect(Buffer.compare(readFileSync(join(dir, `o${n}.pcapng`)), readFileSync(join(dir, 'o1.pcapng')))).toBe(0);
    }, 300_000);
  }
});

describe('a recorded live run (captureMode: tap) in a partitioned run', () => {
  // A tap recording made here rather than by a live run (that needs a TAP device): 24 SYNs from four hosts
  // behind LAN1's router to the DVIPA's two ports, 1 ms apart. The TAP port answers for the gateway and the
  // stacks answer every SYN; with 2 partitions the TAP port runs apart from the sysplex (the cut by latency).
  it('posts each frame in the partition of its TAP port: the report and trace of one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tap-replay-'));
    const rec = PcapngWriter.toFile(join(dir, 'tap.pcapng'), { pointName: 'tap', sectionComment: 'made by instruments.test.ts' });
    for (let i = 0; i < 24; i++) {
      const syn = ipv4Tcp({ src: `198.51.100.${50 + (i % 4)}`, dst: '10.1.1.10', sport: 40000 + i, dport: i % 2 === 0 ? 80 : 7, seq: 1000 * i, ack: 0, flags: 2, id: i + 1 });
      const frame = ethernet(syn);
      frame.set(macBytes(macFor('LAN1.tap')), 0); // to the gateway's MAC (the TAP port answers for it)
      rec.writeFrame(100_000_000 + i * 1_000_000, frame, undefined, 'LAN1');
    }
    rec.close();
    const scenario = join(dir, 'scenario.yaml');
    writeFileSync(scenario, `name: a made-up tap recording\ntopology: ${join(ROOT, 'fixtures/topologies/demo.yaml')}\nseed: 3\nuntil: 160ms\ncapture: tap.pcapng\ncaptureMode: tap\n`);
    const runs = await Promise.all(
      [1, 2].map(async (n) => {
        const trace = join(dir, `t${n}.jsonl`);
        const r = await run(['run', scenario, '--json', '--partitions', String(n), '--trace', trace]);
        expect(r.status, `${n} partitions: ${r.stderr}`).toBe(0);
        return { n, r, trace: readFileSync(trace, 'utf8') };
      }),
    );
    const [one, two] = runs;
    const report = JSON.parse(one!.r.stdout) as { replay: { mode: string; framesRead: number; framesInjected: number } };
    expect(report.replay).toMatchObject({ mode: 'tap', framesRead: 24, framesInjected: 24 });
    // Every SYN reached the distributor (half-open connections: nobody in the recording answers the SYN-ACKs).
    expect(one!.trace.match(/"k":"vcrt\.insert"/g)).toHaveLength(24);
    expect(sameAs(two!.r.stdout)).toEqual(sameAs(one!.r.stdout));
    expect(two!.trace === one!.trace, 'trace with 2 partitions is byte-identical').toBe(true);
  }, 300_000);
});

function macBytes(mac: number): Uint8Array {
  const b = new Uint8Array(6);
  for (let i = 5, m = mac; i >= 0; i--, m = Math.floor(m / 256)) b[i] = m % 256;
  return b;
}
