// A report as metrics: every number in the deterministic part of the `--json` report, named by the path an
// expectation would use (`clients.completed`, `lpars[name=SYS1].cpuBusyPct`,
// `distribution[dvipa=10.1.1.10,port=80].targets[stack=SYS2].totalConn`), so a column of a sweep's table can be
// pasted into an `expect` line. Whatever a report gains (latency distributions, XCF paths) becomes a metric too.

import type { Report } from '../run/report.js';

/** Fields that are not model results: wall time varies between runs, the rest repeats the input. */
const SKIP = new Set(['wallMs', 'seed', 'partitions', 'expectations', 'realtime']);

export function metricsOf(report: Report): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(report)) if (!SKIP.has(key)) walk(value, key, out);
  return out;
}

function walk(v: unknown, path: string, out: Map<string, number>): void {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) out.set(path, v);
  } else if (typeof v === 'boolean') {
    out.set(path, v ? 1 : 0);
  } else if (Array.isArray(v)) {
    v.forEach((el, i) => {
      const { text, keys } = selectorOf(el, i);
      // The fields that select the element name it; they are not results.
      if (keys.length > 0) for (const [k, child] of Object.entries(el as object)) if (!keys.includes(k)) walk(child, `${path}[${text}].${k}`, out);
      if (keys.length === 0) walk(el, `${path}[${text}]`, out);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k}`, out);
  }
}

/** How an expectation selects this element (by its name-like fields, else by index), and those fields. */
function selectorOf(el: unknown, i: number): { text: string; keys: string[] } {
  if (typeof el !== 'object' || el === null) return { text: String(i), keys: [] };
  const o = el as Record<string, unknown>;
  for (const key of ['name', 'stack', 'point', 'path']) if (typeof o[key] === 'string') return { text: `${key}=${o[key]}`, keys: [key] };
  if (typeof o.dvipa === 'string' && typeof o.port === 'number') return { text: `dvipa=${o.dvipa},port=${o.port}`, keys: ['dvipa', 'port'] };
  // An XCF path: its peer and its number to that peer (as `xcf-down SYS1-SYS2:0` counts them).
  if (typeof o.peer === 'string' && typeof o.path === 'number') return { text: `peer=${o.peer},path=${o.path}`, keys: ['peer', 'path'] };
  if (typeof o.ip === 'string') return { text: `ip=${o.ip}`, keys: ['ip'] };
  return { text: String(i), keys: [] };
}
