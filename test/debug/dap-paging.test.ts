// A large VCRT through DAP: the scope announces its rows as indexed variables and hands them out in pages.

import { afterEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { attach, connectClient, evaluate, startDebugServer, withTimeout, type DebugServer } from './helpers.js';

let server: DebugServer | null = null;
let client: DebugClient | null = null;
afterEach(() => {
  client?.stopAdapter();
  client = null;
  server?.kill();
  server = null;
});

describe('sysplex-emu debug VCRT paging', () => {
  it('pages a VCRT of 1000 rows', async () => {
    server = await startDebugServer();
    const c = (client = await connectClient(server.port));
    // The demo opens 1000 connections in 50 ms and the distributor keeps their entries for about 100 ms more:
    // at the 1000th insert the VCRT holds all of them.
    const { bps, stopped } = await attach(c, [{ name: 'vcrt.insert', hitCondition: '1000' }]);
    expect(bps.body.breakpoints[0]!.verified).toBe(true);
    expect(stopped!.body.reason).toBe('function breakpoint');
    const frame = (await c.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 1 })).body;
    expect(frame.stackFrames).toHaveLength(1);
    expect(frame.totalFrames).toBe(2);
    const scopes = (await c.scopesRequest({ frameId: frame.stackFrames[0]!.id })).body.scopes;
    const vcrt = scopes.find((s) => s.name === 'VCRT')!;
    expect(vcrt.indexedVariables).toBe(1000);

    const page = async (start: number, count: number) =>
      (await c.variablesRequest({ variablesReference: vcrt.variablesReference, filter: 'indexed', start, count })).body.variables;
    const first = await page(0, 100);
    const last = await page(900, 100);
    const beyond = await page(990, 100);
    expect(first).toHaveLength(100);
    expect(last).toHaveLength(100);
    expect(beyond).toHaveLength(10);
    expect(beyond.map((v) => v.name)).toEqual(last.slice(90).map((v) => v.name));
    const all = (await c.variablesRequest({ variablesReference: vcrt.variablesReference })).body.variables;
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((v) => v.name)).size).toBe(1000);
    expect(all.slice(0, 100)).toEqual(first);
    const targets = new Map<string, number>();
    for (const v of all) targets.set(v.value, (targets.get(v.value) ?? 0) + 1);
    // Round robin over the three targets, starting at the distributor itself.
    expect(Object.fromEntries(targets)).toEqual({ SYS1: 334, SYS2: 333, SYS3: 333 });
    expect(await evaluate(c, 'D TCPIP,SYS1,NETSTAT,VCRT')).toMatch(/100 OF 1000 RECORDS DISPLAYED/);

    await c.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'exit')).toBe(0);
  });
});
