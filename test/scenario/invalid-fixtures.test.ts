import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { loadRunFile } from '../../src/scenario/index.js';
import { errorLines } from './tree.js';

const DIR = 'fixtures/scenarios/invalid';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

test('the invalid fixtures cover every kind of error the CLI tests need', () => {
  expect(files).toEqual(expect.arrayContaining([
    'yaml-syntax.yaml', 'unknown-key.yaml', 'bad-time-unit.yaml', 'negative-count.yaml', 'unknown-osa.yaml',
    'missing-topology.yaml', 'missing-profile.yaml', 'unknown-fault-target.yaml', 'bad-expectation.yaml',
    'missing-key.yaml', 'duplicate-name.yaml',
  ]));
});

test.each(files)('%s reports the error its header promises, at FILE:LINE:COL', (name) => {
  const path = `${DIR}/${name}`;
  const [what, promise] = readFileSync(path, 'utf8').split('\n');
  expect(what).toMatch(/^# Invalid on purpose: /);
  const m = /^# error: (\d+):(\d+): (.+)$/.exec(promise ?? '');
  expect(m, `${name}: second line must be "# error: LINE:COL: message"`).not.toBeNull();
  const lines = errorLines(loadRunFile(path));
  expect(lines[0]).toBe(`${path}:${m![1]}:${m![2]}: ${m![3]}`);
  for (const line of lines) expect(line).not.toMatch(/\n|\bat .*\.ts:\d+/); // one line each, no stack trace
});
