// sysplex-emu debug FILE [--dap-port PORT] [--dap-host HOST] [--console]: serve the run to a DAP client (VS Code)
// or to a terminal console. Parsing and printing only; the debugger lives in src/debug.

import { isIP } from 'node:net';
import { loadRunFile } from '../scenario/index.js';
import { parse, flag, int, str } from './args.js';
import { UsageError } from './errors.js';

export const DEFAULT_DAP_PORT = 4711;

export async function main(argv: string[]): Promise<number> {
  const args = parse('debug', argv, { 'dap-port': { type: 'string' }, 'dap-host': { type: 'string' }, console: { type: 'boolean' } }, { min: 1, max: 1 });
  const port = int(args, 'dap-port', 'debug') ?? DEFAULT_DAP_PORT;
  if (port > 65535) throw new UsageError(`--dap-port must be 0-65535, not ${port}`, 'debug');
  const host = str(args, 'dap-host') ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw new UsageError(`--dap-host must be an IP address (127.0.0.1, ::1, 0.0.0.0 ...), not '${host}'`, 'debug');
  const consoleMode = flag(args, 'console');
  if (consoleMode && (str(args, 'dap-port') !== undefined || str(args, 'dap-host') !== undefined)) {
    throw new UsageError('--console serves no DAP port: drop --dap-port/--dap-host', 'debug');
  }
  if (!consoleMode && !isLoopback(host)) {
    process.stderr.write(`sysplex-emu debug: warning: listening on ${host}: DAP has no authentication, anyone who reaches this port controls the run\n`);
  }
  const loaded = loadRunFile(args.positionals[0]!);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const { prepareDebug, runConsole, serveDap, ListenError } = await import('../debug/index.js');
  const engine = await prepareDebug(loaded.value);
  if (consoleMode) return runConsole(engine, process.stdin, process.stdout, process.stdin.isTTY === true && process.stdout.isTTY === true);
  try {
    return await serveDap(engine, {
      host,
      port,
      out: (text) => process.stdout.write(text),
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    if (err instanceof ListenError) throw new UsageError(err.message, 'debug');
    throw err;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
