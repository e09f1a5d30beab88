// Issue 20, items 1 and 2: the whole client address space runs (65,536 hosts, each its own address, TCP engine
// and timers), and connections held past the end of the run are open, not failed or lost.

import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../../src/scenario/index.js';
import { prepare, runPrepared } from '../../src/run/run-scenario.js';
import type { Report } from '../../src/run/report.js';

function scenario(file: string): Scenario {
  const r = loadScenario(`fixtures/scale/${file}`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value;
}

function failedExpectations(r: Report): string[] {
  return (r.expectations ?? []).filter((e) => !e.ok).map((e) => `${e.expr} (actual ${JSON.stringify(e.actual)})`);
}

describe('client hosts at scale', () => {
  it('65,536 client hosts each complete a connection from an address of their own', async () => {
    const p = await prepare(scenario('all-clients.yaml'));
    // Every target sees the clients by their own addresses: 65,536 distinct ones over the three stacks' opens
    // (the ledgers keep only connections that did not end in order, so the opens are watched as they happen).
    const addresses = new Set<number>();
    for (const l of p.sysplex.lpars) {
      const ledger = l.connections;
      const record = ledger.record.bind(ledger);
      ledger.record = (event, localIp, localPort, remoteIp, remotePort) => {
        if (event === 'open') addresses.add(remoteIp);
        record(event, localIp, localPort, remoteIp, remotePort);
      };
    }
    const report = runPrepared(p);
    expect(failedExpectations(report)).toEqual([]);
    expect(addresses.size).toBe(65536);
  }, 120_000);
});

describe('open is not failed', () => {
  it('connections held past until are open: not failed, not lost', async () => {
    const p = await prepare(scenario('held-open.yaml'));
    const report = runPrepared(p);
    expect(failedExpectations(report)).toEqual([]);
    const c = report.clients;
    expect(c.opened).toBe(c.completed + c.reset + c.failed + c.open);
  });

  it('a held connection whose target went down is lost there, and only there', async () => {
    const report = runPrepared(await prepare(scenario('held-target-down.yaml')));
    expect(failedExpectations(report)).toEqual([]);
  });
});
