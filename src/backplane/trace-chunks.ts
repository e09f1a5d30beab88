// Trace records across partitions. A worker collects its records per window, sorted within each virtual
// instant by (component, sequence) as the single-process JsonlTraceWriter does, and sends them with the window's
// answer. The coordinator merges the windows' chunks by (t, component): a component lives in one partition, so
// this gives CONTRACT.md's order (t, c, per-component sequence) and a file byte-identical to --partitions 1.

import { PartialFile, traceLine, type TraceSink } from '../kernel/index.js';
import type { TraceChunk } from './protocol.js';

interface Rec {
  c: string;
  seq: number;
  line: string;
}

/** The worker's trace sink: records of the current window, taken as one chunk when the window ends. */
export class TraceChunkSink implements TraceSink {
  private t: number[] = [];
  private c: string[] = [];
  private lines: string[] = [];
  private instant = -1;
  private pending: Rec[] = [];
  private sorted = true;

  record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined): void {
    if (t !== this.instant) this.flushInstant(t);
    const p = this.pending;
    if (p.length > 0) {
      const last = p[p.length - 1]!;
      if (component < last.c || (component === last.c && seq < last.seq)) this.sorted = false;
    }
    p.push({ c: component, seq, line: traceLine(t, component, kind, fields) });
  }

  private flushInstant(next: number): void {
    const p = this.pending;
    if (p.length > 0) {
      if (!this.sorted) p.sort((x, y) => (x.c < y.c ? -1 : x.c > y.c ? 1 : x.seq - y.seq));
      for (const r of p) {
        this.t.push(this.instant);
        this.c.push(r.c);
        this.lines.push(r.line);
      }
      this.pending = [];
    }
    this.sorted = true;
    this.instant = next;
  }

  /** Everything recorded so far (the window is over, so its last instant is complete), or undefined. */
  take(): TraceChunk | undefined {
    this.flushInstant(-1);
    if (this.lines.length === 0) return undefined;
    const chunk: TraceChunk = [this.t, this.c, this.lines];
    this.t = [];
    this.c = [];
    this.lines = [];
    return chunk;
  }
}

/**
 * Merges the chunks of several partitions into one stream ordered by (t, c). Each partition's chunks arrive in
 * its own order; partitions run ahead of one another, so a record is released only once no partition can
 * still produce an earlier one (the horizon: the earliest virtual time any partition may still act at).
 */
export class ChunkMerger {
  private readonly queues: { chunks: TraceChunk[]; pos: number }[] = [];

  push(partition: number, chunk: TraceChunk): void {
    while (this.queues.length <= partition) this.queues.push({ chunks: [], pos: 0 });
    this.queues[partition]!.chunks.push(chunk);
  }

  /** Emits, in order, every record with t < horizon. */
  drain(horizon: number, emit: (t: number, c: string, line: string) => void): void {
    const qs = this.queues.filter((q) => q.chunks.length > 0);
    for (;;) {
      let best = -1;
      let bt = 0;
      let bc = '';
      for (let k = 0; k < qs.length; k++) {
        const q = qs[k]!;
        const head = q.chunks[0];
        if (head === undefined) continue;
        const t = head[0][q.pos]!;
        if (t >= horizon) continue;
        const c = head[1][q.pos]!;
        if (best < 0 || t < bt || (t === bt && c < bc)) {
          best = k;
          bt = t;
          bc = c;
        }
      }
      if (best < 0) return;
      const q = qs[best]!;
      const head = q.chunks[0]!;
      emit(bt, bc, head[2][q.pos]!);
      if (++q.pos >= head[0].length) {
        q.chunks.shift();
        q.pos = 0;
      }
    }
  }
}

/** The coordinator's trace output: the merged lines to a file (through a .partial file renamed on close, as
 *  the single-process writer does) and to any other sinks (the debugger's breakpoints). */
export class MergedTrace {
  private readonly file: PartialFile | null;
  private chunks: string[] = [];
  private buffered = 0;
  private readonly seqs = new Map<string, number>();
  lines = 0;

  constructor(private readonly path: string | undefined, private readonly sinks: readonly TraceSink[]) {
    this.file = path === undefined ? null : new PartialFile(path);
  }

  get wanted(): boolean {
    return this.path !== undefined || this.sinks.length > 0;
  }

  private readonly merger = new ChunkMerger();

  /** A partition's records of one window. */
  push(partition: number, chunk: TraceChunk): void {
    this.merger.push(partition, chunk);
  }

  /** Writes every record before `horizon` (Infinity at the end). */
  release(horizon: number): void {
    this.merger.drain(horizon, this.emit);
    if (this.buffered >= 1 << 20) this.writeOut();
  }

  private readonly emit = (t: number, c: string, line: string): void => this.line(t, c, line);

  private line(t: number, c: string, line: string): void {
    this.lines++;
    if (this.file?.isOpen) {
      this.chunks.push(line);
      this.buffered += line.length;
    }
    if (this.sinks.length > 0) {
      // A component's records arrive in its own order, so counting them gives back their sequence numbers.
      const seq = this.seqs.get(c) ?? 0;
      this.seqs.set(c, seq + 1);
      const { t: _t, c: _c, k, ...fields } = JSON.parse(line) as Record<string, unknown>;
      for (const s of this.sinks) s.record(t, c, seq, String(k), Object.keys(fields).length > 0 ? fields : undefined);
    }
  }

  private writeOut(): void {
    if (!this.file?.isOpen || this.chunks.length === 0) return;
    this.file.write(this.chunks.join(''));
    this.chunks = [];
    this.buffered = 0;
  }

  close(): void {
    if (!this.file?.isOpen) return;
    this.writeOut();
    this.file.commit();
  }

  abandon(): void {
    this.file?.abandon();
  }
}
