#!/usr/bin/env node
// Rewrites topology and scenario files from the old XCF form (coupling links between two LPARs) to the form
// z/OS builds (docs/contract.md, "XCF"): coupling links join an LPAR to a CF, two LPARs signal over FICON CTC.
//   { between: [A, B], model: ICA-SR }                        (old default signalling: CTC)
//     -> { between: [A, B], model: FICON, signalling: CTC }   (paths kept: CTC device pairs)
//   { between: [A, B], model: M, signalling: STRUCTURE, paths: n }
//     -> cfs CF01..CFn (one structure each, n = the most paths any such link had) and
//        { between: [A, CFk], model: M } / { between: [B, CFk], model: M } for each k
// Only the links are rewritten; comments and the rest of the file stay as written. Files already in the new
// form are left alone. Usage: node tools/migrate-xcf.mjs FILE.yaml... (or folders); --check lists what it
// would change and exits 1 when something would.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';

const COUPLING = new Set(['ICA-SR', 'CE-LR', 'IC']);
const args = process.argv.slice(2);
const check = args.includes('--check');
if (args.includes('--help') || args.filter((a) => a !== '--check').length === 0) {
  process.stdout.write('usage: node tools/migrate-xcf.mjs [--check] FILE.yaml|FOLDER...\n');
  process.exit(args.includes('--help') ? 0 : 2);
}

function* files(path) {
  if (statSync(path).isDirectory()) {
    for (const e of readdirSync(path).sort()) yield* files(join(path, e));
  } else if (/\.ya?ml$/.test(path)) yield path;
}

/** The topology node of a file: the file itself, or a scenario's inline `topology`. */
function topologyNode(doc) {
  const root = doc.contents;
  if (!isMap(root)) return null;
  const inline = root.get('topology', true);
  if (isMap(inline)) return inline;
  return root.has('lpars') ? root : null;
}

/** Returns the new text, or null when nothing changes. */
export function migrate(text) {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) return null;
  const topo = topologyNode(doc);
  if (topo === null) return null;
  const lpars = new Set((topo.get('lpars')?.items ?? []).map((l) => (isMap(l) ? String(l.get('name')) : '')));
  const links = topo.getIn(['xcf', 'links'], true);
  if (!isSeq(links)) return null;
  const old = links.items.filter((l) => isMap(l) && COUPLING.has(String(l.get('model'))) && (l.get('between')?.items ?? []).every((e) => lpars.has(String(e.value ?? e))));
  if (old.length === 0) return null;
  // Edits as text: [start, end, replacement], applied from the end.
  const edits = [];
  const structure = old.filter((l) => String(l.get('signalling') ?? 'CTC') === 'STRUCTURE');
  const cfCount = Math.max(0, ...structure.map((l) => Number(l.get('paths') ?? 1)));
  const reach = new Map(); // LPAR -> { model, distance }
  for (const l of old) {
    const [a, b] = l.get('between').items.map((e) => String(e.value ?? e));
    const model = String(l.get('model'));
    const distance = l.get('distance');
    const paths = l.get('paths');
    if (String(l.get('signalling') ?? 'CTC') === 'CTC') {
      const parts = [`between: [${a}, ${b}]`, 'model: FICON', 'signalling: CTC'];
      if (distance !== undefined) parts.push(`distance: ${distance}`);
      if (paths !== undefined) parts.push(`paths: ${paths}`);
      edits.push([l.range[0], l.range[1], `{ ${parts.join(', ')} }`]);
      continue;
    }
    for (const s of [a, b]) if (!reach.has(s)) reach.set(s, { model, distance });
    edits.push([l.range[0], l.range[1], null]); // replaced by the CF links below
  }
  let cfLinks = [];
  for (const [lpar, r] of reach) {
    for (let k = 1; k <= cfCount; k++) {
      cfLinks.push(`{ between: [${lpar}, CF0${k}], model: ${r.model}${r.distance !== undefined ? `, distance: ${r.distance}` : ''} }`);
    }
  }
  // Removed structure links: the first one's place takes every CF link, the others go with their line.
  const removed = edits.filter((e) => e[2] === null);
  if (removed.length > 0) {
    const indent = lineIndent(text, removed[0][0]);
    removed[0][2] = cfLinks.join(`\n${indent}- `);
    for (const e of removed.slice(1)) {
      const lineStart = text.lastIndexOf('\n', e[0]) + 1;
      const lineEnd = text.indexOf('\n', e[1]);
      e[0] = lineStart;
      e[1] = lineEnd < 0 ? text.length : lineEnd + 1;
      e[2] = '';
    }
    // The CFs, just before `xcf:`.
    const xcfKey = topo.items.find((p) => String(p.key) === 'xcf').key;
    const at = text.lastIndexOf('\n', xcfKey.range[0]) + 1;
    const ind = text.slice(at, xcfKey.range[0]);
    const cfs = Array.from({ length: cfCount }, (_, i) => `{ name: CF0${i + 1}, processors: 2 }`);
    edits.push([at, at, `${ind}cfs:\n${cfs.map((c) => `${ind}  - ${c}\n`).join('')}`]);
  }
  edits.sort((x, y) => y[0] - x[0]);
  let out = text;
  for (const [s, e, r] of edits) out = out.slice(0, s) + r + out.slice(e);
  return out;
}

function lineIndent(text, pos) {
  const start = text.lastIndexOf('\n', pos) + 1;
  return text.slice(start, pos).replace(/-\s*$/, '').replace(/\S.*$/, '');
}

let changed = 0;
for (const arg of args.filter((a) => a !== '--check')) {
  for (const f of files(arg)) {
    const text = readFileSync(f, 'utf8');
    const out = migrate(text);
    if (out === null || out === text) continue;
    changed++;
    if (check) process.stdout.write(`${f}: would migrate\n`);
    else {
      writeFileSync(f, out);
      process.stdout.write(`${f}: migrated\n`);
    }
  }
}
if (check && changed > 0) process.exit(1);
