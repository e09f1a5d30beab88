// Bad input on the DAP port: garbage, clients that vanish mid-request, a second client. None of it may crash
// the emulator or change what it reports.

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { cli } from '../e2e/cli.js';
import { attach, connectClient, DEMO, evaluate, eventAfter, rawExchange, startDebugServer, withTimeout, type DebugServer } from './helpers.js';

let server: DebugServer | null = null;
const clients: DebugClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.stopAdapter();
  server?.kill();
  server = null;
});

/** The human report without its wall-clock line. */
function reportBody(text: string): string {
  const start = text.indexOf('sysplex-emu: demo');
  return text
    .slice(start)
    .split('\n')
    .filter((l) => !/events in .* wall/.test(l) && !l.startsWith('the run ended'))
    .join('\n')
    .trim();
}

function frame(json: string): string {
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

describe('sysplex-emu debug with bad clients', () => {
  it('survives garbage and vanishing clients, then serves a real client and reports exactly what run reports', async () => {
    server = await startDebugServer();
    const s = server;

    // An HTTP request, binary noise, a header without a length, a body that is not JSON, a JSON array, an event.
    await rawExchange(s.port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await s.stderrMatches(/sent not a DAP header line: "GET \/ HTTP\/1.1": not DAP, connection closed; the run has not started; waiting for the next client/);
    await rawExchange(s.port, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x81]));
    await s.stderrMatches(/sent binary data where a DAP header belongs/);
    await rawExchange(s.port, 'X-Foo: bar\r\n\r\n{}');
    await s.stderrMatches(/sent a DAP header without Content-Length/);
    await rawExchange(s.port, 'Content-Length: 999999999\r\n\r\n');
    await s.stderrMatches(/a DAP message of 999999999 bytes \(at most 16777216 accepted\)/);
    await rawExchange(s.port, frame('{"seq":1,"type":"request","command":'));
    await s.stderrMatches(/sent a DAP message that is not JSON/);
    await rawExchange(s.port, frame('[1,2,3]'));
    await s.stderrMatches(/a DAP message that is not a JSON object/);
    await rawExchange(s.port, frame('{"seq":1,"type":"event","event":"stopped"}'));
    await s.stderrMatches(/a DAP message of type "event" \(a client sends requests\)/);

    // A request with arguments of the wrong shape gets an error response, and the connection stays usable.
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(s.port, '127.0.0.1', () => {
        sock.write(frame('{"seq":1,"type":"request","command":"stackTrace","arguments":[1]}'));
        sock.write(frame('{"seq":2,"type":"request","command":"threads"}'));
      });
      let got = '';
      sock.on('error', () => {});
      sock.on('data', (d) => {
        got += d.toString();
        if (got.includes('"request_seq":2')) {
          sock.destroy();
          resolve(got);
        }
      });
    });
    const responses = reply.split(/Content-Length: \d+\r\n\r\n/).filter((x) => x !== '').map((x) => JSON.parse(x) as DebugProtocol.Response);
    expect(responses[0]).toMatchObject({ request_seq: 1, success: false, command: 'stackTrace', message: 'stackTrace: arguments must be an object' });
    expect(responses[1]).toMatchObject({ request_seq: 2, success: true, command: 'threads' });
    expect((responses[1] as DebugProtocol.ThreadsResponse).body.threads.map((t) => t.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    // The server notices that client is gone before the next one comes (else it refuses it: one client at a time).
    await s.stderrMatches(/went away without disconnecting; the run has not started; waiting for the next client/);

    // A client that goes away in the middle of a request.
    await new Promise<void>((resolve) => {
      const sock = connect(s.port, '127.0.0.1', () => {
        sock.write('Content-Length: 120\r\n\r\n{"seq":1,"type":"requ');
        setTimeout(() => sock.destroy(), 100);
      });
      sock.on('error', () => {}); // a reset from the server while going away is the server's business
      sock.on('close', () => resolve());
    });
    await s.stderrMatches(/went away in the middle of a request \(21 bytes of it unread\) without disconnecting; the run has not started; waiting for the next client/);

    // A real client now; while it is attached a second connection is refused and the run goes on.
    const c = await connectClient(s.port);
    clients.push(c);
    await attach(c, [], { expectStop: false });
    const refused = rawExchange(s.port, 'garbage while a client is attached');
    await s.stderrMatches(/refused 127\.0\.0\.1:\d+: 127\.0\.0\.1:\d+ is attached \(one client at a time\)/);
    await refused;
    const output = new Promise<string>((resolve) => {
      let text = '';
      c.on('output', (e: DebugProtocol.OutputEvent) => {
        text += e.body.output;
        if (text.includes('the run ended')) resolve(text);
      });
    });
    await withTimeout(c.waitForEvent('terminated'), 30_000, 'the run to end');
    const dapReport = await withTimeout(output, 5000, 'the report');
    await c.disconnectRequest({});
    expect(await withTimeout(s.exited, 10_000, 'exit')).toBe(0);

    const plain = cli(['run', DEMO], { timeoutMs: 60_000 });
    expect(plain.status).toBe(0);
    expect(reportBody(dapReport)).toBe(reportBody(plain.stdout));
    expect(reportBody(s.stdout())).toBe(reportBody(plain.stdout));
    expect(s.stderr()).not.toMatch(/^\s+at /m);
  });

  it('keeps a run paused for the next client when one drops without disconnecting', async () => {
    server = await startDebugServer();
    const s = server;
    const c1 = await connectClient(s.port);
    clients.push(c1);
    const { stopped } = await attach(c1, [{ name: 'tcp.open', condition: 'c == SYS2' }]);
    expect(stopped!.body).toMatchObject({ reason: 'function breakpoint', threadId: 2 });
    const t = await evaluate(c1, 'time ps');
    c1.stopAdapter(); // the socket closes, no disconnect request
    await s.stderrMatches(/went away without disconnecting; the run is paused at \d+(\.\d+)? ms; waiting for the next client/);

    const c2 = await connectClient(s.port);
    clients.push(c2);
    const again = await attach(c2, [{ name: 'tcp.open', condition: 'c == SYS2' }]);
    expect(again.stopped!.body).toMatchObject({ reason: 'function breakpoint', threadId: 2 });
    expect(await evaluate(c2, 'time ps')).toBe(t);
    const top = (await c2.stackTraceRequest({ threadId: 2 })).body.stackFrames;
    expect(top[0]!.name).toMatch(/^tcp\.open local=10\.1\.1\.10:80 remote=198\.51\.100\.\d+:\d+ \[SYS2 @/);
    // Its cause: the distributor's VCRT insert that chose SYS2, and before it the SYN.
    expect(top[1]!.name).toMatch(/^vcrt\.insert .* target=SYS2 \[SYS1 @/);
    expect(top[2]!.name).toMatch(/^osa\.rx TCP SYN/);

    const next = await eventAfter<DebugProtocol.StoppedEvent>(c2, 'stopped', () => c2.continueRequest({ threadId: 2 }));
    expect(next.body.threadId).toBe(2);
    await c2.terminateRequest({});
    expect(await withTimeout(s.exited, 10_000, 'exit')).toBe(0);
  });

  it('refuses bad command lines with exit 2 and one line', () => {
    const cases: [string[], RegExp][] = [
      [['debug', DEMO, '--dap-port', 'x'], /--dap-port must be a non-negative integer, not 'x'/],
      [['debug', DEMO, '--dap-port', '70000'], /--dap-port must be 0-65535, not 70000/],
      [['debug', DEMO, '--dap-host', 'not a host'], /--dap-host must be an IP address/],
      [['debug', DEMO, '--console', '--dap-port', '1'], /--console serves no DAP port/],
      [['debug', 'fixtures/topologies/missing.yaml'], /missing\.yaml/],
      [['debug'], /debug: missing argument/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('says when the port is taken (exit 2)', async () => {
    server = await startDebugServer();
    const r = cli(['debug', DEMO, '--dap-port', String(server.port)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is in use: choose another with --dap-port`));
  });
});
