// sysplex-emu debug: not in this version yet (see the open issue); the command exists so that --help lists it.
import { UsageError } from './errors.js';

export async function main(_argv: string[]): Promise<number> {
  throw new UsageError('debug is not available in this version yet', 'debug');
}
