// sysplex-emu worker: not in this version yet (see the open issue); the command exists so that --help lists it.
import { UsageError } from './errors.js';

export async function main(_argv: string[]): Promise<number> {
  throw new UsageError('worker is not available in this version yet', 'worker');
}
