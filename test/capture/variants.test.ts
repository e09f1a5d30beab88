// Synthetic files of every variant decode to exactly the IPv4 packets that were put in them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { needs } from '../support/tools.js';
import { openCapture, readCaptureBytes } from '../../src/capture/index.js';
import { hex, readAll } from './read-all.js';
import { tsharkFields } from './tshark.js';
import { allVariants, pcapngVariants } from './variants.js';

describe.each(allVariants())('$name', (v) => {
  const frames = readAll(readCaptureBytes(v.bytes, v.name));

  test('decodes to the expected IPv4 packets, timestamps and link types', () => {
    expect(frames.length).toBe(v.ipv4.length);
    frames.forEach((f, i) => {
      const want = v.ipv4[i]!;
      const got = f.ipv4();
      if (want === null) expect(got).toBeNull();
      else expect(got === null ? null : hex(got)).toBe(hex(want));
      expect([f.tsSec, f.tsNsec]).toEqual(v.times[i]);
      expect(f.linkType).toBe(v.linkTypes[i]);
      expect(f.index).toBe(i);
      if (v.ifIndex) expect(f.ifIndex).toBe(v.ifIndex[i]);
      expect(f.vlanId).toBe(v.vlanIds ? v.vlanIds[i] : -1);
    });
  });
});

describe('pcapng details', () => {
  const [twoSections, simple] = pcapngVariants();

  test('interfaces are numbered over the whole file, with their section and local id', () => {
    const r = readCaptureBytes(twoSections!.bytes);
    readAll(r);
    expect(r.interfaces.map((i) => [i.ifIndex, i.section, i.localId, i.linkType, i.name])).toEqual([
      [0, 0, 0, 1, 'eth0'],
      [1, 0, 1, 276, 'any'],
      [2, 0, 2, 101, null],
      [3, 1, 0, 1, null],
      [4, 1, 1, 113, null],
    ]);
  });

  test('packet comments are read; QinQ strips two tags', () => {
    const frames = readAll(readCaptureBytes(twoSections!.bytes));
    expect(frames.map((f) => f.comment)).toEqual(['first frame', null, null, null, null]);
    expect(frames[3]!.vlanTags).toBe(2);
    expect(frames[3]!.l3Offset).toBe(22);
  });

  test('a Simple Packet Block is cut at the snaplen and keeps its original length', () => {
    const frames = readAll(readCaptureBytes(simple!.bytes));
    expect(frames[1]!.capLen).toBe(100);
    expect(frames[1]!.origLen).toBe(14 + 1020);
  });

  test('tshark reads the synthetic pcapng the same way (time, section, interface)', needs('tshark'), () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-'));
    const file = join(dir, 'two-sections.pcapng');
    writeFileSync(file, twoSections!.bytes);
    const r = openCapture(file);
    const frames = readAll(r);
    // tshark lists the two custom blocks as records of their own, without a time: leave those out.
    const rows = tsharkFields(file, ['frame.time_epoch', 'frame.section_number', 'frame.interface_id', 'ip.len']).filter(
      (r) => r[0] !== '',
    );
    expect(rows.length).toBe(frames.length);
    frames.forEach((f, i) => {
      const iface = r.interfaces[f.ifIndex]!;
      expect(rows[i]).toEqual([
        `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`,
        String(iface.section + 1),
        String(iface.localId),
        String(f.l3Length),
      ]);
    });
  });
});
