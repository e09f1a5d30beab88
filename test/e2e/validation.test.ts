// The validation suite (fixtures/validation, docs/fidelity.md): each scenario measures a figure IBM publishes.
// It passes through the built CLI, and fails when the model behind a figure is broken on purpose.
import { afterEach, describe, expect, it } from 'vitest';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { Cpc } from '../../hw-models/cpc/cpc.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { cli, ROOT } from './cli.js';

async function failing(file: string): Promise<string[]> {
  const s = loadScenario(`${ROOT}fixtures/validation/${file}`);
  if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('\n'));
  const report = await runScenario(s.value);
  return (report.expectations ?? []).filter((e) => !e.ok).map((e) => e.expr);
}

describe('validation suite: published figures', () => {
  const table = [...OSA.queueByPrecedence];
  const header = OSA.qdioHeaderBytes;
  afterEach(() => {
    (OSA.queueByPrecedence as unknown as number[]).splice(0, 8, ...table);
    (OSA as { qdioHeaderBytes: number }).qdioHeaderBytes = header;
  });

  it('sysplex-emu test fixtures/validation passes', () => {
    const r = cli(['test', 'fixtures/validation'], { timeoutMs: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\b(\d+) passed, 0 failed/);
    expect(r.status).toBe(0);
  }, 300_000);

  it('fails when the ToS table is the old invented one (precedence 3 -> 3, 4 and 5 -> 2)', async () => {
    (OSA.queueByPrecedence as unknown as number[]).splice(0, 8, 4, 4, 3, 3, 2, 2, 1, 1);
    expect(await failing('tos-table.yaml')).toEqual([
      'osas[name=OSA1].lpars[lpar=SYS1].txByQueue[0] == 240',
      'osas[name=OSA1].lpars[lpar=SYS1].txByQueue[1] == 8',
      'osas[name=OSA1].lpars[lpar=SYS1].txByQueue[2] == 4',
    ]);
  }, 60_000);

  it('fails when datagrams are packed without their QDIO header', async () => {
    (OSA as { qdioHeaderBytes: number }).qdioHeaderBytes = 0;
    expect(await failing('qdiostg-packing.yaml')).toEqual(['osas[name=OSA1].lpars[lpar=SYS1].maxFramesPerSbal == 42']);
  }, 120_000);

  it('fails when PR/SM does not divide the shared CPs (every logical CP at full speed)', async () => {
    const share = Cpc.prototype.share;
    Cpc.prototype.share = function (this: Cpc, i: number) {
      return { ...share.call(this, i), speed: 1 };
    };
    try {
      const failed = await failing('prsm-weights.yaml');
      expect(failed).toContain('lpars[name=SYS1].physicalCps <= 1.03');
      expect(failed).toContain('lpars[name=SYS3].physicalCps <= 0.42');
    } finally {
      Cpc.prototype.share = share;
    }
  }, 120_000);
});
