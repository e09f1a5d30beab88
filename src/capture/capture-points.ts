// `--capture POINT=FILE.pcapng` on run and replay: what the emulated hardware carries, written for Wireshark as
// the run goes (docs/capture.md). Points:
//   OSA1       the frames on the OSA's LAN link, both directions (taps on the OSA's `lan` port and on the
//              switch's port to it)
//   LAN1       every frame the LAN switch receives, once (taps on the far end of each switch port)
//   SYS1-SYS2  every message on the XCF signalling paths between the two LPARs, both ways, encapsulated as
//              Ethernet + IPv4 between their dynamic XCF addresses (xcf-encap.ts)
//   CPC1.IQDF4 every write on a CPC's HiperSockets IQD CHPID (dynamic XCF over IUTIQDIO), once, as its
//              sender made it: the forwarded datagram itself in an Ethernet frame between the two stacks
// One pcapng interface per point, timestamps in virtual nanoseconds from the start of the run.

import type { Port } from '../kernel/index.js';
import { parseProfile } from '../firmware/profile/index.js';
import { InputError, RequestError } from '../errors.js';
import { profileSourceOf } from '../scenario/datasets.js';
import type { Report } from '../run/report.js';
import type { Instrument, Prepared } from '../run/run-scenario.js';
import type { CfRequestMsg, FrameMsg, IqdWriteMsg, XcfPathMsg } from '../../hw-models/messages.js';
import { macFor } from '../../hw-models/lan/wire.js';
import { CaptureIoError, formatCaptureError, isCaptureError } from './errors.js';
import { PcapngWriter } from './pcapng-writer.js';
import { PointWriter } from './point-writer.js';
import { encapsulateXcf, iqdFrame, type XcfEndpoint } from './xcf-encap.js';

export interface CaptureSpec {
  readonly point: string;
  readonly file: string;
}

/** What the report says about each capture point (`report.captures`). */
export interface CaptureReport {
  point: string;
  file: string;
  frames: number;
}

/** The instrument that writes the capture points asked for (none, and no cost to the run, when none is). */
export function captureInstruments(specs: readonly CaptureSpec[]): Instrument[] {
  return specs.length === 0 ? [] : [new CapturePoints(specs)];
}

/** A point resolved against the built sysplex: the ports to tap and how a message becomes a frame. */
export interface ResolvedPoint {
  spec: CaptureSpec;
  taps: { port: Port; frame: (message: unknown) => Uint8Array | null }[];
}

const lanFrame = (message: unknown): Uint8Array | null => {
  const m = message as FrameMsg;
  return m !== null && typeof m === 'object' && m.kind === 'frame' ? m.frame : null;
};

export class CapturePoints implements Instrument {
  private resolved: ResolvedPoint[] = [];
  private writers: PointWriter[] = [];

  constructor(readonly specs: readonly CaptureSpec[]) {}

  /** Every name is checked before any file is created, so a bad point leaves nothing behind. */
  build(p: Prepared): void {
    this.resolved = resolveCapturePoints(p, this.specs);
  }

  attach(p: Prepared): void {
    try {
      this.writers = openPointWriters(p, this.specs);
      tapPoints(this.resolved, (point, frame, timePs) => this.writers[point]!.add(frame, timePs, p.sim.now));
    } catch (e) {
      this.abandon();
      throw asInputError(e);
    }
  }

  finish(_p: Prepared, report: Report): void {
    try {
      report.captures = closePointWriters(this.writers);
    } catch (e) {
      this.abandon();
      throw e;
    }
  }

  abandon(): void {
    for (const w of this.writers) w.abort();
    this.writers = [];
  }
}

/** One writer per point, its file created (a partitioned run's coordinator writes the files this way). */
export function openPointWriters(p: Prepared, specs: readonly CaptureSpec[]): PointWriter[] {
  const comment = `sysplex-emu ${p.scenario.name}, seed ${p.seed}`;
  const writers: PointWriter[] = [];
  try {
    for (const s of specs) writers.push(new PointWriter(s.point, s.file, PcapngWriter.toFile(s.file, { pointName: s.point, sectionComment: comment })));
  } catch (e) {
    for (const w of writers) w.abort();
    throw e;
  }
  return writers;
}

/** Resolves every point against the built sysplex (a bad name throws before anything is tapped). */
export function resolveCapturePoints(p: Prepared, specs: readonly CaptureSpec[]): ResolvedPoint[] {
  return specs.map((s) => resolvePoint(p, s));
}

/** Taps the ports of every point: `seen(point index, frame, time its first bit leaves, the sending port)` for
 *  each frame a tapped port sends (only ports of components this process runs ever send). */
export function tapPoints(resolved: readonly ResolvedPoint[], seen: (point: number, frame: Uint8Array, timePs: number, port: Port) => void): void {
  resolved.forEach((r, point) => {
    for (const t of r.taps) {
      const toFrame = t.frame;
      const port = t.port;
      port.addTap((message, _bytes, time) => {
        const f = toFrame(message);
        if (f !== null) seen(point, f, time, port);
      });
    }
  });
}

/** A file that cannot be created or written is the user's path: exit 2 with the reason. */
export function asInputError(e: unknown): unknown {
  if (e instanceof CaptureIoError) return new InputError(e.file, e.message);
  if (isCaptureError(e)) return new RequestError(`capture: ${formatCaptureError(e)}`);
  return e;
}

