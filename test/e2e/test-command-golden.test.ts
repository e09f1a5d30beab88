// Golden traces through the built CLI: the fixture golden holds; a changed model behaviour (one OSA's frame
// latency) shows up as a mismatch naming the first differing event, with the new trace in the artifacts;
// --update-golden rewrites the golden deliberately.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../suite/xml.js';
import { cli, ROOT } from './cli.js';

const GOLDEN = join(ROOT, 'fixtures/scenarios/golden/golden.trace.jsonl');

/** The golden scenario in a scratch folder, on a demo topology whose OSA2 takes `osa2Latency` per frame. */
function goldenCopy(osa2Latency: string | null): { dir: string; scenario: string; golden: string } {
  const dir = mkdtempSync(join(tmpdir(), 'suite-golden-'));
  let topology = readFileSync(join(ROOT, 'fixtures/topologies/demo.yaml'), 'utf8').replaceAll('profile: ../profiles/', `profile: ${ROOT}fixtures/profiles/`);
  if (osa2Latency !== null) {
    const osa2 = '{ name: OSA2, lan: LAN1, speed: 10GbE }';
    expect(topology).toContain(osa2);
    topology = topology.replace(osa2, `{ name: OSA2, lan: LAN1, speed: 10GbE, frameLatency: ${osa2Latency} }`);
  }
  writeFileSync(join(dir, 'topology.yaml'), topology);
  const text = readFileSync(join(ROOT, 'fixtures/scenarios/golden.yaml'), 'utf8')
    .replace('topology: ../topologies/demo.yaml', 'topology: topology.yaml')
    .replace('golden: golden/golden.trace.jsonl', 'golden: golden.trace.jsonl');
  writeFileSync(join(dir, 'golden.yaml'), text);
  copyFileSync(GOLDEN, join(dir, 'golden.trace.jsonl'));
  return { dir, scenario: join(dir, 'golden.yaml'), golden: join(dir, 'golden.trace.jsonl') };
}

describe('golden traces', () => {
  it('hold for an unchanged sysplex (the copy on the same topology passes)', () => {
    const c = goldenCopy(null);
    const r = cli(['test', c.scenario], { timeoutMs: 60_000 });
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.status).toBe(0);
  });

  it('name the first differing event when a model behaves differently, and keep the new trace', () => {
    const c = goldenCopy('3us');
    const artifacts = join(c.dir, 'artifacts');
    const junit = join(c.dir, 'junit.xml');
    const r = cli(['test', c.scenario, '--artifacts', artifacts, '--junit', junit], { timeoutMs: 60_000 });
    expect(r.status).toBe(1);
    // "expected <time> (<ps> ps) <component> <kind>, got ..." for the first line that differs.
    const m = /golden trace (\S+) differs at line (\d+): expected (\S+ \S+) \((\d+) ps\) (\S+) (\S+), got (\S+ \S+) \((\d+) ps\) (\S+) (\S+)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [, shown, line, , ps, component, kind] = m!;
    expect(shown).toBe(c.golden);
    const n = Number(line);
    const golden = readFileSync(c.golden, 'utf8').split('\n');
    const fresh = readFileSync(join(artifacts, 'golden', 'trace.jsonl'), 'utf8').split('\n');
    // The named line is the first that differs, and the message describes the golden's event on it.
    expect(fresh.slice(0, n - 1)).toEqual(golden.slice(0, n - 1));
    expect(fresh[n - 1]).not.toBe(golden[n - 1]);
    expect(JSON.parse(golden[n - 1]!)).toMatchObject({ t: Number(ps), c: component, k: kind });
    // The change is OSA2's: the first difference involves it, and the golden itself was not touched.
    expect(`${golden[n - 1]}${fresh[n - 1]}`).toContain('OSA2');
    expect(readFileSync(c.golden)).toEqual(readFileSync(GOLDEN));
    const failures = findAll(parseXml(readFileSync(junit, 'utf8')), 'failure');
    expect(failures.map((f) => f.attrs.type)).toEqual(['golden']);
    expect(failures[0]!.attrs.message).toContain(`differs at line ${n}:`);
  });

  it('are rewritten by --update-golden, after which the changed sysplex passes', () => {
    const c = goldenCopy('3us');
    const u = cli(['test', c.scenario, '--update-golden'], { timeoutMs: 60_000 });
    expect(u.status).toBe(0);
    expect(u.stdout).toContain(`golden trace ${c.golden} updated`);
    expect(readFileSync(c.golden)).not.toEqual(readFileSync(GOLDEN));
    const again = cli(['test', c.scenario], { timeoutMs: 60_000 });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('updated');
  });

  it('that are missing are bad input at the golden: line unless --update-golden writes them', () => {
    const c = goldenCopy(null);
    writeFileSync(c.scenario, readFileSync(c.scenario, 'utf8').replace('golden: golden.trace.jsonl', 'golden: new/none.trace.jsonl'));
    const r = cli(['test', c.scenario], { timeoutMs: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${c.scenario.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:9: golden .*none\\.trace\\.jsonl: no such file \\(write it with --update-golden\\)`));
    const w = cli(['test', c.scenario, '--update-golden'], { timeoutMs: 60_000 });
    expect(w.status).toBe(0);
    expect(readFileSync(join(c.dir, 'new', 'none.trace.jsonl'))).toEqual(readFileSync(GOLDEN));
  });
});
