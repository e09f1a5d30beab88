// `captureMode: tap`: replays a live run recorded with `run --tap ... --record DIR` (src/live/recorder.ts).
// Every frame of the capture came in through the TAP of the LAN its packet comment names, at the virtual time
// of its timestamp (whole nanoseconds since the run started); each is posted to that LAN's TapPort as the
// live run did, at the same time and with the same per-port sequence number. The sysplex is deterministic
// given its inputs, so the run delivers the same events in the same order and writes the same trace. What
// the sysplex sends back to the host is dropped: the real host's answers are already in the capture.

import { InputError } from '../../errors.js';
import type { LanSpec, Scenario } from '../../scenario/types.js';
import type { Report, ReplayReport } from '../../run/report.js';
import { prepare, runPrepared, type Instrument, type Prepared, type RunOptions } from '../../run/run-scenario.js';
import { TapPort, tapPortConfig, type TapFrameControl } from '../../../hw-models/lan/tap-port.js';
import { openCapture } from '../open-capture.js';
import { toInputError } from './index.js';

interface Recorded {
  timePs: number;
  frame: Uint8Array;
}

export async function runTapReplay(scenario: Scenario, capture: string, options: RunOptions = {}): Promise<Report> {
  const tap = tapReplay(scenario, capture);
  const instrument: Instrument = {
    attach: (p) => tap.post(p),
    finish(_p, report) {
      report.replay = tapReplayReport(tap.framesRead, tap.framesIn());
    },
  };
  const runOptions: RunOptions = {
    ...options,
    untilPs: options.untilPs ?? scenario.untilPs,
    instruments: [instrument, ...(options.instruments ?? [])],
    clientsFor: (lan) => tap.clientsFor(lan) ?? options.clientsFor?.(lan) ?? null,
  };
  return runPrepared(await prepare(scenario, runOptions), runOptions);
}

/** A tap recording's replay in pieces, so that every process of a partitioned run builds the same TAP ports
 *  (each posts the frames of its own ports and counts what they took in). */
export interface TapReplay {
  readonly framesRead: number;
  /** The TAP port behind the router of a LAN the recording names (null for the others). */
  clientsFor(lan: LanSpec): TapPort | null;
  /** Posts every recorded frame to its LAN's port (for the ports this process runs). */
  post(p: Prepared): void;
  /** Frames the ports of this process took in. */
  framesIn(): number;
}

export function tapReplay(scenario: Scenario, capture: string): TapReplay {
  const byLan = readRecording(scenario, capture);
  const ports = new Map<string, TapPort>();
  let read = 0;
  for (const frames of byLan.values()) read += frames.length;
  return {
    framesRead: read,
    clientsFor(lan) {
      if (!byLan.has(lan.name)) return null;
      const name = `${lan.name}.tap`;
      const port = new TapPort(name, tapPortConfig(name, lan.clients));
      ports.set(lan.name, port);
      return port;
    },
    post(p) {
      for (const [lan, frames] of byLan) {
        const port = ports.get(lan)!;
        frames.forEach((f, seq) => {
          const control: TapFrameControl = { kind: 'tap-frame', frame: f.frame };
          p.sim.postControl(f.timePs, port, seq, control);
        });
      }
    },
    framesIn() {
      let injected = 0;
      for (const port of ports.values()) injected += port.stats.framesIn;
      return injected;
    },
  };
}

/** report.replay of a tap recording's replay. */
export function tapReplayReport(framesRead: number, framesInjected: number): ReplayReport & { mode: 'tap' } {
  return { mode: 'tap', framesRead, framesInjected, flows: 0, completed: 0, reset: 0, incomplete: 0, skipped: { notToDvipa: 0, nonIpv4: 0, malformed: 0 } };
}

/** The recorded frames by LAN, each LAN's in file order (its sequence numbers). */
function readRecording(scenario: Scenario, capture: string): Map<string, Recorded[]> {
  const lans = new Set(scenario.topology.lans.map((l) => l.name));
  const out = new Map<string, Recorded[]>();
  try {
    const reader = openCapture(capture);
    try {
      for (let f = reader.next(); f !== null; f = reader.next()) {
        const lan = f.comment ?? '';
        if (!lans.has(lan)) throw new InputError(capture, `frame ${f.index + 1}: its comment names no LAN of the topology ('${lan}'): a tap capture is written by run --tap --record`);
        let list = out.get(lan);
        if (list === undefined) out.set(lan, (list = []));
        list.push({ timePs: Number(f.timestampBigNs() * 1000n), frame: f.data.slice() });
      }
    } finally {
      reader.close();
    }
  } catch (e) {
    throw toInputError(e);
  }
  return out;
}