function resolvePoint(p: Prepared, spec: CaptureSpec): ResolvedPoint {
  const { sysplex } = p;
  const name = spec.point;
  const osa = sysplex.osa(name);
  if (osa !== undefined) {
    const port = osa.port('lan');
    if (port.link === null) throw new RequestError(`capture point ${name}: the OSA is not on a LAN`);
    return { spec, taps: [{ port, frame: lanFrame }, { port: port.peer!, frame: lanFrame }] };
  }
  const sw = sysplex.lans.find((l) => l.name === name);
  if (sw !== undefined) {
    const taps = sw.ports.filter((sp) => sp.peer !== null).map((sp) => ({ port: sp.peer!, frame: lanFrame }));
    return { spec, taps };
  }
  const iqd = sysplex.iqds.find((i) => i.name === name);
  if (iqd !== undefined) {
    const ends = xcfEndpoints(p);
    const taps: ResolvedPoint['taps'] = [];
    for (const port of iqd.ports) {
      if (port.peer === null) continue;
      const from = ends.get(port.peer.owner.name)!;
      taps.push({
        port: port.peer,
        frame: (message) => {
          const m = message as IqdWriteMsg;
          const to = m?.kind === 'iqd-write' ? ends.get(m.to) : undefined;
          return to === undefined ? null : iqdFrame(m.bytes, from, to);
        },
      });
    }
    return { spec, taps };
  }
  const m = /^([^-]+)-([^-]+)$/.exec(name);
  if (m !== null) {
    const [, a, b] = m as unknown as [string, string, string];
    const links = sysplex.xcfLinks.filter((x) => (x.between[0] === a && x.between[1] === b) || (x.between[0] === b && x.between[1] === a));
    if (links.length > 0) {
      const ends = xcfEndpoints(p);
      const taps: ResolvedPoint['taps'] = [];
      for (const x of links) {
        for (const port of [x.link.a, x.link.b]) {
          const from = ends.get(port.owner.name)!;
          const to = ends.get(port.peer!.owner.name)!;
          taps.push({ port, frame: (message) => encapsulateXcf(message as XcfPathMsg, from, to) });
        }
      }
      return { spec, taps };
    }
    // No CTC between them: their signals go through a list structure in a CF both reach. The point shows each
    // signal once, as its sender writes it to the receiver's list (the CF's reads and notifications are not
    // signals of their own).
    const viaCf = sysplex.cfLinks.filter((l) => (l.lpar === a || l.lpar === b) && sysplex.cfLinks.some((o) => o.cf === l.cf && o.lpar === (l.lpar === a ? b : a)));
    if (viaCf.length > 0) {
      const ends = xcfEndpoints(p);
      const taps: ResolvedPoint['taps'] = viaCf.map((l) => {
        const port = l.link.a.owner.name === l.lpar ? l.link.a : l.link.b;
        const other = l.lpar === a ? b : a;
        const from = ends.get(l.lpar)!;
        const to = ends.get(other)!;
        return {
          port,
          frame: (message) => {
            const r = message as CfRequestMsg;
            if (r?.kind !== 'cf-req' || r.op !== 'write' || r.to !== other || r.bytes === null) return null;
            return encapsulateXcf({ kind: 'xcf-data', from: l.lpar, bytes: r.bytes } as XcfPathMsg, from, to);
          },
        };
      });
      return { spec, taps };
    }
  }
  const structurePairs = sysplex.cfLinks.flatMap((l) => sysplex.cfLinks.filter((o) => o.cf === l.cf && o.lpar > l.lpar).map((o) => `${l.lpar}-${o.lpar}`));
  const known = [
    ...sysplex.osas.map((o) => o.name),
    ...sysplex.lans.map((l) => l.name),
    ...[...new Set([...sysplex.xcfLinks.map((x) => x.between.join('-')), ...structurePairs])],
    ...sysplex.iqds.map((i) => i.name),
  ];
  throw new RequestError(`capture point ${name}: no OSA, LAN or XCF link of that name (this topology has ${known.join(', ')})`);
}

/** Each LPAR's dynamic XCF address from its profile (169.254.0.n when it has none) and a stable MAC. */
function xcfEndpoints(p: Prepared): Map<string, XcfEndpoint> {
  const out = new Map<string, XcfEndpoint>();
  p.scenario.topology.lpars.forEach((l, i) => {
    const r = parseProfile(l.profile, l.profileFile, profileSourceOf(l, p.scenario.topology));
    const ip = r.ok && r.profile.dynamicXcf !== null ? r.profile.dynamicXcf.ip : (0xa9fe0000 + i + 1) >>> 0;
    out.set(l.name, { name: l.name, ip, mac: macFor(`${l.name}.xcf`) });
  });
  return out;
}

/** Completes the capture files and says what each holds (the report's `captures`); a file that cannot be completed
 *  is bad input. The caller abandons the rest. */
export function closePointWriters(writers: readonly PointWriter[]): CaptureReport[] {
  try {
    return writers.map((w) => {
      w.close();
      return { point: w.point, file: w.file, frames: w.written };
    });
  } catch (e) {
    throw asInputError(e);
  }
}
