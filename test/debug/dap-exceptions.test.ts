// DAP exception breakpoints: an OSA dropping a frame (with a condition), a scenario expectation failing at the end.

import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { attach, connectClient, evaluate, eventAfter, startDebugServer, withTimeout, type DebugServer } from './helpers.js';

let server: DebugServer | null = null;
let client: DebugClient | null = null;
afterEach(() => {
  client?.stopAdapter();
  client = null;
  server?.kill();
  server = null;
});

describe('sysplex-emu debug exception breakpoints', () => {
  it('stops on exceptions: an OSA dropping a frame, and a failing expectation at the end', async () => {
    server = await startDebugServer(['fixtures/scenarios/takeover.yaml', '--dap-port', '0']);
    const c = (client = await connectClient(server.port));
    const initialized = withTimeout(c.waitForEvent('initialized'), 5000, 'initialized');
    await c.initializeRequest();
    await initialized;
    await c.attachRequest({} as DebugProtocol.AttachRequestArguments);
    const ex = await c.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'osa.drop', condition: 'reason == unregistered' }] });
    expect(ex.body?.breakpoints?.[0]?.verified).toBe(true);
    const drop = await eventAfter<DebugProtocol.StoppedEvent>(c, 'stopped', () => c.configurationDoneRequest());
    expect(drop.body).toMatchObject({ reason: 'exception', threadId: 1, text: 'OSA1 dropped a frame (unregistered)' });
    const info = await c.exceptionInfoRequest({ threadId: 1 });
    expect(info.body).toMatchObject({ exceptionId: 'osa.drop', breakMode: 'always' });
    expect((await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.name).toMatch(/^osa\.drop reason=unregistered dst=10\.1\.1\.10 /);
    await c.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'exit')).toBe(0);

    server = await startDebugServer(['test/debug/fixtures/failing.yaml', '--dap-port', '0']);
    const c2 = (client = await connectClient(server.port));
    const { stopped } = await attach(c2, [], { filters: ['expectation'] });
    expect(stopped!.body).toMatchObject({ reason: 'exception', threadId: 2 });
    expect(stopped!.body.description).toMatch(/^expectation failed: distribution\[port=80\]\.targets\[stack=SYS2\]\.totalConn == 5 \(actual \d+\)$/);
    expect((await c2.exceptionInfoRequest({ threadId: 2 })).body.exceptionId).toBe('expectation');
    expect(await evaluate(c2, 'time')).toBe('100 ms');
    const exited = withTimeout(c2.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>, 10_000, 'exited');
    await eventAfter(c2, 'terminated', () => c2.continueRequest({ threadId: 2 }));
    expect((await exited).body.exitCode).toBe(1);
    await c2.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'exit')).toBe(1);
    expect(server.stdout()).toContain('FAIL distribution[port=80].targets[stack=SYS2].totalConn == 5');
  });
});
