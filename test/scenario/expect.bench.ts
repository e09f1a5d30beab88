// Breakpoint conditions are evaluated on every traced event while a debugger is attached: keep them cheap.
import { bench, describe } from 'vitest';
import { evaluate, isExpectError, parseExpectation, type Expectation } from '../../src/scenario/expect.js';

const must = (t: string): Expectation => {
  const e = parseExpectation(t);
  if (isExpectError(e)) throw new Error(e.toString());
  return e;
};
const event = { t: 12, c: 'SYS1', k: 'vcrt.insert', dvipa: '10.1.1.10', port: 80, client: '198.51.100.7', target: 'SYS2' };
const report = {
  distribution: Array.from({ length: 8 }, (_, i) => ({
    port: 80 + i, targets: ['SYS1', 'SYS2', 'SYS3'].map((stack) => ({ stack, lost: 0, totalConn: 300 })),
  })),
};
const portIs80 = must('port == 80');
const portIs7 = must('port == 7');
const deep = must('distribution[port=87].targets[stack=SYS3].lost == 0');

describe('expectations', () => {
  bench('parse a breakpoint condition', () => void parseExpectation('target == SYS2'));
  bench('evaluate port == 80 on an event (hit)', () => void evaluate(portIs80, event));
  bench('evaluate port == 7 on an event (miss)', () => void evaluate(portIs7, event));
  bench('evaluate a two-selector report path', () => void evaluate(deep, report));
});
