import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartialFile } from '../../src/kernel/partial-file.js';

describe('PartialFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'partial-'));

  it('writes under .partial and appears under its name only when committed', () => {
    const path = join(dir, 'out.txt');
    const f = new PartialFile(path);
    f.write('text ');
    f.write(Uint8Array.from([0x62, 0x79, 0x74, 0x65, 0x73]));
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(true);
    f.commit();
    expect(readFileSync(path, 'utf8')).toBe('text bytes');
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(f.isOpen).toBe(false);
    expect(() => f.write('more')).toThrow(/closed/);
  });

  it('leaves nothing when abandoned, or when the rename fails', () => {
    const gone = join(dir, 'gone.txt');
    const a = new PartialFile(gone);
    a.write('x');
    a.abandon();
    expect(existsSync(gone) || existsSync(`${gone}.partial`)).toBe(false);

    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const b = new PartialFile(join(sub, 'f.txt'));
    b.write('y');
    // The target becomes a folder: the rename cannot replace it.
    mkdirSync(join(sub, 'f.txt'));
    expect(() => b.commit()).toThrow();
    expect(existsSync(join(sub, 'f.txt.partial'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
