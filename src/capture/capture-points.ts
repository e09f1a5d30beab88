// `--capture POINT=FILE.pcapng`: capture points on OSA ports, LANs and XCF links (issue 6). Not yet built.
import { UsageError } from '../cli/errors.js';
import type { Instrument } from '../run/run-scenario.js';

export function captureInstruments(specs: readonly string[]): Instrument[] {
  if (specs.length > 0) throw new UsageError('--capture is not available in this version yet');
  return [];
}
