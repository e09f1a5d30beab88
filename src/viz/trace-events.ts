// The trace records a timeline needs, translated as they come (a TraceSink beside the run's own): LPAR up and
// down, faults and operator commands, DVIPA activation, takeover, takeback and handover (the owner signal
// changes at the record's own virtual time), XCF path state, and connections opening and closing.
// Every other kind is dismissed at the first comparison.

import type { TraceSink } from '../kernel/trace.js';
import type { Catalogue } from './catalogue.js';
import type { ConnectionTracker } from './connections.js';
import type { XcfProbe } from './catalogue.js';
import type { InstantEvent, Timeline } from './timeline.js';

type Fields = Record<string, unknown> | undefined;

/** What the trace keeps up to date for the sampler (src/viz/sampler.ts; a partitioned run's merged sampler). */
export interface TraceFedState {
  readonly owners: string[];
  readonly ownerMoved: boolean[];
  readonly tablesTouched: Uint8Array;
  readonly vcrtDelta: Int32Array;
}

/** Whether an XCF path works, both ends seen, as an `xcf.path` record from `component` announces it. */
export type PathState = (x: XcfProbe, component: string) => boolean;

/** In one process: the link and both ends' path states, read from the models. */
const pathFromModels: PathState = (x) => {
  const [a, b] = x.handle.between;
  const path = x.handle.path;
  return x.handle.link.up && x.a.xcf.pathStates(b)[path] === true && x.b!.xcf.pathStates(a)[path] === true;
};

const enum K {
  Tcp,
  Vcrt,
  Tables,
  Lpar,
  Owner,
  Handover,
  Osa,
  XcfPath,
  XcfLeave,
  Loss,
  Operator,
}

/** The trace kinds a timeline reads, and what it does with them; every other kind is passed over. */
const KINDS = new Map<string, K>([
  ['tcp.open', K.Tcp], ['tcp.close', K.Tcp], ['tcp.reset', K.Tcp],
  ['vcrt.insert', K.Vcrt], ['vcrt.delete', K.Vcrt],
  ['vdpt.update', K.Tables], ['stack.listen', K.Tables], ['xcf.join', K.Tables],
  ['lpar.up', K.Lpar], ['lpar.down', K.Lpar],
  ['dvipa.activate', K.Owner], ['dvipa.takeover', K.Owner], ['dvipa.takeback', K.Owner],
  ['dvipa.handover', K.Handover],
  ['osa.down', K.Osa], ['osa.up', K.Osa],
  ['xcf.path', K.XcfPath],
  ['xcf.leave', K.XcfLeave],
  ['lan.loss', K.Loss],
  ['operator', K.Operator],
]);

export class TraceEvents implements TraceSink {
  private readonly lparIndex: Map<string, number>;
  private readonly osaProcess: Map<string, number>;
  private readonly dvipaIndex: Map<string, number>;
  /** Faults marked at the current instant (one fault seen by both ends of an XCF path is marked once). */
  private seen = new Set<string>();
  private seenAt = -1;

  constructor(
    private readonly cat: Catalogue,
    private readonly timeline: Timeline,
    private readonly connections: ConnectionTracker,
    private readonly sampler: TraceFedState,
    private readonly pathUp: PathState = pathFromModels,
  ) {
    this.lparIndex = new Map(cat.lpars.map((l) => [l.host.name, l.index]));
    this.osaProcess = new Map(cat.osas.map((o) => [o.osa.name, o.process]));
    this.dvipaIndex = new Map(cat.dvipas.map((d, i) => [d.ip, i]));
  }

  record(t: number, component: string, _seq: number, kind: string, fields: Fields): void {
    // One hash lookup turns away the data-plane records (osa.rx, xcf.send ...) that make up most of a trace.
    const k = KINDS.get(kind);
    if (k === undefined) return;
    switch (k) {
      case K.Tcp:
        this.tcp(t, component, kind, fields);
        return;
      case K.Vcrt: {
        const i = this.lparIndex.get(component);
        if (i !== undefined) this.sampler.vcrtDelta[i]! += kind === 'vcrt.insert' ? 1 : -1;
        return;
      }
      case K.Tables:
        this.touched(component);
        return;
      case K.Lpar:
        this.touched(component);
        this.lpar(t, component, kind, fields);
        return;
      case K.Owner:
        this.touched(component);
        this.owner(t, component, kind, fields);
        return;
      case K.Handover:
        this.touched(component);
        this.instant({
          t,
          category: 'info',
          label: `handover ${str(fields, 'ip')} ${component} -> ${str(fields, 'to')}`,
          process: this.cat.distributorProcess,
          args: { connections: num(fields, 'connections') },
        });
        return;
      case K.Osa:
        this.fault(t, `${kind === 'osa.down' ? 'osa-down' : 'osa-up'} ${component}`, this.osaProcess.get(component));
        return;
      case K.XcfPath:
        this.xcfPath(t, component, fields);
        return;
      case K.XcfLeave:
        this.touched(component);
        if (fields?.failed === true) {
          const i = this.lparIndex.get(component);
          const label = `${str(fields, 'stack')} failed (seen by ${component})`;
          if (i !== undefined) this.instant({ t, category: 'info', label, process: this.cat.lpars[i]!.process });
        }
        return;
      case K.Loss:
        this.fault(t, `loss ${component} ${num(fields, 'pct')}%`, this.cat.sysplexProcess);
        return;
      case K.Operator: {
        const command = str(fields, 'command');
        if (command !== '') this.fault(t, `operator ${command}`, this.processOf(component));
        return;
      }
    }
  }

