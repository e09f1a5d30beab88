// `sysplex-emu run FILE --inspect SYS2 --partitions 3`: SYS2's partition runs under the Node inspector (with
// `--inspect-wait`, it waits for the debugger before its IPL). The test is the IDE: it reads the inspector's
// address, connects over WebSocket, places a breakpoint on a line of the firmware's TypeScript source through
// the source map, sees SYS2's firmware stop there, holds it past the backplane's silence limit (the coordinator
// must not declare it dead; the other partitions wait), resumes, and checks
// the run's report is the one a single-process run gives.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECK_MS, SILENCE_MS } from '../../src/backplane/timing.js';
import { cli, MAIN, ROOT } from '../e2e/cli.js';
import { withTimeout } from './helpers.js';
import { decodeMappings, generatedFor, originalFor, type RawSourceMap } from './source-map.js';
import { CdpClient } from './ws-cdp.js';

const SCENARIO = 'test/debug/fixtures/inspect.yaml';
const STACK_JS = fileURLToPath(new URL('../../dist/src/firmware/stack.js', import.meta.url));
/** The firmware line to break on: a connection opened on this stack. */
const MARKER = "this.hal.tcpConnection('open'";

/** Where a line of src/firmware/stack.ts containing `marker` lands in the built JavaScript (through the map). */
function stackLine(marker: string) {
  const map = JSON.parse(readFileSync(`${STACK_JS}.map`, 'utf8')) as RawSourceMap;
  const src = map.sources.findIndex((s) => s.endsWith('src/firmware/stack.ts'));
  expect(src).toBeGreaterThanOrEqual(0);
  const tsLine = map.sourcesContent![src]!.split('\n').findIndex((l) => l.includes(marker));
  expect(tsLine).toBeGreaterThan(0);
  const mappings = decodeMappings(map.mappings);
  const gen = generatedFor(mappings, src, tsLine)!;
  expect(gen).not.toBeNull();
  return { src, tsLine, mappings, gen };
}

/** Starts `sysplex-emu run SCENARIO <option> SYS2 --partitions 3 --json` and waits for its inspector's address. */
async function runInspected(option: '--inspect' | '--inspect-wait') {
  const env = { ...process.env };
  delete env.SYSPLEX_EMU_DEBUG;
  const proc = spawn(process.execPath, [MAIN, 'run', SCENARIO, option, 'SYS2', '--partitions', '3', '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const url = withTimeout(
    new Promise<string>((resolve, reject) => {
      proc.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /\[partition \d+\] Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(err);
        if (m !== null) resolve(m[1]!);
      });
      proc.on('exit', (code) => reject(new Error(`run exited with ${code} before its inspector listened: ${err}`)));
    }),
    30_000,
    'the inspector address',
  );
  return { proc, url, exited, stdout: () => out };
}

describe('run --inspect', () => {
  it("stops SYS2's firmware on a TypeScript line through the source map while the other partitions wait", async () => {
    const { src, tsLine, mappings, gen } = stackLine(MARKER);
    const { proc, url: listening, exited, stdout } = await runInspected('--inspect');
    try {
      const url = await listening;
      const cdp = await withTimeout(CdpClient.connect(url), 5000, 'the WebSocket handshake');
      const scripts = new Map<string, string>();
      cdp.on('Debugger.scriptParsed', (p: { scriptId: string; url: string }) => scripts.set(p.scriptId, p.url));
      await cdp.send('Debugger.enable');
      const bp = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
        url: pathToFileURL(STACK_JS).href,
        lineNumber: gen.line,
        columnNumber: gen.column,
      });
      const paused = await withTimeout(cdp.once('Debugger.paused'), 60_000, 'the breakpoint to be hit');
      expect(paused.hitBreakpoints).toContain(bp.breakpointId);
      const top = paused.callFrames[0];
      expect(scripts.get(top.location.scriptId)).toBe(pathToFileURL(STACK_JS).href);
      expect(top.location.lineNumber).toBe(gen.line);
      // Back through the source map: the TypeScript line we asked for.
      expect(originalFor(mappings, top.location.lineNumber, top.location.columnNumber)).toEqual({ source: src, line: tsLine });

      const evaluate = async (expression: string) =>
        (await cdp.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: top.callFrameId, expression, returnByValue: true })).result.value;
      expect(await evaluate('this.hal.stackName')).toBe('SYS2');
      expect(await evaluate('c.localPort')).toBe(80);
      const now = (await evaluate('now')) as number;
      expect(now).toBeGreaterThan(40e9); // past the workload's start (40 ms, in ps)

      // Held past the silence limit: a partition silent that long is declared dead (exit 3) unless, as the
      // inspected one, the coordinator waits for it. SILENCE_MS + CHECK_MS is when the check fires; the run
      // must still end with 0.
      await new Promise((r) => setTimeout(r, SILENCE_MS + 4 * CHECK_MS));
      expect(proc.exitCode).toBeNull();
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
      await cdp.send('Debugger.resume');
      cdp.close();

      expect(await withTimeout(exited, 60_000, 'the run to finish')).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    const partitioned = JSON.parse(stdout()) as Record<string, unknown>;
    const plain = cli(['run', SCENARIO, '--json'], { timeoutMs: 60_000 });
    expect(plain.status).toBe(0);
    const single = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect(partitioned.partitions).toBe(3);
    const strip = ({ wallMs: _w, partitions: _p, backplane: _b, ...rest }: Record<string, unknown>) => rest;
    expect(strip(partitioned)).toEqual(strip(single));
  });

  it('--inspect-wait holds the partition until a debugger attaches, so a breakpoint in the IPL is hit', async () => {
    const { gen } = stackLine('for (const h of this.homes) this.interfaces.register(h.ifName, h.ip);');
    const { proc, url: listening, exited, stdout } = await runInspected('--inspect-wait');
    try {
      const url = await listening;
      // Nobody has attached yet: the run must be waiting, not finishing (the IPL alone takes well under this).
      await new Promise((r) => setTimeout(r, 1500));
      expect(proc.exitCode).toBeNull();
      const cdp = await withTimeout(CdpClient.connect(url), 5000, 'the WebSocket handshake');
      await cdp.send('Debugger.enable');
      const bp = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', { url: pathToFileURL(STACK_JS).href, lineNumber: gen.line, columnNumber: gen.column });
      await cdp.send('Runtime.runIfWaitingForDebugger');
      const paused = await withTimeout(cdp.once('Debugger.paused'), 60_000, 'the IPL breakpoint to be hit');
      expect(paused.hitBreakpoints).toContain(bp.breakpointId);
      const top = paused.callFrames[0];
      const evaluate = async (expression: string) =>
        (await cdp.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: top.callFrameId, expression, returnByValue: true })).result.value;
      expect(await evaluate('this.hal.stackName')).toBe('SYS2');
      // The IPL: the stack starts once the system has entered the sysplex (its couple data set I/Os, 2 x 100 us).
      expect(await evaluate('now')).toBe(200_000_000);
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
      await cdp.send('Debugger.resume');
      cdp.close();
      expect(await withTimeout(exited, 60_000, 'the run to finish')).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    expect((JSON.parse(stdout()) as { clients: { completed: number } }).clients.completed).toBe(30);
  });
});
