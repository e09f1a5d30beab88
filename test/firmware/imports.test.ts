// ARCHITECTURE.md's one rule for the firmware: src/firmware imports nothing outside itself and src/net (no
// Node built-ins, no packages, no kernel, models or backplane), and it never reaches for a clock, timers or
// randomness of its own. Scans every source file's import specifiers and a few forbidden globals.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIRMWARE = join(ROOT, 'src', 'firmware');
const NET = join(ROOT, 'src', 'net');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Strips comments and string contents other than module specifiers would be overkill: comments suffice, as
 *  specifiers are read only from import/export/require/import() forms. */
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

const files = sources(FIRMWARE);

describe('src/firmware imports', () => {
  it('finds the firmware sources and their imports', () => {
    expect(files.length).toBeGreaterThan(40);
    const all = files.flatMap((f) => specifiers(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(100);
    // The scanner itself sees each form.
    expect(specifiers(`import { a } from './a.js';\nimport type { B } from "../b.js";\nexport * from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\nconst f = require('f');\n// import { x } from 'commented';`))
      .toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', 'f']);
  });

  it('imports only relative paths that stay inside src/firmware or src/net', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        const where = relative(ROOT, f);
        if (!spec.startsWith('./') && !spec.startsWith('../')) {
          bad.push(`${where}: '${spec}' (a package or built-in)`);
          continue;
        }
        const target = resolve(dirname(f), spec);
        const inside = [FIRMWARE, NET].some((d) => target === d || target.startsWith(d + sep));
        if (!inside) bad.push(`${where}: '${spec}' (outside src/firmware and src/net)`);
        else if (!spec.endsWith('.js')) bad.push(`${where}: '${spec}' (NodeNext wants the .js ending)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('src/net, which the firmware uses, imports only itself', () => {
    const bad: string[] = [];
    for (const f of sources(NET)) {
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        const target = resolve(dirname(f), spec);
        if (!spec.startsWith('.') || !(target === NET || target.startsWith(NET + sep))) bad.push(`${relative(ROOT, f)}: '${spec}'`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('never reads a clock, arms a timer or draws a random number by itself', () => {
    const forbidden = /\b(Date\.now|new Date\b|performance\.now|Math\.random|setTimeout|setInterval|setImmediate|queueMicrotask|process\.|crypto\.)/;
    const bad: string[] = [];
    for (const f of files) {
      const lines = withoutComments(readFileSync(f, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (forbidden.test(line)) bad.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });
});
