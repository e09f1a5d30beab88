// sweep.html: one uPlot chart per metric that varies across the sweep, against the first varied parameter, one
// line per combination of the others (with several seeds: the mean, and dashed min and max). Everything inline,
// as in the run report: the page opens from a file with no network.

import { plotAssets } from '../viz/html/assets.js';
import { parseBitRate, parseDistance, parseRate, parseSize, parseTime } from '../scenario/index.js';
import type { SweepAxis } from '../scenario/index.js';
import { metricNames, type PointResult } from './results.js';

export interface SweepPlot {
  readonly metric: string;
  readonly series: readonly { readonly label: string; readonly mean: (number | null)[]; readonly min?: (number | null)[]; readonly max?: (number | null)[] }[];
}

export interface SweepPage {
  readonly title: string;
  readonly xLabel: string;
  /** x of each value of the first axis (a number, or the value's position when the values are not numbers). */
  readonly x: readonly number[];
  readonly xTicks: readonly string[] | null;
  readonly plots: readonly SweepPlot[];
  /** Metrics with the same value at every point: a table, not a plot. */
  readonly constant: readonly { readonly metric: string; readonly value: number }[];
  readonly failures: readonly { readonly settings: string; readonly error: string }[];
}

/** The numbers the first axis's values stand for, with the unit's name, or null when they are not numbers. */
export function numericAxis(axis: SweepAxis): { values: number[]; unit: string } | null {
  if (axis.values.every((v) => typeof v === 'number')) return { values: axis.values as number[], unit: '' };
  const parsers: [(t: string) => { ok: boolean; value?: number }, string][] = [
    [parseTime, 'ps'], [parseDistance, 'm'], [parseSize, 'bytes'], [parseBitRate, 'bit/s'], [parseRate, '/s'],
  ];
  for (const [parse, unit] of parsers) {
    const parsed = axis.texts.map((t) => parse(t));
    if (parsed.every((p) => p.ok)) return { values: parsed.map((p) => p.value!), unit };
  }
  return null;
}

export function sweepPage(title: string, axes: readonly SweepAxis[], results: readonly PointResult[], seeds: number): SweepPage {
  const first = axes[0]!;
  const numeric = numericAxis(first);
  const x = numeric?.values ?? first.texts.map((_, i) => i);
  const xLabel = numeric !== null && numeric.unit !== '' ? `${first.path} (${numeric.unit})` : first.path;
  // One line per combination of the other axes' values, in the order the points came.
  const lines = new Map<string, PointResult[]>();
  for (const r of results) {
    const key = r.point.settings.slice(1).map((s) => `${s.path}=${s.text}`).join(', ') || first.path;
    (lines.get(key) ?? lines.set(key, []).get(key)!).push(r);
  }
  const plots: SweepPlot[] = [];
  const constant: { metric: string; value: number }[] = [];
  for (const metric of metricNames(results)) {
    const means = results.map((r) => r.metrics.get(metric)?.mean).filter((v) => v !== undefined);
    if (means.every((v) => v === means[0])) {
      constant.push({ metric, value: means[0]! });
      continue;
    }
    const series = [...lines].map(([label, rs]) => {
      const at = (f: (r: PointResult) => number | undefined) => first.texts.map((_, i) => f(rs.find((r) => r.point.at[0] === i)!) ?? null);
      const mean = at((r) => r?.metrics.get(metric)?.mean);
      if (seeds <= 1) return { label, mean };
      return { label, mean, min: at((r) => r?.metrics.get(metric)?.min), max: at((r) => r?.metrics.get(metric)?.max) };
    });
    plots.push({ metric, series });
  }
  const failures = results.filter((r) => r.error !== null).map((r) => ({ settings: r.point.overrides.join(' '), error: r.error! }));
  return { title, xLabel, x, xTicks: numeric === null ? [...first.texts] : null, plots, constant, failures };
}

export function sweepHtml(page: SweepPage): string {
  const { js, css } = plotAssets();
  const data = JSON.stringify(page).replace(/</g, '\\u003c');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const constants = page.constant.map((c) => `<tr><td>${esc(c.metric)}</td><td>${c.value}</td></tr>`).join('');
  const failures = page.failures.map((f) => `<li><code>${esc(f.settings)}</code>: ${esc(f.error)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>${Buffer.from(css).toString('utf8')}</style>
<style>body{font:14px sans-serif;margin:16px}section.plot{margin:8px 0 24px}td{padding:2px 8px}</style>
</head><body>
<h1>${esc(page.title)}</h1>
<p>${page.plots.length} metric${page.plots.length === 1 ? '' : 's'} vary against <code>${esc(page.xLabel)}</code>.</p>
${failures === '' ? '' : `<h2>Points that failed</h2><ul id="failures">${failures}</ul>`}
<div id="plots"></div>
<h2>Metrics that do not vary</h2><table id="constant">${constants}</table>
<script id="sweep-data" type="application/json">${data}</script>
<script>${Buffer.from(js).toString('utf8')}</script>
<script>${CLIENT}</script>
</body></html>
`;
}

/** The page's own script (ES5): one chart per plot. */
const CLIENT = String.raw`(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('sweep-data').textContent);
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var host = document.getElementById('plots');
  var width = Math.max(500, Math.min(1200, host.clientWidth - 16));
  var xAxis = { label: D.xLabel };
  if (D.xTicks) xAxis.values = function (u, vals) { return vals.map(function (v) { return D.xTicks[v] !== undefined && v === Math.round(v) ? D.xTicks[v] : ''; }); };
  window.__plots = [];
  D.plots.forEach(function (p) {
    var box = document.createElement('section');
    box.className = 'plot';
    box.setAttribute('data-metric', p.metric);
    host.appendChild(box);
    var series = [{ label: D.xLabel }];
    var data = [D.x];
    p.series.forEach(function (s, i) {
      var c = COLORS[i % COLORS.length];
      series.push({ label: s.label, stroke: c, width: 2, points: { show: true, size: 6 } });
      data.push(s.mean);
      if (s.min) {
        series.push({ label: s.label + ' min', stroke: c, width: 1, dash: [4, 4] });
        data.push(s.min);
        series.push({ label: s.label + ' max', stroke: c, width: 1, dash: [4, 4] });
        data.push(s.max);
      }
    });
    var opts = { title: p.metric, width: width, height: 240, scales: { x: { time: false } }, axes: [xAxis, { size: 80 }], series: series };
    window.__plots.push(new uPlot(opts, data, box));
  });
  window.__sweepReady = true;
})();
`;
