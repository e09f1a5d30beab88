// The XCF signalling paths between two LPARs of a topology, as the wiring builds them and xcf-down counts them.
// Apart from the topology loader so that a partition thread, which builds from an already loaded scenario, does
// not load the YAML reader with it.

import type { Topology, XcfLinkSpec } from './types.js';

/** One XCF signalling path between two LPARs: a FICON CTC device pair, or the list structure in a CF both
 *  reach over coupling links. */
export type SignallingPath = { readonly kind: 'CTC'; readonly link: XcfLinkSpec; readonly device: number } | { readonly kind: 'STRUCTURE'; readonly cf: string };

/** The signalling paths between LPARs `a` and `b`, numbered as xcf-down `A-B:n` counts them: the CTC device
 *  pairs of the FICON links between them (in file order), then one structure per CF both reach (in `cfs` order). */
export function signallingPaths(t: Pick<Topology, 'cfs' | 'xcf'>, a: string, b: string): SignallingPath[] {
  const out: SignallingPath[] = [];
  for (const l of t.xcf.links) {
    if (l.signalling !== 'CTC') continue;
    if ((l.between[0] === a && l.between[1] === b) || (l.between[0] === b && l.between[1] === a)) {
      for (let d = 0; d < l.paths; d++) out.push({ kind: 'CTC', link: l, device: d });
    }
  }
  const reaches = (lpar: string, cf: string): boolean =>
    t.xcf.links.some((l) => l.signalling === 'STRUCTURE' && l.between.includes(lpar) && l.between.includes(cf));
  for (const cf of t.cfs) if (reaches(a, cf.name) && reaches(b, cf.name)) out.push({ kind: 'STRUCTURE', cf: cf.name });
  return out;
}
