// A model in another language joins a run: tools/python/link_tap.py (python3 + Debian's python3-zmq) is spliced
// into the router's LAN link as an external component. It must behave exactly like its in-process twin
// (test/backplane/link-tap.ts): same report, byte-identical trace, same counters; and its latency shows in the
// report when it is large. Every message the Python side sends and receives is checked against the wire schema
// (schema/backplane.schema.json, with python3-jsonschema), the schema the coordinator and the workers compile.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs, pythonWithZmq } from '../support/tools.js';
import { type ExternalSpec, spliceInstrument } from '../../src/backplane/external.js';
import { runPartitioned } from '../../src/backplane/run-partitioned.js';
import { runScenario } from '../../src/run/run-scenario.js';
import type { Report } from '../../src/run/report.js';
import { loadRunFile } from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/types.js';
import { ROOT } from '../e2e/cli.js';
import { LinkTap } from './link-tap.js';

/** The first python3 that has pyzmq (CI installs Debian's python3-zmq for /usr/bin/python3). */
const PYTHON = pythonWithZmq();
const TAP = join(ROOT, 'tools/python/link_tap.py');
/** Debian's python3-jsonschema for the same python3: the Python side checks its messages against the schema. */
const JSONSCHEMA = PYTHON !== undefined && spawnSync(PYTHON, ['-c', 'import jsonschema'], { stdio: 'ignore' }).status === 0;
// The spawned tap inherits this: it validates what it sends and receives (a mismatch ends the run).
process.env.SYSPLEX_EMU_CHECK_WIRE = '1';

function scenario(): Scenario {
  const r = loadRunFile(join(ROOT, 'test/backplane/fixtures/xcf-failover-short.yaml'));
  if (!r.ok) throw new Error('fixture does not load');
  return r.value;
}

const strip = (r: Report) => {
  const { wallMs: _w, partitions: _p, external: _e, backplane: _b, ...rest } = r;
  return rest;
};

describe('an external component in Python', needs('python3-zmq'), () => {
  it('finds python3 with zmq and jsonschema', () => {
    expect(PYTHON, 'python3 with pyzmq (apt-get install python3-zmq)').toBeDefined();
    expect(JSONSCHEMA, 'python3 with jsonschema (apt-get install python3-jsonschema)').toBe(true);
  });

  it("the Python component's messages match the wire schema, and what breaks it is refused (tools/python unittest)", () => {
    const r = spawnSync(PYTHON!, ['-m', 'unittest', 'discover', '-s', join(ROOT, 'tools/python')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Ran 3 tests/);
  });

  it('a link tap in Python gives the same report and trace as its in-process twin, and counts the frames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'python-tap-'));
    const spec: ExternalSpec = { name: 'TAP', link: 'LAN1.router-LAN1', latencyPs: 1_500_000 };
    let twin: LinkTap | undefined;
    const local = await runScenario(scenario(), {
      trace: join(dir, 'local.jsonl'),
      instruments: [spliceInstrument([spec], (s) => (twin = new LinkTap(s.name)))],
    });
    const remote = await runPartitioned(scenario(), {
      partitions: 2,
      trace: join(dir, 'remote.jsonl'),
      external: [{ ...spec, command: [PYTHON!, TAP] }],
      log: () => {},
    });
    expect(local.clients.completed).toBe(90);
    expect(strip(remote)).toEqual(strip(local));
    expect(readFileSync(join(dir, 'remote.jsonl'), 'utf8') === readFileSync(join(dir, 'local.jsonl'), 'utf8')).toBe(true);
    const stats = twin!.stats();
    expect(stats.framesToB).toBeGreaterThan(90); // at least the SYNs, requests and FINs towards the sysplex
    expect(remote.external).toEqual([{ component: 'TAP', events: stats.framesToA! + stats.framesToB!, ...stats }]);
  }, 240_000);

  it('its latency is in the result: 30 ms more on the LAN makes 20 ms runs complete nothing', async () => {
    const s = { ...scenario(), untilPs: 20_000_000_000, expect: [] };
    const slow = await runPartitioned(s, {
      partitions: 1,
      external: [{ name: 'TAP', link: 'LAN1.router-LAN1', latencyPs: 30_000_000_000, command: [PYTHON!, TAP] }],
      log: () => {},
    });
    const plain = await runScenario(s);
    expect(plain.clients.completed).toBeGreaterThan(0);
    expect(slow.clients.opened).toBe(plain.clients.opened);
    expect(slow.clients.completed).toBe(0);
    expect((slow.external as { framesToB: number }[])[0]!.framesToB).toBeGreaterThan(0);
  }, 240_000);
});
