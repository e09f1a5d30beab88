// uPlot, inlined into every HTML report so that it opens with no network: its minified script and stylesheet,
// read at run time from the installed npm package.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface PlotAssets {
  /** UTF-8 bytes, ready to write. */
  readonly js: Uint8Array;
  readonly css: Uint8Array;
}

let cached: PlotAssets | null = null;

export function plotAssets(): PlotAssets {
  if (cached !== null) return cached;
  const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
  const js = readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(join(dist, 'uPlot.min.css'), 'utf8');
  // Inside <script> and <style>, only a closing tag could end the element early.
  cached = {
    js: Buffer.from(js.replace(/<\/(script)/gi, '<\\/$1'), 'utf8'),
    css: Buffer.from(css.replace(/<\/(style)/gi, '<\\/$1'), 'utf8'),
  };
  return cached;
}
