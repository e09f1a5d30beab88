// A live run: the scenario's sysplex paced to the wall clock (RealtimeDriver), with real hosts on TAP devices
// in place of a LAN's client hosts (TapPort), an operator console, and optionally a recording that replays
// the run deterministically (LiveRecorder). `sysplex-emu run --realtime / --tap / --record` come here.

import type { Readable, Writable } from 'node:stream';
import { formatTime } from '../kernel/time.js';
import { ipToString } from '../net/index.js';
import type { FaultSpec, Scenario } from '../scenario/types.js';
import type { Report } from '../run/report.js';
import { abandonPrepared, finishPrepared, prepare, type RunOptions } from '../run/run-scenario.js';
import { TapPort, tapPortConfig, type TapFrameControl } from '../../hw-models/lan/tap-port.js';
import { CONSOLE_HELP, startConsole, type ConsoleRequest } from './console.js';
import { RealtimeDriver, type RealtimeReport } from './realtime.js';
import { LiveRecorder } from './recorder.js';
import { TapDevice } from './tap-device.js';

export interface TapSpec {
  lan: string;
  ifname: string;
}

export interface LiveOptions extends RunOptions {
  untilPs: number;
  taps?: TapSpec[];
  maxLagPs?: number;
  /** Folder for the recording (see recorder.ts). */
  record?: string;
  /** The operator console (stdin/stderr from the CLI); none when absent. */
  console?: { input: Readable; output: Writable };
  /** Told once the TAP devices exist (a test configures the host side then). */
  onReady?: (taps: readonly TapSpec[]) => void;
}

export interface TapReport {
  lan: string;
  ifname: string;
  gateway: string;
  framesIn: number;
  framesOut: number;
  arpAnswered: number;
  ignored: number;
}

export async function runLive(scenario: Scenario, options: LiveOptions): Promise<Report> {
  const taps = options.taps ?? [];
  const recorder = options.record !== undefined ? new LiveRecorder(options.record, scenario) : null;
  const devices = new Map<string, TapDevice>();
  const closeDevices = (): void => {
    for (const d of devices.values()) d.close();
  };
  try {
    for (const t of taps) devices.set(t.lan, TapDevice.open(t.ifname));
  } catch (e) {
    closeDevices();
    recorder?.abandon();
    throw e;
  }

  const ports = new Map<string, TapPort>();
  const runOptions: RunOptions = {
    ...options,
    ...(recorder !== null ? { trace: options.trace ?? recorder.tracePath } : {}),
    clientsFor: (lan) => {
      if (!devices.has(lan.name)) return options.clientsFor?.(lan) ?? null;
      const name = `${lan.name}.tap`;
      const port = new TapPort(name, tapPortConfig(name, lan.clients));
      ports.set(lan.name, port);
      return port;
    },
  };
  let p;
  try {
    p = await prepare(scenario, runOptions);
  } catch (e) {
    closeDevices();
    recorder?.abandon();
    throw e;
  }
  const sim = p.sim;
  const driver = new RealtimeDriver(sim, { untilPs: options.untilPs, ...(options.maxLagPs !== undefined ? { maxLagPs: options.maxLagPs } : {}), ...(options.progress ? { progress: options.progress } : {}) });

  // Frames from the hosts become control events at the time they were read; frames to them are written out.
  for (const [lan, device] of devices) {
    const port = ports.get(lan)!;
    port.out = (frame) => device.write(frame);
    let seq = 0;
    device.startReading(
      (frame) => {
        const t = driver.inputTime();
        const control: TapFrameControl = { kind: 'tap-frame', frame };
        sim.postControl(t, port, seq++, control);
        recorder?.frame(lan, t, frame);
        driver.wake();
      },
      () => driver.stop(),
    );
  }

  // The console: its faults are numbered after the scenario's, so they sort the same way when replayed.
  const consoleFaults: FaultSpec[] = [];
  const answer = (r: ConsoleRequest): string | undefined => {
    switch (r.kind) {
      case 'none':
        return undefined;
      case 'help':
        return CONSOLE_HELP;
      case 'error':
        return `console: ${r.message}`;
      case 'quit':
        driver.stop();
        return undefined;
      case 'status':
        return statusLine(driver, devices);
      case 'display':
        return p.sysplex.operatorDisplay(r.command) ?? `console: no stack that is up answers "${r.command}"`;
      case 'fault': {
        const index = scenario.faults.length + consoleFaults.length;
        const line = consoleFaults.length + 1;
        const { kind: _k, ...rest } = r;
        const fault: FaultSpec = { ...rest, atPs: driver.inputTime(), at: { file: '<console>', line, col: 1 } };
        try {
          p.sysplex.applyFault(fault, index);
        } catch (e) {
          return `console: ${(e as Error).message}`;
        }
        consoleFaults.push(fault);
        driver.wake();
        return `console: ${r.command ?? `${r.action} ${r.target}${r.pct !== undefined ? ` ${r.pct}` : ''}`} at ${formatTime(fault.atPs)}`;
      }
    }
  };
  const closeConsole = options.console ? startConsole(options.console.input, options.console.output, answer) : () => {};

  const stop = (): void => driver.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const wall0 = performance.now();
  let realtime: RealtimeReport;
  try {
    options.onReady?.(taps);
    realtime = await driver.run();
  } catch (e) {
    abandonPrepared(p);
    recorder?.abandon();
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    closeConsole();
    closeDevices();
  }
  const report = finishPrepared(p, performance.now() - wall0);
  report.realtime = realtime;
  if (taps.length > 0) {
    report.taps = taps.map((t): TapReport => {
      const s = ports.get(t.lan)!.stats;
      return { lan: t.lan, ifname: t.ifname, gateway: ipToString(ports.get(t.lan)!.gatewayIp), framesIn: s.framesIn, framesOut: s.framesOut, arpAnswered: s.arpAnswered, ignored: s.ignored };
    });
  }
  recorder?.close(sim.now, consoleFaults, report);
  if (recorder !== null) report.recorded = recorder.dir;
  return report;
}

function statusLine(driver: RealtimeDriver, devices: ReadonlyMap<string, TapDevice>): string {
  const l = driver.lag.summary();
  const taps = [...devices.values()].map((d) => `${d.name} ${d.stats.framesIn} in / ${d.stats.framesOut} out`).join(', ');
  return `virtual time ${formatTime(driver.sim.now)}; lag p50 ${l.p50Us} us, p99 ${l.p99Us} us, max ${l.maxUs} us${taps ? `; ${taps}` : ''}`;
}

/** The human report's lines for a live run (after the usual report). */
export function formatLive(r: Report): string {
  const out: string[] = [];
  const rt = r.realtime as RealtimeReport | undefined;
  if (rt !== undefined) {
    out.push(`  real time: lag p50 ${rt.p50Us} us, p99 ${rt.p99Us} us, max ${rt.maxUs} us; ${rt.behindMs} ms behind by more than ${rt.behindUs} us; ended by ${rt.ended === 'stopped' ? 'a stop request' : 'its end time'}`);
  }
  for (const t of (r.taps as TapReport[] | undefined) ?? []) {
    out.push(`  tap ${t.ifname} on ${t.lan} (gateway ${t.gateway}): ${t.framesIn} frames in, ${t.framesOut} out, ${t.arpAnswered} ARP answered, ${t.ignored} ignored`);
  }
  if (typeof r.recorded === 'string') out.push(`  recorded to ${r.recorded}: sysplex-emu test ${r.recorded}`);
  return out.join('\n');
}

