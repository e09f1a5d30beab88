// `sysplex-emu debug` driven over TCP by @vscode/debugadapter-testsupport's DebugClient, as VS Code drives it.

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

const PS_UNITS: Record<string, number> = { ps: 1, ns: 1e3, us: 1e6, ms: 1e9, s: 1e12 };
/** `1.048376 ms` -> ps. */
function ps(text: string): number {
  const m = /^(\d+(?:\.\d+)?) (ps|ns|us|ms|s)$/.exec(text);
  if (m === null) throw new Error(`not a time: ${text}`);
  return Math.round(Number(m[1]) * PS_UNITS[m[2]!]!);
}

async function variables(c: DebugClient, ref: number, extra: Partial<DebugProtocol.VariablesArguments> = {}): Promise<DebugProtocol.Variable[]> {
  return (await c.variablesRequest({ variablesReference: ref, ...extra })).body.variables;
}

describe('sysplex-emu debug over DAP', () => {
  it('attaches, breaks on vcrt.insert if target == SYS2, shows threads, causes, every scope and VCRT rows, runs displays, steps, and runs to the end', async () => {
    server = await startDebugServer();
    const c = (client = await connectClient(server.port));
    const { init, bps, stopped } = await attach(c, [
      { name: 'vcrt.insert', condition: 'target == SYS2' },
      { name: 'vcrt.insert', condition: 'port ==' },
      { name: 'no.such.kind' },
    ]);
    expect(init.body?.supportsFunctionBreakpoints).toBe(true);
    expect(init.body?.supportsConditionalBreakpoints).toBe(true);
    expect(init.body?.exceptionBreakpointFilters?.map((f) => f.filter)).toEqual(['osa.drop', 'expectation']);
    const [good, bad, unknown] = bps.body.breakpoints;
    expect(good!.verified).toBe(true);
    expect(bad!.verified).toBe(false);
    expect(bad!.message).toMatch(/condition: column \d+/);
    expect(unknown!.message).toMatch(/no built-in model traces/);

    // The SYN of the first HTTP connection for SYS2 reaches the distributor (SYS1, the DVIPA's owner).
    expect(stopped!.body.reason).toBe('function breakpoint');
    expect(stopped!.body.threadId).toBe(1);
    expect(stopped!.body.hitBreakpointIds).toEqual([good!.id]);
    expect(stopped!.body.allThreadsStopped).toBe(true);

    const threads = (await c.threadsRequest()).body.threads;
    expect(threads.map((t) => t.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    expect(threads.map((t) => t.id)).toEqual([1, 2, 3]);

    // The stack: the VCRT insert on top, the SYN that caused it under it.
    const st = await c.stackTraceRequest({ threadId: 1 });
    const frames = st.body.stackFrames;
    expect(frames[0]!.name).toMatch(/^vcrt\.insert dvipa=10\.1\.1\.10 port=80 client=198\.51\.100\.\d+ clientPort=\d+ target=SYS\d \[SYS1 @ /);
    expect(frames[1]!.name).toMatch(/^osa\.rx TCP SYN 198\.51\.100\.\d+:\d+ -> 10\.1\.1\.10:80 for SYS1 \[OSA1 @ /);
    expect(st.body.totalFrames).toBe(frames.length);
    const src = await c.sourceRequest({ sourceReference: frames[0]!.source!.sourceReference!, source: frames[0]!.source! });
    expect(src.body.content.split('\n')[0]).toMatch(/^\{"t":\d+,"c":"SYS1","k":"vcrt.insert","dvipa":"10.1.1.10","port":80,/);
    expect(src.body.content).toContain('// caused by (TCP SYN');

    // Every scope, with variables.
    const scopes = (await c.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
    expect(scopes.map((s) => s.name)).toEqual(['Event', 'VCRT', 'VDPT', 'DVIPA', 'XCF', 'OSA', 'CPU']);
    const scope = (name: string) => scopes.find((s) => s.name === name)!;
    const event = Object.fromEntries((await variables(c, scope('Event').variablesReference)).map((v) => [v.name, v.value]));
    expect(event.kind).toBe('vcrt.insert');
    expect(event.port).toBe('80');

    // VCRT rows `clientIP:port->dvipa:port` = target: the connection just inserted is there.
    expect(scope('VCRT').indexedVariables).toBeGreaterThanOrEqual(1);
    const rows = await variables(c, scope('VCRT').variablesReference, { filter: 'indexed', start: 0, count: scope('VCRT').indexedVariables! });
    const inserted = rows.find((r) => r.name === `${event.client}:${event.clientPort}->10.1.1.10:80`);
    expect(inserted?.value).toBe(event.target);
    for (const r of rows) expect(r.name).toMatch(/^\d+\.\d+\.\d+\.\d+:\d+->10\.1\.1\.10:(7|80)$/);

    const vdpt = await variables(c, scope('VDPT').variablesReference);
    expect(vdpt.map((v) => v.name)).toEqual(expect.arrayContaining(['10.1.1.10:80->SYS1', '10.1.1.10:80->SYS2', '10.1.1.10:80->SYS3']));
    const vdptRow = await variables(c, vdpt.find((v) => v.name === '10.1.1.10:80->SYS2')!.variablesReference);
    expect(vdptRow.find((v) => v.name === 'method')?.value).toBe('ROUNDROBIN');
    const dvipa = await variables(c, scope('DVIPA').variablesReference);
    expect(dvipa.find((v) => v.name === '10.1.1.10')?.value).toMatch(/^ACTIVE, owner SYS1/);
    const xcf = await variables(c, scope('XCF').variablesReference);
    expect(xcf.find((v) => v.name === 'member')?.value).toBe('yes');
    expect(xcf.find((v) => v.name === 'SYS2')?.value).toMatch(/^joined, 1 of 1 path\(s\) up$/);
    const osa = await variables(c, scope('OSA').variablesReference);
    expect(osa.map((v) => v.name)).toEqual(['OSA1']);
    const osaFields = await variables(c, osa[0]!.variablesReference);
    const addresses = await variables(c, osaFields.find((v) => v.name === 'addresses')!.variablesReference);
    expect(addresses.find((v) => v.name === '10.1.1.10')?.value).toBe('SYS1');
    const cpu = Object.fromEntries((await variables(c, scope('CPU').variablesReference)).map((v) => [v.name, v.value]));
    expect(cpu.processors).toBe('2');
    expect(cpu.state).toBe('up');

    // The REPL: operator displays with z/OS-like text, and the time.
    const vcrtText = await evaluate(c, 'D TCPIP,SYS1,NETSTAT,VCRT', frames[0]!.id);
    expect(vcrtText).toContain('DYNAMIC VIPA CONNECTION ROUTING TABLE');
    expect(vcrtText).toContain(event.client!);
    expect(await evaluate(c, 'D TCPIP,SYS2,NETSTAT,VIPADYN')).toMatch(/10\.1\.1\.10\s+255\.255\.255\.\d+\s+BACKUP/);
    const t1 = ps(await evaluate(c, 'time ps'));
    expect(t1).toBe(Number(/\((\d+) ps\)/.exec(event.time!)![1]));
    expect(await evaluate(c, 'time')).toBe(event.time!.split(' (')[0]);
    expect(await evaluate(c, 'port == 80', frames[0]!.id)).toBe('true');
    await expect(c.evaluateRequest({ expression: 'D TCPIP,SYS9,NETSTAT,VCRT', context: 'repl' })).rejects.toThrow(/no LPAR named SYS9/);
    await expect(c.evaluateRequest({ expression: 'launch the missiles', context: 'repl' })).rejects.toThrow(/unknown command/);
    const completions = await c.completionsRequest({ text: 'd tcpip,SYS2,netstat,v', column: 23 });
    expect(completions.body.targets.map((t) => t.label)).toEqual(['D TCPIP,SYS2,NETSTAT,VCRT', 'D TCPIP,SYS2,NETSTAT,VDPT', 'D TCPIP,SYS2,NETSTAT,VIPADYN', 'D TCPIP,SYS2,NETSTAT,VIPADCFG']);
    expect(completions.body.targets[0]).toMatchObject({ start: 1, length: 22 });

    // next: the next event on SYS1 (the SYN forwarded to the chosen target).
    const step = await eventAfter<DebugProtocol.StoppedEvent>(c, 'stopped', () => c.nextRequest({ threadId: 1 }));
    expect(step.body).toMatchObject({ reason: 'step', threadId: 1 });
    const top = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect(top.name).toMatch(new RegExp(`^conn\\.forward to=${event.target} `));
    expect(ps(await evaluate(c, 'time ps'))).toBeGreaterThanOrEqual(t1);
    // stepIn: the next event anywhere.
    const any = await eventAfter<DebugProtocol.StoppedEvent>(c, 'stopped', () => c.stepInRequest({ threadId: 1 }));
    expect(any.body.reason).toBe('step');

    // Continue to the end: the report comes as output, then exited and terminated.
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const output = new Promise<string>((resolve) => {
      let text = '';
      c.on('output', (e: DebugProtocol.OutputEvent) => {
        text += e.body.output;
        if (text.includes('the run ended')) resolve(text);
      });
    });
    const exited = withTimeout(c.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>, 30_000, 'exited');
    await eventAfter(c, 'terminated', () => c.continueRequest({ threadId: 1 }), 30_000);
    expect((await exited).body.exitCode).toBe(0);
    const report = await withTimeout(output, 5000, 'the report');
    expect(report).toContain('clients: 1000 opened, 1000 completed, 0 reset, 0 failed');
    await expect(c.continueRequest({ threadId: 1 })).rejects.toThrow(/the run has ended/);
    expect(await evaluate(c, 'time')).toBe('1 s');

    await c.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'the debug process to exit')).toBe(0);
    expect(server.stdout()).toMatch(/^DAP listening on 127\.0\.0\.1:\d+\n/);
    expect(server.stdout()).toContain('    SYS1        1        334');
  });

  it('keeps virtual time still while stopped and moves it again on continue', async () => {
    server = await startDebugServer();
    const c = (client = await connectClient(server.port));
    await attach(c, [{ name: 'vcrt.insert' }]);
    const t1 = ps(await evaluate(c, 'time ps'));
    const status1 = await evaluate(c, 'status');
    expect(status1).toMatch(/^stopped, virtual time .* events delivered$/);
    await new Promise((r) => setTimeout(r, 700));
    expect(ps(await evaluate(c, 'time ps'))).toBe(t1);
    expect(await evaluate(c, 'status')).toBe(status1);
    const st1 = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.name;

    const again = await eventAfter<DebugProtocol.StoppedEvent>(c, 'stopped', () => c.continueRequest({ threadId: 1 }));
    expect(again.body.reason).toBe('function breakpoint');
    const t2 = ps(await evaluate(c, 'time ps'));
    expect(t2).toBeGreaterThan(t1);
    expect((await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.name).not.toBe(st1);

    // Disconnecting ends the run where it is: the report so far, exit 0.
    await c.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'the debug process to exit')).toBe(0);
    expect(server.stderr()).toMatch(/the debugger disconnected at virtual time \d+(\.\d+)? ms \(of 1 s\): the run ended there/);
    expect(server.stdout()).toContain('sysplex-emu: demo');
  });

  it('pauses a running run on request', async () => {
    server = await startDebugServer();
    const c = (client = await connectClient(server.port));
    const { stopped } = await attach(c, [], { stopOnEntry: true });
    expect(stopped!.body.reason).toBe('entry');
    expect(await evaluate(c, 'time')).toBe('0 ps');
    await c.continueRequest({ threadId: 1 });
    const paused = await eventAfter<DebugProtocol.StoppedEvent>(c, 'stopped', () => c.pauseRequest({ threadId: 2 }));
    expect(paused.body).toMatchObject({ reason: 'pause', threadId: 2 });
    const t = ps(await evaluate(c, 'time ps'));
    expect(t).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(ps(await evaluate(c, 'time ps'))).toBe(t);
    await c.disconnectRequest({});
    expect(await withTimeout(server.exited, 10_000, 'exit')).toBe(0);
  });
});
