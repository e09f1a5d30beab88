// sysplex-emu worker --connect ENDPOINT: a partition process of a partitioned run. The coordinator (`run
// --partitions N`) starts its workers itself; on another machine, start one by hand with the coordinator's
// endpoint (a non-loopback endpoint needs the run's CURVE key files).

import { parse, str } from './args.js';
import { UsageError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse('worker', argv, { connect: { type: 'string' }, 'curve-server-key': { type: 'string' }, 'curve-client-key': { type: 'string' } }, { min: 0, max: 0 });
  const connect = str(args, 'connect');
  if (connect === undefined) throw new UsageError('worker: --connect ENDPOINT is required', 'worker');
  const { endpointProblem, isLoopback } = await import('../backplane/endpoint.js');
  const problem = endpointProblem(connect);
  if (problem !== null) throw new UsageError(`--connect: ${problem}`, 'worker');
  const serverKey = str(args, 'curve-server-key');
  const clientKey = str(args, 'curve-client-key');
  if ((serverKey === undefined) !== (clientKey === undefined)) throw new UsageError('give both --curve-server-key and --curve-client-key, or neither', 'worker');
  if (!isLoopback(connect) && serverKey === undefined) {
    throw new UsageError(`${connect} is not a loopback endpoint: it needs CURVE keys (--curve-server-key FILE --curve-client-key FILE)`, 'worker');
  }
  const env = process.env;
  const partition = env.SYSPLEX_EMU_PARTITION;
  if (partition !== undefined && !/^\d+$/.test(partition)) throw new UsageError('SYSPLEX_EMU_PARTITION must be a partition number', 'worker');
  const { runWorker } = await import('../backplane/worker.js');
  const code = await runWorker({
    connect,
    ...(serverKey !== undefined && clientKey !== undefined ? { curve: { serverKey, clientKey } } : {}),
    ...(partition !== undefined ? { partition: Number(partition) } : {}),
    ...(env.SYSPLEX_EMU_TOKEN !== undefined ? { token: env.SYSPLEX_EMU_TOKEN } : {}),
    watchStdin: partition !== undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  // Nothing of the run is left to wait for; do not let a lingering handle keep the process alive.
  process.exitCode = code;
  setImmediate(() => process.exit(code));
  return code;
}
