// CONTRACT.md's takeover scenario with every timeline: the VCD's DVIPA-owner signal changes from SYS1 to SYS2
// at the virtual time of the dvipa.takeover trace record and back at the takeback's; the Perfetto trace marks
// the fault and the takeover; the HTML report lists them at those times and draws them on every plot
// (checked in headless Chromium, pixel by pixel, with the plots zoomed to the fault and the takeover).
// The takeback after SYS1's re-IPL is an orderly handover: SYS2 gives the DVIPA up, SYS1 activates it when
// SYS2's handover signal reaches it, and at no moment do two stacks have it active.
import { readFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../support/tools.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { timelineInstruments } from '../../src/viz/index.js';
import { ROOT } from '../e2e/cli.js';
import { renderReport } from './chromium.js';
import { perfettoProblems } from './perfetto-check.js';
import { parseVcd } from './vcd-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'viz-takeover-'));
const f = { trace: join(dir, 't.jsonl'), vcd: join(dir, 't.vcd'), perfetto: join(dir, 't.json'), html: join(dir, 't.html') };
const MS = 1_000_000_000;
interface Rec { t: number; c: string; k: string; owner?: string; from?: string; to?: string; bytes?: number }
let takeover = { t: -1, owner: '' };
let takeback = { t: -1, owner: '', from: '' };
/** Every dvipa.* record, lpar.down, and the XCF signals between SYS1 and SYS2 after the re-IPL. */
const records: Rec[] = [];
let report: Record<string, unknown> = {};

beforeAll(async () => {
  const loaded = loadRunFile(join(ROOT, 'fixtures/scenarios/takeover.yaml'));
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  report = (await runScenario(loaded.value, { trace: f.trace, instruments: timelineInstruments({ vcd: f.vcd, perfetto: f.perfetto, html: f.html }) })) as unknown as Record<string, unknown>;
  for (const line of readFileSync(f.trace, 'utf8').split('\n')) {
    if (!line.includes('"k":"dvipa.') && !line.includes('"k":"lpar.down"') && !line.includes('"k":"xcf.') && !line.includes('"k":"conn.redirect"')) continue;
    const r = JSON.parse(line) as Rec;
    if (r.k.startsWith('xcf.') && !(r.t > 40 * MS && (r.c === 'SYS1' || r.c === 'SYS2'))) continue;
    records.push(r);
    if (r.k === 'dvipa.takeover' && takeover.t < 0) takeover = { t: r.t, owner: r.owner! };
    if (r.k === 'dvipa.takeback' && takeback.t < 0) takeback = { t: r.t, owner: r.owner!, from: r.from ?? '' };
  }
}, 120_000);

/** The stacks that have the DVIPA active, interval by interval, from the trace: a stack starts owning it at its
 *  activate/takeover/takeback record and stops at its handover record or when its LPAR goes down. */
function ownership(): { stack: string; from: number; to: number }[] {
  const open = new Map<string, number>();
  const out: { stack: string; from: number; to: number }[] = [];
  for (const r of records) {
    if (r.k === 'dvipa.activate' || r.k === 'dvipa.takeover' || r.k === 'dvipa.takeback') {
      expect(open.has(r.owner!), `${r.owner} activates at ${r.t} while already owning`).toBe(false);
      open.set(r.owner!, r.t);
    } else if ((r.k === 'dvipa.handover' || r.k === 'lpar.down') && open.has(r.c)) {
      out.push({ stack: r.c, from: open.get(r.c)!, to: r.t });
      open.delete(r.c);
    }
  }
  for (const [stack, from] of open) out.push({ stack, from, to: Infinity });
  return out.sort((a, b) => a.from - b.from);
}

describe('the takeover scenario with --vcd, --perfetto and --html', () => {
  it('runs as it does without them: every expectation holds', () => {
    expect((report.expectations as { ok: boolean }[]).every((e) => e.ok)).toBe(true);
    expect(takeover.owner).toBe('SYS2');
    expect(takeover.t).toBeGreaterThan(10 * MS); // after SYS1 failed at 10 ms
    expect(takeback.owner).toBe('SYS1');
  });

  it('takeback is an orderly handover: SYS2 gives the DVIPA up, then SYS1 activates it; never two owners', () => {
    const owned = ownership();
    expect(owned.map((o) => o.stack)).toEqual(['SYS1', 'SYS2', 'SYS1']);
    // No overlap: each owner starts after the one before it stopped.
    for (let i = 1; i < owned.length; i++) expect(owned[i]!.from).toBeGreaterThanOrEqual(owned[i - 1]!.to);
    // The re-IPLed SYS1 does not activate the DVIPA itself: it waits for SYS2's handover, whose VCRT it takes.
    expect(records.filter((r) => r.k === 'dvipa.activate' && r.t > 40 * MS)).toEqual([]);
    expect(takeback.from).toBe('SYS2');
    const handover = records.find((r) => r.k === 'dvipa.handover')!;
    expect(handover).toMatchObject({ c: 'SYS2', to: 'SYS1' });
    expect(owned[1]!.to).toBe(handover.t);
    expect(owned[2]!.from).toBe(takeback.t);
    // The gap without an owner is the handover signal's way from SYS2 to SYS1 and nothing more: SYS2 sends it
    // with the first signals after giving the DVIPA up (meanwhile the LAN's packets reach SYS2, which redirects
    // them after it), and SYS1 activates the moment it arrives.
    const recv = records.find((r) => r.k === 'xcf.recv' && r.c === 'SYS1' && r.from === 'SYS2' && r.t === takeback.t)!;
    expect(recv).toBeDefined();
    const send = records.find((r) => r.k === 'xcf.send' && r.c === 'SYS2' && r.to === 'SYS1' && r.t >= handover.t && r.bytes === recv.bytes)!;
    expect(send).toBeDefined();
    const firstSendAfter = records.find((r) => r.k === 'xcf.send' && r.c === 'SYS2' && r.to === 'SYS1' && r.t >= handover.t)!;
    expect(send.t).toBe(firstSendAfter.t);
    // Meanwhile the LAN still sends SYS2 the DVIPA's packets: SYS2 redirects them to SYS1 behind the handover, so
    // routing goes on through the move (none are answered with a RST or dropped for want of an owner).
    const redirects = records.filter((r) => r.k === 'conn.redirect' && r.t > 40 * MS);
    expect(redirects.length).toBeGreaterThan(0);
    expect(redirects.every((r) => r.c === 'SYS2' && r.to === 'SYS1' && r.t >= handover.t)).toBe(true);
    console.log(`takeback: SYS2 gave the DVIPA up at ${handover.t} ps, SYS1 activated it at ${takeback.t} ps (handover signal ${send.t} -> ${recv.t} ps, ${recv.bytes} bytes)`);
  });

  it('VCD: the DVIPA owner goes SYS1 -> SYS2 at the takeover record, SYS2 -> SYS1 at the takeback record', () => {
    const vcd = parseVcd(readFileSync(f.vcd, 'utf8'));
    const owner = vcd.history('sysplex.distributor.dvipa_10_1_1_10.owner');
    expect(owner.filter((c) => c.value !== 's-')).toEqual([
      { t: ownership()[0]!.from, value: 'sSYS1' }, // activated at IPL
      { t: takeover.t, value: 'sSYS2' },
      { t: takeback.t, value: 'sSYS1' }, // handed back after the re-IPL
    ]);
    const id = vcd.history('sysplex.distributor.dvipa_10_1_1_10.owner_id');
    expect(id.find((c) => c.t === takeover.t)?.value).toBe('b10'); // SYS2 is LPAR 2
    expect(vcd.history('sysplex.SYS1.up')).toEqual([{ t: 0, value: '1' }, { t: 10 * MS, value: '0' }, { t: 40 * MS, value: '1' }]);
    expect(vcd.history('sysplex.faults.last').map((c) => [c.t, c.value])).toEqual([[0, 's-'], [10 * MS, 'slpar-down_SYS1'], [40 * MS, 'slpar-up_SYS1']]);
    // SYS2 distributes after the takeover: its VCRT fills.
    expect(vcd.history('sysplex.SYS2.vcrt_size').some((c) => c.t > takeover.t && c.t < 40 * MS && c.value !== 'b0')).toBe(true);
  });

  it('Perfetto: sound structure, a global instant for the fault and an instant for the takeover at its time', () => {
    const doc = JSON.parse(readFileSync(f.perfetto, 'utf8')) as { traceEvents: { ph: string; name: string; ts: number; s?: string; cat?: string; args?: { end?: string } }[] };
    expect(perfettoProblems(doc)).toEqual([]);
    const instants = doc.traceEvents.filter((e) => e.ph === 'i');
    expect(instants.find((e) => e.name === 'lpar-down SYS1')).toMatchObject({ ts: 10_000, s: 'g', cat: 'fault' });
    expect(instants.find((e) => e.name.startsWith('takeover 10.1.1.10 -> SYS2'))!.ts).toBe(takeover.t / 1e6);
    // SYS1's connections ended with it.
    expect(doc.traceEvents.filter((e) => e.ph === 'E' && e.args?.end === 'lpar-down').length).toBeGreaterThan(0);
  });

  it('HTML: the fault and the takeover listed at their times and drawn on every plot', needs('chromium'), async () => {
    const html = readFileSync(f.html, 'utf8');
    const data = JSON.parse(/<script id="timeline-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { markers: { ps: number; label: string; category: string }[] };
    expect(data.markers).toEqual([
      { ps: 10 * MS, ms: 10, category: 'fault', label: 'lpar-down SYS1' },
      { ps: takeover.t, ms: takeover.t / 1e9, category: 'dvipa', label: 'takeover 10.1.1.10 -> SYS2' },
      { ps: 40 * MS, ms: 40, category: 'fault', label: 'lpar-up SYS1' },
      { ps: takeback.t, ms: takeback.t / 1e9, category: 'dvipa', label: 'takeback 10.1.1.10 -> SYS1 (from SYS2)' },
    ]);
    expect(html).toContain(`data-t-ps="${takeover.t}"`);
    const shot = join(dir, 'takeover-report.png');
    // Zoomed to 9..13 ms: the fault and the takeover 2 ms later, each in its own pixel column.
    const r = await renderReport(f.html, shot, [9, 13]);
    console.log(`takeover HTML report screenshot: ${shot}`);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.canvases).toBe(6);
    expect(r.plots).toHaveLength(6);
    for (const plot of r.plots) expect(r.markersDrawn[plot], plot).toEqual(['lpar-down SYS1', 'takeover 10.1.1.10 -> SYS2']);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
