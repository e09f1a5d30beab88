// sysplex-emu replay through the built CLI: two runs give byte-identical traces and captures; bad options and
// files are exit 2 with one line.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cli, STACK_FRAME } from './cli.js';

const TOPOLOGY = 'fixtures/topologies/demo.yaml';
const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a replay is deterministic: two runs give byte-identical traces and captures', () => {
  for (const mode of ['closed', 'open']) {
    const out = [0, 1].map((i) => {
      const trace = join(dir, `${mode}-${i}.jsonl`);
      const lan = join(dir, `${mode}-${i}-lan.pcapng`);
      const xcf = join(dir, `${mode}-${i}-xcf.pcapng`);
      const r = cli(['replay', TOPOLOGY, 'fixtures/captures/http-echo-no-offload.pcapng', '--mode', mode, '--quiet', '--trace', trace, '--capture', `LAN1=${lan}`, '--capture', `SYS1-SYS3=${xcf}`], { timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return [readFileSync(trace), readFileSync(lan), readFileSync(xcf)];
    });
    expect(out[0]![0]!.length).toBeGreaterThan(1000);
    expect(out[0]![1]!.length).toBeGreaterThan(1000);
    for (let k = 0; k < 3; k++) expect(Buffer.compare(out[0]![k]!, out[1]![k]!)).toBe(0);
  }
});

test('bad options and files are exit 2 with one line, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['replay', TOPOLOGY, 'fixtures/captures/http-echo-no-offload.pcap', '--mode', 'sideways'], /--mode must be closed or open/],
    [['replay', TOPOLOGY, 'fixtures/captures/http-echo-no-offload.pcap', '--pace', 'warp'], /--pace must be asap or recorded/],
    [['replay', TOPOLOGY, join(dir, 'missing.pcap')], /missing\.pcap: cannot open/],
    [['replay', TOPOLOGY], /missing argument/],
    [['replay', TOPOLOGY, 'fixtures/captures/http-echo-no-offload.pcap', '--capture', 'OSA9=x.pcapng'], /no OSA, LAN or XCF link/],
  ];
  for (const [args, message] of cases) {
    const r = cli(args);
    expect(r.status, args.join(' ')).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }
});
