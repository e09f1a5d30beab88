// `run --tap ... --record DIR`: what a live run needs to become a deterministic regression test.
//
//   DIR/tap.pcapng     every frame that came in through a TAP, stamped with the virtual time it was injected
//                      at (whole nanoseconds, so the file holds it exactly); the packet comment names the LAN
//   DIR/scenario.yaml  the run as a scenario: its topology, seed and workload, its faults plus the console's
//                      commands at the virtual times they took effect, `capture: tap.pcapng` with
//                      `captureMode: tap` (frames injected exactly as recorded), the end time, the live run's
//                      trace as its golden trace and its distribution as expectations
//   DIR/trace.jsonl    the live run's trace
//
// `sysplex-emu test DIR` then re-runs it without a TAP and must give the same trace and distribution.

import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { FileSink } from '../capture/byte-sink.js';
import { PartialFile } from '../kernel/partial-file.js';
import type { FaultSpec, Scenario, WorkloadSpec } from '../scenario/types.js';
import type { Report } from '../run/report.js';
import { TapSetupError } from './tap-device.js';

export const RECORDED_CAPTURE = 'tap.pcapng';
export const RECORDED_TRACE = 'trace.jsonl';

export class LiveRecorder {
  private readonly pcap: PcapngWriter<FileSink>;

  constructor(
    readonly dir: string,
    private readonly scenario: Scenario,
  ) {
    if (scenario.topology.file === scenario.file && /^topology[ \t]*:/m.test(readFileSync(scenario.file, 'utf8'))) {
      throw new TapSetupError('--record needs the topology in a file of its own (the recorded scenario names it)');
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new TapSetupError(`--record: cannot create ${dir}: ${(e as Error).message}`);
    }
    this.pcap = PcapngWriter.toFile(join(dir, RECORDED_CAPTURE), { pointName: 'tap', sectionComment: `sysplex-emu live run of ${scenario.name}, seed ${scenario.seed}: frames in through the TAP, virtual time` });
  }

  get tracePath(): string {
    return join(this.dir, RECORDED_TRACE);
  }

  /** A frame from the host of `lan`'s TAP, injected at `timePs` (a whole number of ns). */
  frame(lan: string, timePs: number, frame: Uint8Array): void {
    this.pcap.writeFrame(timePs / 1000, frame, frame.length, lan);
  }

  /** The live run ended (normally or by Ctrl-C): writes the scenario that replays it. */
  close(untilPs: number, consoleFaults: readonly FaultSpec[], report: Report): void {
    this.pcap.close();
    const s = this.scenario;
    const doc: Record<string, unknown> = {
      name: `${s.name} (recorded live run)`,
      topology: relative(this.dir, s.topology.file),
      seed: s.seed,
      until: `${untilPs}ps`,
      workload: s.workload.map(rawWorkload),
      faults: [...s.faults, ...consoleFaults].map(rawFault),
      capture: RECORDED_CAPTURE,
      captureMode: 'tap',
      golden: RECORDED_TRACE,
      expect: report.distribution.flatMap((d) => d.targets.map((t) => `distribution[port=${d.port}].targets[stack=${t.stack}].totalConn == ${t.totalConn}`)),
    };
    const out = new PartialFile(join(this.dir, 'scenario.yaml'));
    out.write(`# Recorded by sysplex-emu run --record: replays the frames of ${RECORDED_CAPTURE} at their virtual times.\n# Run it with: sysplex-emu test ${this.dir}\n${stringify(doc, { lineWidth: 0 })}`);
    out.commit();
  }

  /** The run failed: nothing worth keeping. */
  abandon(): void {
    this.pcap.abort();
  }
}

function rawWorkload(w: WorkloadSpec): Record<string, unknown> {
  return {
    dvipa: w.dvipa, port: w.port, protocol: w.protocol, clients: w.clients, connections: w.connections,
    rate: `${w.rate}/s`, request: `${w.request}B`, response: `${w.response}B`, hold: `${w.holdPs}ps`, start: `${w.startPs}ps`,
  };
}

function rawFault(f: FaultSpec): Record<string, unknown> {
  if (f.action === 'operator') return { at: `${f.atPs}ps`, operator: f.command };
  return { at: `${f.atPs}ps`, action: f.action, target: f.target, ...(f.pct !== undefined ? { pct: f.pct } : {}) };
}
