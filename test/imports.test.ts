// The layers of docs/architecture.md and the one rule between them: a layer imports only the layers below it,
// named in LAYERS. Scans every source file's import specifiers (static, type-only, re-exports, dynamic import(),
// require()) and fails on an import the table does not allow, on a cycle between layers, on a file that belongs
// to no layer, and on the firmware reaching for a clock, timers or randomness of its own.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Layer {
  /** Folders (or single files) of the layer, relative to the repository. */
  readonly paths: readonly string[];
  /** Layers this one may import. */
  readonly uses: readonly string[];
  /** Packages and Node built-ins it may import: 'none', or 'any'. */
  readonly packages: 'none' | 'node' | 'any';
}

/** Bottom to top. The firmware sees only its HAL (inside src/firmware) and src/net. */
const LAYERS: Readonly<Record<string, Layer>> = {
  errors: { paths: ['src/errors.ts'], uses: [], packages: 'none' },
  net: { paths: ['src/net'], uses: [], packages: 'none' },
  firmware: { paths: ['src/firmware'], uses: ['net'], packages: 'none' },
  kernel: { paths: ['src/kernel'], uses: ['errors'], packages: 'node' },
  models: { paths: ['hw-models'], uses: ['kernel', 'net', 'firmware', 'errors'], packages: 'none' },
  schema: { paths: ['schema'], uses: [], packages: 'none' },
  scenario: { paths: ['src/scenario'], uses: ['schema', 'kernel', 'net', 'errors'], packages: 'any' },
  run: { paths: ['src/run'], uses: ['scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  capture: { paths: ['src/capture'], uses: ['run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  viz: { paths: ['src/viz'], uses: ['run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  backplane: { paths: ['src/backplane'], uses: ['capture', 'viz', 'run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors', 'schema'], packages: 'any' },
  live: { paths: ['src/live'], uses: ['capture', 'run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  debug: { paths: ['src/debug'], uses: ['backplane', 'capture', 'viz', 'run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  suite: { paths: ['src/suite'], uses: ['backplane', 'capture', 'viz', 'run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
  sweep: { paths: ['src/sweep'], uses: ['suite', 'backplane', 'capture', 'viz', 'run', 'scenario', 'models', 'kernel', 'net', 'errors'], packages: 'any' },
  cli: { paths: ['src/cli'], uses: ['sweep', 'suite', 'debug', 'live', 'backplane', 'viz', 'capture', 'run', 'scenario', 'models', 'firmware', 'kernel', 'net', 'errors'], packages: 'any' },
};

function layerOf(file: string): string | undefined {
  const rel = relative(ROOT, file);
  let best: [string, number] | undefined;
  for (const [name, layer] of Object.entries(LAYERS)) {
    for (const p of layer.paths) {
      if ((rel === p || rel.startsWith(`${p}/`)) && (best === undefined || p.length > best[1])) best = [name, p.length];
    }
  }
  return best?.[0];
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Comments out: specifiers are read only from import/export/require/import() forms. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every module specifier a file names: static imports and re-exports, dynamic import(), require(). */
function specifiers(text: string): string[] {
  const code = withoutComments(text);
  const out: string[] = [];
  const forms = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of forms) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The layers' import graph as it is, and every import the table does not allow. */
function scan(files: readonly string[], read = (f: string) => readFileSync(f, 'utf8')): { edges: Map<string, Set<string>>; bad: string[] } {
  const edges = new Map<string, Set<string>>();
  const bad: string[] = [];
  for (const f of files) {
    const where = relative(ROOT, f);
    const from = layerOf(f);
    if (from === undefined) {
      bad.push(`${where}: belongs to no layer (add its folder to LAYERS)`);
      continue;
    }
    const layer = LAYERS[from]!;
    for (const spec of specifiers(read(f))) {
      if (spec.includes('${')) continue; // a computed require(): its file is checked where it is named
      if (!spec.startsWith('./') && !spec.startsWith('../')) {
        const builtin = spec.startsWith('node:');
        if (layer.packages === 'none' || (layer.packages === 'node' && !builtin)) bad.push(`${where}: '${spec}' (${from} may not import ${builtin ? 'Node built-ins' : 'packages'})`);
        continue;
      }
      if (!spec.endsWith('.js') && !spec.endsWith('.json') && !spec.endsWith('.cjs')) bad.push(`${where}: '${spec}' (NodeNext wants the file ending)`);
      const to = layerOf(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
      if (to === undefined) {
        bad.push(`${where}: '${spec}' (outside every layer)`);
      } else if (to !== from) {
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        if (!layer.uses.includes(to)) bad.push(`${where}: '${spec}' (${from} may not import ${to})`);
      }
    }
  }
  return { edges, bad };
}

/** A cycle in a graph of layers, or null. */
function findCycle(edges: ReadonlyMap<string, ReadonlySet<string> | readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c !== null) return c;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c !== null) return c;
  }
  return null;
}

const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'hw-models'))];
const { edges, bad } = scan(files);

describe('the layers and their one rule', () => {
  it('reads every source and its imports (the scanner sees each form)', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(specifiers(`import { a } from './a.js';\nimport type { B } from "../b.js";\nexport * from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\nconst f = require('f');\n// import { x } from 'commented';`))
      .toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', 'f']);
  });

  it('the table itself points one way', () => {
    expect(findCycle(new Map(Object.entries(LAYERS).map(([n, l]) => [n, l.uses])))).toBeNull();
    for (const l of Object.values(LAYERS)) for (const u of l.uses) expect(LAYERS[u], u).toBeDefined();
  });

  it('every import goes to a layer the table allows, and only allowed layers use packages', () => {
    expect(bad).toEqual([]);
  });

  it('the layers as imported have no cycle', () => {
    expect(findCycle(edges)).toBeNull();
  });

  it('would catch an import back up the layers, and a cycle', () => {
    const upward = scan([join(ROOT, 'src/backplane/x.ts'), join(ROOT, 'hw-models/osa/x.ts')], (f) =>
      f.includes('backplane') ? "import { UsageError } from '../cli/errors.js';" : "import type { OsaSpec } from '../../src/scenario/types.js';");
    expect(upward.bad).toEqual([
      "src/backplane/x.ts: '../cli/errors.js' (backplane may not import cli)",
      "hw-models/osa/x.ts: '../../src/scenario/types.js' (models may not import scenario)",
    ]);
    expect(scan([join(ROOT, 'src/firmware/x.ts')], () => "import { readFileSync } from 'node:fs';").bad).toEqual([
      "src/firmware/x.ts: 'node:fs' (firmware may not import Node built-ins)",
    ]);
    expect(findCycle(new Map([['cli', ['backplane']], ['backplane', ['cli']]]))).toEqual(['cli', 'backplane', 'cli']);
  });

  it('the firmware never reads a clock, arms a timer or draws a random number by itself', () => {
    const forbidden = /\b(Date\.now|new Date\b|performance\.now|Math\.random|setTimeout|setInterval|setImmediate|queueMicrotask|process\.|crypto\.)/;
    const found: string[] = [];
    for (const f of files.filter((f) => layerOf(f) === 'firmware')) {
      const lines = withoutComments(readFileSync(f, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (forbidden.test(line)) found.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
