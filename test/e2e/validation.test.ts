// The validation suite (fixtures/validation, docs/fidelity.md): each scenario measures a figure IBM publishes.
// It passes through the built CLI, and fails when the model behind a figure is broken on purpose.
import { afterEach, describe, expect, it } from 'vitest';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { Cpc } from '../../hw-models/cpc/cpc.js';
import { CF } from '../../hw-models/cf/datasheet.js';
import { COUPLING_LINKS, XCF } from '../../hw-models/xcf/datasheet.js';
import { DEFAULTS } from '../../src/scenario/defaults.js';
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

  describe('XCF rows (14-17)', () => {
    const cf = { ...CF };
    const xcf = { ...XCF };
    const ica = { ...COUPLING_LINKS['ICA-SR'] };
    const spin = { ...DEFAULTS.xcf.spinTimePs };
    type Mutable<T> = { -readonly [K in keyof T]: T[K] };
    afterEach(() => {
      Object.assign(CF as Mutable<typeof CF>, cf);
      Object.assign(XCF as Mutable<typeof XCF>, xcf);
      Object.assign(COUPLING_LINKS['ICA-SR'] as Mutable<(typeof COUPLING_LINKS)['ICA-SR']>, ica);
      Object.assign(DEFAULTS.xcf.spinTimePs as Mutable<typeof DEFAULTS.xcf.spinTimePs>, spin);
    });

    it('fail when a CF request costs the CF no time (service time is only the link)', async () => {
      (CF as Mutable<typeof CF>).listRequestPs = 0;
      // ICA SR at 10 m: 2 x 1.25 us, far under Packer's 7.5 us; IC's 0.6 us still passes "less than ICA SR".
      expect(await failing('cf-request-ica-ic.yaml')).toEqual(['xcf.systems[name=SYS1].cfs[cf=CF01].meanServicePs >= 7000ns']);
    }, 60_000);

    it('fail when a coupling link ignores its distance', async () => {
      (XCF as Mutable<typeof XCF>).propagationPsPerM = 0;
      // 10 km of CE LR then costs what 0 m does: the 100 us of round trip are missing.
      expect(await failing('cf-distance.yaml')).toEqual(['xcf.systems[name=SYS2].cfs[cf=CF01].meanServicePs >= 108500ns']);
    }, 60_000);

    it('fail when an ICA SR CHPID has one subchannel (one request in flight: the link idles between requests)', async () => {
      (COUPLING_LINKS['ICA-SR'] as Mutable<(typeof COUPLING_LINKS)['ICA-SR']>).subchannels = 1;
      // Each 62 KB write then holds the link for its round trip (7.8 us on the fibre + 2 x 1.2 us + 5 us in the
      // CF): about 4.1 GB/s, and the bulk is not through by the end of the run.
      expect(await failing('ica-sr-rate.yaml')).toEqual([
        'xcf.systems[name=SYS1].paths[peer=SYS2].signals == 1000',
        'xcf.systems[name=SYS1].paths[peer=SYS2].bytesPerSecond >= 7.84e9',
      ]);
    }, 60_000);

    it('fail when shared CPs get the dedicated SPINTIME (45 s instead of 165 s)', async () => {
      (DEFAULTS.xcf.spinTimePs as Mutable<typeof DEFAULTS.xcf.spinTimePs>).shared = DEFAULTS.xcf.spinTimePs.dedicated;
      // SFM then partitions the crashed SYS1 out at 86 s, not 206 s.
      expect(await failing('spin-fdi-shared.yaml')).toEqual(['xcf.partitions[sys=SYS1].atPs >= 204650ms']);
    }, 120_000);
  });
});
