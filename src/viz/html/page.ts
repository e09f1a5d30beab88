// The HTML report document: the run's summary tables (from the report), the list of marked events, and the
// plots (data as JSON, drawn by uPlot in the page). Everything inline: no request leaves the page.

import { formatTime } from '../../kernel/time.js';
import type { LatencySummary } from '../../kernel/histogram.js';
import type { Report } from '../../run/report.js';
import type { LatencyCurves } from '../latency-curve.js';
import { plotAssets } from './assets.js';
import { CLIENT_SCRIPT } from './client.js';

export interface PageMarker {
  /** Virtual time, ps (exact) and ms (the plots' axis). */
  readonly ps: number;
  readonly ms: number;
  readonly category: string;
  readonly label: string;
}

export interface PagePlot {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly { readonly label: string; readonly values: readonly number[] }[];
}

export interface PageData {
  readonly scenario: string;
  readonly seed: number;
  readonly endPs: number;
  readonly sampleIntervalPs: number;
  /** Virtual time each plotted point stands for (a multiple of the sample interval), ps. */
  readonly pointPs: number;
  /** Time of each point, ms. */
  readonly t: readonly number[];
  readonly plots: readonly PagePlot[];
  readonly markers: readonly PageMarker[];
  /** Markers not kept (a run with very many faults), so the page can say so. */
  readonly markersDropped: number;
  /** Percentile curves of the clients' latency (null: no client completed a step). */
  readonly latency: LatencyCurves | null;
}

/** 1234567 -> "1,234,567" (toLocaleString costs milliseconds the first time: it loads ICU data). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(head: readonly string[], rows: readonly (readonly unknown[])[], cls = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function summary(r: Report): string {
  const out: string[] = [];
  out.push(
    // What was simulated, not how the run was made (partitions, wall time): the page is the same file whatever
    // the number of partitions.
    table(['virtual time', 'events', 'seed'], [[formatTime(r.virtualTimePs), thousands(r.events), r.seed]]),
  );
  out.push('<h3>LPARs</h3>', table(['LPAR', 'state', 'CPU busy %'], r.lpars.map((l) => [l.name, l.up ? 'up' : 'down', l.cpuBusyPct.toFixed(1)])));
  if (r.dvipas.length > 0) {
    out.push('<h3>DVIPAs</h3>', table(['DVIPA', 'state', 'owner', 'backups'], r.dvipas.map((d) => [d.ip, d.state, d.owner ?? '(none)', d.backups.join(', ') || '(none)'])));
  }
  for (const d of r.distribution) {
    out.push(
      `<h3>${esc(`${d.dvipa}:${d.port}`)} ${esc(d.method)}</h3>`,
      table(['target', 'ready', 'totalConn', 'activeConn', 'lost'], d.targets.map((t) => [t.stack, t.ready, t.totalConn, t.activeConn, t.lost])),
    );
  }
  const c = r.clients;
  out.push('<h3>Clients</h3>', table(['opened', 'completed', 'reset', 'failed', 'open', 'bytes sent', 'bytes received'], [[c.opened, c.completed, c.reset, c.failed, c.open, c.bytesSent, c.bytesReceived]]));
  const distHead = ['', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const distRow = (what: string, s: LatencySummary) => [what, s.count, formatTime(s.mean), formatTime(s.p50), formatTime(s.p90), formatTime(s.p99), formatTime(s.p999), formatTime(s.max)];
  if (c.latency !== undefined) {
    const rows = ([['connect', c.latency.connect], ['first byte', c.latency.firstByte], ['complete', c.latency.complete]] as const).map(([what, s]) => distRow(what, s));
    out.push('<h3>Client latency (from the SYN)</h3>', table(distHead, rows));
  }
  // Where time queues: inputs for a CP, datagrams for INBPERF's interrupt, signals on an XCF path (MXFER).
  const queues: (readonly unknown[])[] = [];
  for (const l of r.lpars) if (l.cpuWait !== undefined && l.cpuWait.count > 0) queues.push(distRow(`${l.name} CPU wait`, l.cpuWait));
  for (const o of r.osas ?? []) if (o.inboundWait !== undefined && o.inboundWait.count > 0) queues.push(distRow(`${o.name} inbound wait`, o.inboundWait));
  for (const x of r.xcf?.systems ?? []) for (const p of x.paths) if (p.transfer.count > 0) queues.push(distRow(`XCF ${x.name}->${p.peer}:${p.path} transfer`, p.transfer));
  if (queues.length > 0) out.push('<h3>Queueing</h3>', table(distHead, queues));
  if (r.replay) {
    const p = r.replay;
    out.push('<h3>Replay</h3>', table(['frames read', 'injected', 'flows', 'completed', 'reset', 'incomplete'], [[p.framesRead, p.framesInjected, p.flows, p.completed, p.reset, p.incomplete]]));
  }
  if (r.expectations && r.expectations.length > 0) {
    out.push(
      '<h3>Expectations</h3>',
      table(['', 'expectation', 'actual'], r.expectations.map((e) => [e.ok ? 'ok' : 'FAIL', e.expr, JSON.stringify(e.actual ?? null)]), 'expect'),
    );
  }
  return out.join('\n');
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 22px 0 8px; } h3 { font-size: 14px; margin: 14px 0 4px; }
table { border-collapse: collapse; margin: 4px 0 8px; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
table.expect td:nth-child(2), table.events td:nth-child(3) { text-align: left; font-family: monospace; }
.note { color: #666; } .fault { color: #d62728; } .dvipa { color: #7b2cbf; }
#layout { display: flex; flex-wrap: wrap; gap: 32px; } #summary { flex: 0 0 auto; } #plots { flex: 1 1 700px; min-width: 620px; }
section.plot, section.latency-plot { margin-bottom: 12px; }
`;

/** The page in pieces, in order (written one by one: no copy of the whole page in memory). The plotting
 *  library comes as bytes, encoded once per process. */
