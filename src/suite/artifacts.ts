// Artifacts of a failing scenario, in `--artifacts DIR/<id>/`: what a user needs to see why without running it
// again — report.json (the run's --json report), trace.jsonl (its trace; for a golden mismatch, the new trace),
// any capture files the run wrote (*.pcapng, *.pcap), its timelines (timeline.vcd, perfetto.json, report.html),
// and failures.txt (the failure or error lines).
// <id> is the scenario file's base name, with -2, -3 ... when two files of one command share a name.

import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Report } from '../run/report.js';

/** Directory names for the scenarios of one command, in order, each unique. */
export function artifactIds(files: readonly string[]): string[] {
  const used = new Map<string, number>();
  return files.map((f) => {
    const base = basename(f, extname(f)).replace(/[^A-Za-z0-9._-]/g, '_') || 'scenario';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

export interface ArtifactInput {
  readonly report: Report | null;
  /** The run's scratch folder: trace.jsonl and any captures are copied from it. */
  readonly scratch: string;
  readonly lines: readonly string[];
}

/** Writes one scenario's artifacts to `dir` (created as needed); returns the folder. */
export function writeArtifacts(dir: string, a: ArtifactInput): string {
  mkdirSync(dir, { recursive: true });
  if (a.report !== null) writeFileSync(join(dir, 'report.json'), `${JSON.stringify(a.report, null, 2)}\n`);
  if (existsSync(a.scratch)) {
    for (const name of readdirSync(a.scratch)) {
      if (/^(trace\.jsonl|timeline\.vcd|perfetto\.json|report\.html)$/.test(name) || /\.pcap(ng)?$/.test(name)) copyFileSync(join(a.scratch, name), join(dir, name));
    }
  }
  writeFileSync(join(dir, 'failures.txt'), `${a.lines.join('\n')}\n`);
  return dir;
}
