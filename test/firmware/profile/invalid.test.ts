// Every profile under fixtures/profiles/invalid/ is rejected, with an error at the line and column its
// `; EXPECT-ERROR LINE:COL text` comment names.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseProfile } from '../../../src/firmware/profile/index.js';

const dir = 'fixtures/profiles/invalid';
const files = readdirSync(dir).filter((f) => f.endsWith('.tcpip')).sort();

describe('invalid profile fixtures', () => {
  test('there is one fixture per error kind we promise to catch', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  test.each(files)('%s is rejected at the position its comment names', (name) => {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    const m = /^; EXPECT-ERROR (\d+):(\d+) (.+)$/m.exec(text);
    expect(m, `${name} has no EXPECT-ERROR comment`).not.toBeNull();
    const [, line, col, fragment] = m!;
    const r = parseProfile(text, path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.errors.find((e) => e.line === Number(line) && e.col === Number(col));
    expect(hit, `errors were:\n${r.errors.map(String).join('\n')}`).toBeDefined();
    expect(hit!.message).toContain(fragment!.trim());
    expect(String(hit)).toBe(`${path}:${line}:${col}: ${hit!.message}`);
  });
});