export function renderPage(data: PageData, report: Report): (string | Uint8Array)[] {
  const assets = plotAssets();
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const eventRows = data.markers
    .map((m) => `<tr class="${esc(m.category)}" data-t-ps="${m.ps}"><td>${esc(formatTime(m.ps))}</td><td>${esc(m.category)}</td><td>${esc(m.label)}</td></tr>`)
    .join('\n');
  const dropped = data.markersDropped > 0 ? `<p class="note">${data.markersDropped} more events not marked.</p>` : '';
  const points = data.pointPs > data.sampleIntervalPs ? `, plotted per ${esc(formatTime(data.pointPs))}` : '';
  const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(data.scenario)} - sysplex-emu run report</title>
<style>`;
  const body = `</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(data.scenario)}</h1>
<p class="note">sysplex-emu run report: seed ${data.seed}, ${esc(formatTime(data.endPs))} of virtual time, counters sampled every ${esc(formatTime(data.sampleIntervalPs))}${points}; drag across a plot to zoom in, double-click to zoom out; dashed lines mark faults (red) and DVIPA moves (purple).</p>
<div id="layout">
<div id="summary">
<h2>Summary</h2>
${summary(report)}
<h2>Marked events</h2>
<table class="events"><thead><tr><th>virtual time</th><th>kind</th><th>event</th></tr></thead><tbody>
${eventRows}
</tbody></table>
${dropped}
</div>
<div id="plots">${data.latency === null ? '' : `<h2>Client latency</h2>
<p class="note">Percentiles of every client connection's times from its SYN (the table beside gives the figures): the x axis counts nines, so 90 %, 99 % and 99.9 % are equally far apart.</p>
<section class="latency-plot" data-plot="latency"></section>`}
<h2>Over time</h2></div>
</div>
<script id="timeline-data" type="application/json">`;
  return [head, assets.css, body, json, '</script>\n<script>', assets.js, `</script>\n<script>${CLIENT_SCRIPT}</script>\n</body>\n</html>\n`];
}
