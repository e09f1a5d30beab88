// Opens an HTML report in headless Chromium (Debian's, driven by playwright-core) the way a user's browser
// would: from a file, with the network cut off, and reports what rendered, what the console said, what the
// page tried to fetch, and, per plot and per marked event, whether the marker's dashed line is drawn there.

import { chromium } from 'playwright-core';
import { CHROMIUM } from '../support/tools.js';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export interface Rendered {
  plots: string[];
  canvases: number;
  consoleErrors: string[];
  /** URLs requested other than the file itself. */
  requests: string[];
  /** Per plot id: the labels of the markers whose line shows in that plot's canvas (zoomed to `zoomMs`). */
  markersDrawn: Record<string, string[]>;
  /** The client latency plot, when the page has one: its series' labels, its canvases, and per series the
   *  pixels of the series' colour inside the plot area (a drawn curve has hundreds). */
  latency: { series: string[]; canvases: number; pixels: number[] } | null;
}

/** Renders `file` and saves a screenshot; when `zoomMs` is given, every plot is then zoomed to that window
 *  (ms) before the markers are looked for, and a second screenshot saved beside the first (`-zoomed`). */
export async function renderReport(file: string, screenshot: string, zoomMs?: [number, number]): Promise<Rendered> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as unknown as { __timelineReady?: boolean }).__timelineReady === true, null, { timeout: 20_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    if (zoomMs !== undefined) {
      await page.evaluate((zoom) => {
        const w = window as unknown as { __plots: { setScale(k: string, r: { min: number; max: number }): void }[] };
        for (const u of w.__plots) u.setScale('x', { min: zoom[0], max: zoom[1] });
      }, zoomMs);
      // uPlot redraws on its next frame.
      await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
    }
    const result = await page.evaluate(() => {
      type Plot = { root: HTMLElement; ctx: CanvasRenderingContext2D; bbox: { left: number; top: number; width: number; height: number }; valToPos(v: number, s: string, c: boolean): number };
      const w = window as unknown as { __plots: Plot[] };
      const data = JSON.parse(document.getElementById('timeline-data')!.textContent!) as { markers: { ms: number; label: string; category: string }[] };
      const colors: Record<string, [number, number, number]> = { fault: [0xd6, 0x27, 0x28], dvipa: [0x7b, 0x2c, 0xbf] };
      const drawn: Record<string, string[]> = {};
      for (const u of w.__plots) {
        const id = u.root.parentElement!.getAttribute('data-plot')!;
        drawn[id] = [];
        for (const m of data.markers) {
          const x = Math.round(u.valToPos(m.ms, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          const px = u.ctx.getImageData(x, u.bbox.top, 1, u.bbox.height).data;
          const [r, g, b] = colors[m.category]!;
          let hits = 0;
          for (let k = 0; k < px.length; k += 4) if (Math.abs(px[k]! - r) < 40 && Math.abs(px[k + 1]! - g) < 40 && Math.abs(px[k + 2]! - b) < 40) hits++;
          // A dashed line down the whole plot: well over a third of the column in the marker's colour.
          if (hits > u.bbox.height / 3) drawn[id]!.push(m.label);
        }
      }
      return {
        plots: [...document.querySelectorAll('section.plot')].map((s) => s.getAttribute('data-plot')!),
        canvases: document.querySelectorAll('section.plot canvas').length,
        drawn,
      };
    });
    const latency = await page.evaluate(() => {
      type Plot = { ctx: CanvasRenderingContext2D; bbox: { left: number; top: number; width: number; height: number }; series: { label: string }[] };
      const w = window as unknown as { __latency?: { plot: Plot; colors: string[] } };
      if (w.__latency === undefined) return null;
      const { plot: u, colors } = w.__latency;
      const px = u.ctx.getImageData(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height).data;
      const pixels = u.series.slice(1).map((_, i) => {
        const c = colors[i % colors.length]!;
        const [r, g, b] = [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16));
        let hits = 0;
        for (let k = 0; k < px.length; k += 4) if (Math.abs(px[k]! - r!) < 30 && Math.abs(px[k + 1]! - g!) < 30 && Math.abs(px[k + 2]! - b!) < 30) hits++;
        return hits;
      });
      return { series: u.series.slice(1).map((s) => s.label), canvases: document.querySelectorAll('section.latency-plot canvas').length, pixels };
    });
    if (zoomMs !== undefined) await page.screenshot({ path: screenshot.replace(/\.png$/, '-zoomed.png'), fullPage: true });
    return { plots: result.plots, canvases: result.canvases, consoleErrors, requests, markersDrawn: result.drawn, latency };
  } finally {
    await browser.close();
  }
}
