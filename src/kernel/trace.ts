// Trace records: what models and firmware report as they run (CONTRACT.md: JSON Lines, one event a line,
// {"t":ps,"c":component,"k":kind,...fields}, ordered by (t, c, per-component sequence)).

import { PartialFile } from './partial-file.js';

export interface TraceSink {
  record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined): void;
}

/** One JSON line for a record: the fixed keys first, then the fields in the order the model wrote them. */
export function traceLine(t: number, component: string, kind: string, fields: Record<string, unknown> | undefined): string {
  let line = `{"t":${t},"c":${JSON.stringify(component)},"k":${JSON.stringify(kind)}`;
  if (fields !== undefined) {
    const rest = JSON.stringify(fields);
    if (rest.length > 2) line += ',' + rest.slice(1, -1);
  }
  return line + '}\n';
}

interface Pending {
  component: string;
  seq: number;
  line: string;
}

/**
 * Writes the trace as JSON Lines, buffered (one write per ~1 MiB, not per event), to a temporary file renamed
 * into place on close, so a failed run leaves nothing half-written. Records of one virtual instant are held
 * until time moves on and written sorted by (component, sequence): the file's order never depends on the order
 * in which a process happened to deliver simultaneous events.
 */
export class JsonlTraceWriter implements TraceSink {
  private readonly file: PartialFile;
  private chunks: string[] = [];
  private buffered = 0;
  private instant = -1;
  private pending: Pending[] = [];
  private sorted = true;
  lines = 0;

  constructor(path: string) {
    this.file = new PartialFile(path);
  }

  record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined): void {
    if (t !== this.instant) this.flushInstant(t);
    const p = this.pending;
    if (p.length > 0) {
      const last = p[p.length - 1]!;
      if (component < last.component || (component === last.component && seq < last.seq)) this.sorted = false;
    }
    p.push({ component, seq, line: traceLine(t, component, kind, fields) });
  }

  private flushInstant(next: number): void {
    const p = this.pending;
    if (!this.sorted) p.sort((x, y) => (x.component < y.component ? -1 : x.component > y.component ? 1 : x.seq - y.seq));
    for (const r of p) {
      this.chunks.push(r.line);
      this.buffered += r.line.length;
    }
    this.lines += p.length;
    this.pending = [];
    this.sorted = true;
    this.instant = next;
    if (this.buffered >= 1 << 20) this.writeOut();
  }

  private writeOut(): void {
    if (this.chunks.length === 0) return;
    this.file.write(this.chunks.join(''));
    this.chunks = [];
    this.buffered = 0;
  }

  /** Flushes everything and moves the file into place. */
  close(): void {
    if (!this.file.isOpen) return;
    this.flushInstant(-1);
    this.writeOut();
    this.file.commit();
  }

  /** Removes the partial file (the run failed). */
  abandon(): void {
    this.file.abandon();
  }
}

/** Passes each record to several sinks (a trace file and the debugger's breakpoints, say). */
export class TeeSink implements TraceSink {
  constructor(private readonly sinks: TraceSink[]) {}
  record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined): void {
    for (const s of this.sinks) s.record(t, component, seq, kind, fields);
  }
}