  /** A distributor event on an LPAR: its tables are read at the next tick. */
  private touched(component: string): void {
    const i = this.lparIndex.get(component);
    if (i !== undefined) this.sampler.tablesTouched[i] = 1;
  }

  private tcp(t: number, component: string, kind: string, fields: Fields): void {
    const i = this.lparIndex.get(component);
    if (i === undefined) return;
    const local = endpoint(fields, 'local', 'localPort');
    const remote = endpoint(fields, 'remote', 'remotePort');
    if (local === null || remote === null) return;
    if (kind === 'tcp.open') this.connections.opened(i, t, local[0], local[1], remote[0], remote[1]);
    else this.connections.closed(i, t, local[0], local[1], remote[0], remote[1], kind === 'tcp.reset' ? 'reset' : 'close');
  }

  private lpar(t: number, component: string, kind: string, fields: Fields): void {
    const i = this.lparIndex.get(component);
    if (i === undefined) return;
    const l = this.cat.lpars[i]!;
    this.timeline.set(t, l.up, kind === 'lpar.up' ? 1 : 0);
    if (kind === 'lpar.down') {
      this.connections.down(i, t);
      this.fault(t, `lpar-down ${component}`, l.process);
    } else if (num(fields, 'ipl') > 1) this.fault(t, `lpar-up ${component}`, l.process);
  }

  private owner(t: number, component: string, kind: string, fields: Fields): void {
    const ip = str(fields, 'ip');
    const owner = str(fields, 'owner') || component;
    const d = this.dvipaIndex.get(ip);
    if (d !== undefined) {
      const probe = this.cat.dvipas[d]!;
      this.timeline.setText(t, probe.owner, owner);
      this.timeline.set(t, probe.ownerId, (this.lparIndex.get(owner) ?? -1) + 1);
      this.sampler.owners[d] = owner;
      this.sampler.ownerMoved[d] = true;
    }
    const what = kind.slice('dvipa.'.length);
    const from = str(fields, 'from');
    const label = `${what} ${ip} -> ${owner}${from !== '' && what !== 'activate' ? ` (from ${from})` : ''}`;
    this.instant({ t, category: what === 'activate' ? 'info' : 'dvipa', label, process: this.cat.distributorProcess, args: { ip, owner } });
  }

  private xcfPath(t: number, component: string, fields: Fields): void {
    const peer = str(fields, 'peer');
    const path = num(fields, 'path');
    const up = fields?.up === true;
    for (const x of this.cat.xcf) {
      const [a, b] = x.handle.between;
      if (x.handle.path !== path || !((a === component && b === peer) || (b === component && a === peer))) continue;
      if (x.b === undefined) continue; // a coupling link to a CF: its state follows the link alone
      const linkUp = this.pathUp(x, component);
      this.timeline.set(t, x.up, linkUp ? 1 : 0);
      this.fault(t, `${up ? 'xcf-up' : 'xcf-down'} ${a}-${b}:${path}`, x.process);
    }
  }

  private processOf(component: string): number {
    const i = this.lparIndex.get(component);
    return i === undefined ? this.cat.sysplexProcess : this.cat.lpars[i]!.process;
  }

  /** A fault: an instant on every time axis, and the `faults.last` signal. One fault seen by two components at
   *  the same instant (xcf-down on both ends) is marked once. */
  private fault(t: number, label: string, process: number | undefined): void {
    if (t !== this.seenAt) {
      this.seenAt = t;
      this.seen.clear();
    }
    if (this.seen.has(label)) return;
    this.seen.add(label);
    this.timeline.setText(t, this.cat.lastFault, label);
    this.instant({ t, category: 'fault', label, process: process ?? this.cat.sysplexProcess });
  }

  private instant(e: InstantEvent): void {
    this.timeline.instantEvent(e);
  }
}

function str(f: Fields, key: string): string {
  const v = f?.[key];
  return typeof v === 'string' ? v : '';
}

function num(f: Fields, key: string): number {
  const v = f?.[key];
  return typeof v === 'number' ? v : 0;
}

/** An endpoint from `ip:port` in one field, or `ip` and a separate port field; null when neither parses. */
function endpoint(f: Fields, key: string, portKey: string): [number, number] | null {
  const v = str(f, key);
  const colon = v.lastIndexOf(':');
  const ip = ipv4(v, colon >= 0 ? colon : v.length);
  const port = colon >= 0 ? decimal(v, colon + 1, v.length) : num(f, portKey);
  return ip < 0 || port < 0 || port > 65535 ? null : [ip, port];
}

/** Dotted IPv4 in text[0, end), or -1 (no regular expression: this runs for every connection). */
function ipv4(text: string, end: number): number {
  let ip = 0;
  let start = 0;
  for (let part = 0; part < 4; part++) {
    let dot = text.indexOf('.', start);
    if (dot < 0 || dot > end) dot = end;
    if ((part < 3) !== (dot < end)) return -1;
    const b = decimal(text, start, dot);
    if (b < 0 || b > 255) return -1;
    ip = ip * 256 + b;
    start = dot + 1;
  }
  return ip;
}

function decimal(text: string, from: number, to: number): number {
  if (to <= from || to - from > 6) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
