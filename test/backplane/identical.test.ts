// Done when of issue 5: the fault scenarios give identical traces and reports with 1, 2 and 3 partitions (threads,
// and 2 worker processes over ZeroMQ),
// through the built CLI. The scenarios are short versions of fixtures/scenarios/{takeover,target-loss,
// xcf-failover}.yaml (test/backplane/fixtures): the processes transport pays a message round trip per window, so
// these keep virtual time and traffic small. every-scenario.test.ts runs every shipped scenario as written.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparable, run } from './processes.js';

const SCENARIOS: [file: string, kinds: string[]][] = [
  ['test/backplane/fixtures/takeover-short.yaml', ['lpar.down', 'lpar.up', 'dvipa.takeover', 'dvipa.takeback', 'conn.forward', 'xcf.leave']],
  ['test/backplane/fixtures/target-loss-short.yaml', ['lpar.down', 'xcf.leave', 'vcrt.delete', 'tcp.open']],
  ['test/backplane/fixtures/xcf-failover-short.yaml', ['xcf.path', 'conn.forward', 'xcf.send']],
];

describe.concurrent('partitioned runs are identical to the single-process run', () => {
  for (const [file, kinds] of SCENARIOS) {
    it(`${file.split('/').pop()}: 1, 2 and 3 partitions give the same report and a byte-identical trace`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'identical-'));
      const runs = await Promise.all(
        ([[1, 'threads'], [2, 'threads'], [3, 'threads'], [2, 'processes']] as const).map(async ([n, transport]) => {
          const trace = join(dir, `p${n}-${transport}.jsonl`);
          const r = await run(['run', file, '--json', '--partitions', String(n), '--trace', trace, ...(n > 1 ? ['--transport', transport] : [])]);
          expect(r.status, `${n} partitions: ${r.stderr}`).toBe(0); // the short scenarios' expectations hold
          return { n, transport, r, trace: readFileSync(trace, 'utf8') };
        }),
      );
      const [one, ...more] = runs;
      expect(one!.r.stderr).toBe('');
      expect(JSON.parse(one!.r.stdout).backplane).toBeUndefined();
      const traceKinds = new Set(one!.trace.trim().split('\n').map((l) => JSON.parse(l).k as string));
      for (const k of kinds) expect(traceKinds.has(k), `trace kind ${k}`).toBe(true);
      for (const m of more) {
        expect(m.r.stderr, `stderr with ${m.n} partitions`).toBe('');
        expect(m.r.status).toBe(one!.r.status);
        const report = JSON.parse(m.r.stdout);
        expect(report.partitions).toBe(m.n);
        // How the synchronisation went (docs/contract.md): a round per grant, the events spread over them.
        const bp = report.backplane;
        expect(bp.rounds).toBeGreaterThan(0);
        expect(bp.eventsPerRound).toBeCloseTo(report.events / bp.rounds, 1);
        expect(bp.waitingMs).toHaveLength(m.n);
        // How often each waited, and the events per wait (processes: a wait per grant, so per round).
        expect(bp.waits).toHaveLength(m.n);
        const waits = bp.waits.reduce((a: number, b: number) => a + b, 0);
        expect(waits).toBeGreaterThan(0);
        expect(bp.eventsPerWait).toBeCloseTo(report.events / waits, 1);
        if (m.transport !== 'threads') expect(waits).toBe(bp.rounds);
        // Threads say how the work split (CPU time of each partition thread, Linux); processes do not.
        if (m.transport === 'threads') expect(bp.cpuMs).toHaveLength(m.n);
        else expect(bp.cpuMs).toBeUndefined();
        expect(bp.lookaheadPs).toBeGreaterThan(0);
        expect(comparable(m.r.stdout), `report with ${m.n} partitions`).toEqual(comparable(one!.r.stdout));
        expect(m.trace.length).toBe(one!.trace.length);
        expect(m.trace === one!.trace, `trace with ${m.n} partitions is byte-identical`).toBe(true);
      }
    }, 300_000);
  }
});
