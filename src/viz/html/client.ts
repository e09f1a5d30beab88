// The report page's own script (plain ES5, runs in any browser): one uPlot chart per plot, sharing the time
// axis (ms of virtual time) and the cursor, with every marked event (faults red, DVIPA moves purple) drawn as a
// dashed vertical line and labelled on every chart.

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('timeline-data').textContent);
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  var MARK = { fault: '#d62728', dvipa: '#7b2cbf' };
  function drawMarkers(u) {
    var ctx = u.ctx, b = u.bbox, px = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = Math.round(10 * px) + 'px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.lineWidth = 2 * Math.max(1, Math.round(px)); // even width on a whole-pixel x: crisp, not blended
    ctx.setLineDash([5 * px, 3 * px]);
    D.markers.forEach(function (m, k) {
      var x = Math.round(u.valToPos(m.ms, 'x', true));
      if (x < b.left || x > b.left + b.width) return;
      ctx.strokeStyle = ctx.fillStyle = MARK[m.category] || '#555';
      ctx.beginPath();
      ctx.moveTo(x, b.top);
      ctx.lineTo(x, b.top + b.height);
      ctx.stroke();
      ctx.fillText(m.label, x + 3 * px, b.top + (11 + 11 * (k % 4)) * px);
    });
    ctx.restore();
  }
  var host = document.getElementById('plots');
  var width = Math.max(600, Math.min(1400, host.clientWidth - 16));
  window.__plots = [];
  D.plots.forEach(function (p) {
    var box = document.createElement('section');
    box.className = 'plot';
    box.setAttribute('data-plot', p.id);
    host.appendChild(box);
    var series = [{ label: 'virtual time (ms)' }];
    var data = [D.t];
    p.series.forEach(function (s, i) {
      series.push({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) });
      data.push(s.values);
    });
    var opts = {
      title: p.title + ' (' + p.unit + ')',
      width: width,
      height: 230,
      cursor: { sync: { key: 'timeline' } },
      scales: { x: { time: false } },
      axes: [{ label: 'virtual time (ms)' }, { label: p.unit, size: 70 }],
      series: series,
      hooks: { draw: [drawMarkers] }
    };
    window.__plots.push(new uPlot(opts, data, box));
  });
  // The clients' latency: percentile curves against nines (0: min, 1: 90 %, 2: 99 %, 3: 99.9 % ... last: max).
  var L = D.latency;
  if (L) {
    var LCOLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'];
    var nines = function (v) {
      if (v >= L.maxX - 1e-9) return 'max';
      if (v <= 0) return 'min';
      var q = 100 * (1 - Math.pow(10, -v));
      return q.toFixed(Math.max(0, Math.ceil(v - 1e-9) - 2)) + ' %';
    };
    var lseries = [{ label: 'percentile', value: function (u, v) { return v == null ? '' : nines(v); } }];
    var ldata = [L.x];
    L.series.forEach(function (s, i) {
      lseries.push({ label: s.label + ' (' + s.count + ')', stroke: LCOLORS[i % LCOLORS.length], width: 2, points: { show: false } });
      ldata.push(s.values);
    });
    var splits = [0, Math.log10(2)];
    for (var n = 1; n < L.maxX; n++) splits.push(n);
    splits.push(L.maxX);
    var lbox = document.querySelector('section.latency-plot');
    var lopts = {
      title: 'Client latency by percentile (' + L.unit + ')',
      width: width,
      height: 300,
      scales: { x: { time: false, range: [0, L.maxX] } },
      axes: [
        { label: 'percentile', splits: function () { return splits; }, values: function (u, vs) { return vs.map(nines); } },
        { label: L.unit, size: 70 }
      ],
      series: lseries
    };
    window.__latency = { plot: new uPlot(lopts, ldata, lbox), colors: LCOLORS };
  }
  window.__timelineReady = true;
})();
`;
