import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BITRATE_PATTERN, DISTANCE_PATTERN, FREQUENCY_PATTERN, formatTime, MAX_TIME_PS, parseBitRate, parseDistance,
  parseFrequency, parseRate, parseSize, parseTime, RATE_PATTERN, SIZE_PATTERN, TIME_PATTERN, type UnitResult,
} from '../../src/scenario/units.js';

const value = (r: UnitResult): number => {
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
const message = (r: UnitResult): string => {
  if (r.ok) throw new Error(`expected an error, got ${r.value}`);
  return r.message;
};

describe('time', () => {
  test.each([
    ['250us', 250_000_000], ['1ps', 1], ['7ns', 7_000], ['2ms', 2_000_000_000], ['1s', 1_000_000_000_000],
    ['1.5s', 1_500_000_000_000], ['0.001ns', 1], ['12.345678ms', 12_345_678_000], ['0s', 0], ['3 ms', 3_000_000_000],
    ['5µs', 5_000_000],
  ])('%s = %d ps', (text, ps) => expect(value(parseTime(text))).toBe(ps));

  test('decimals that do not land on a whole picosecond are refused', () => {
    expect(message(parseTime('0.5ps'))).toBe('"0.5ps" is not a whole number of ps');
    expect(message(parseTime('1.0001ns'))).toBe('"1.0001ns" is not a whole number of ps');
  });

  test('2^53 ps is the limit', () => {
    expect(value(parseTime(`${MAX_TIME_PS}ps`))).toBe(MAX_TIME_PS);
    expect(message(parseTime("9007199254740993ps"))).toMatch(/too large \(at most 9007199254740992 ps\)/);
    expect(message(parseTime('9008s'))).toMatch(/too large/);
    expect(value(parseTime('9007.199254740992s'))).toBe(MAX_TIME_PS);
  });

  test('unknown units, missing units and junk are explained', () => {
    expect(message(parseTime('10 parsecs'))).toBe('"10 parsecs": unknown time unit "parsecs" (use ps, ns, us, ms or s)');
    expect(message(parseTime('10'))).toBe('"10" has no unit: a time needs one of ps, ns, us, ms or s (e.g. 250us)');
    expect(message(parseTime(10))).toBe('10 has no unit: a time needs one of ps, ns, us, ms or s (e.g. 250us)');
    expect(message(parseTime('-1s'))).toMatch(/is not a time/);
    expect(message(parseTime('ms'))).toMatch(/is not a time/);
    expect(message(parseTime('1e3ms'))).toMatch(/unknown time unit "e3ms"/);
  });
});

describe('size', () => {
  test.each([
    ['200B', 200], ['4KiB', 4096], ['1MiB', 1 << 20], ['2GiB', 2 * 2 ** 30], ['1.5KiB', 1536], ['4096', 4096],
  ])('%s = %d bytes', (text, bytes) => expect(value(parseSize(text))).toBe(bytes));
  test('a plain integer is bytes', () => expect(value(parseSize(1500))).toBe(1500));
  test('decimal kilobytes are refused with the binary spelling', () => {
    expect(message(parseSize('4KB'))).toBe('"4KB": sizes are binary, write KiB, MiB or GiB (4KiB = 4096 bytes)');
  });
  test('fractions of a byte and negative numbers are refused', () => {
    expect(message(parseSize('0.1KiB'))).toBe('"0.1KiB" is not a whole number of bytes');
    expect(message(parseSize(-1))).toMatch(/is not a size/);
    expect(message(parseSize(1.5))).toMatch(/is not a size/);
  });
});

describe('rates, bit rates, frequencies, distances', () => {
  test.each([
    ['20000/s', 20_000], ['5/ms', 5_000], ['1/us', 1_000_000], ['0.5/s', 0.5], ['300', 300],
  ])('rate %s = %d per second', (text, perS) => expect(value(parseRate(text))).toBe(perS));
  test('rate errors', () => {
    expect(value(parseRate(50))).toBe(50);
    expect(message(parseRate('20000/h'))).toBe('"20000/h": unknown rate unit "/h" (use /s, /ms or /us)');
    expect(message(parseRate('fast'))).toMatch(/is not a rate/);
    expect(message(parseRate(-3))).toMatch(/is not a rate/);
  });
  test.each([
    ['1GbE', 1e9], ['10GbE', 1e10], ['25GbE', 25e9], ['10Gb/s', 1e10], ['8GB/s', 64e9], ['100Mb/s', 1e8], ['10Gbps', 1e10],
    ['2.5GbE', 2.5e9],
  ])('bit rate %s = %d b/s', (text, bps) => expect(value(parseBitRate(text))).toBe(bps));
  test('bit rate errors', () => expect(message(parseBitRate('10 furlongs'))).toMatch(/unknown bit rate unit "furlongs"/));
  test.each([['5.2GHz', 5_200_000_000], ['800MHz', 800_000_000], ['1Hz', 1]])('frequency %s', (text, hz) =>
    expect(value(parseFrequency(text))).toBe(hz));
  test('frequency errors', () => expect(message(parseFrequency('5.2 GHZ'))).toMatch(/unknown frequency unit "GHZ"/));
  test.each([['10km', 10_000], ['150m', 150], ['1.5m', 1.5], ['30cm', 0.3], ['0m', 0]])('distance %s', (text, m) =>
    expect(value(parseDistance(text))).toBe(m));
  test('distance errors', () => {
    expect(message(parseDistance(150))).toMatch(/has no unit/);
    expect(message(parseDistance('3 miles'))).toMatch(/unknown distance unit "miles"/);
  });
});

test('formatTime prints one number with its unit', () => {
  expect(formatTime(12_345_678_000)).toBe('12.345678 ms');
  expect(formatTime(2_000_000_000_000)).toBe('2 s');
  expect(formatTime(999)).toBe('999 ps');
});

describe('properties', () => {
  const parsers: [string, (t: string) => UnitResult][] = [
    [TIME_PATTERN, parseTime], [SIZE_PATTERN, parseSize], [RATE_PATTERN, parseRate], [BITRATE_PATTERN, parseBitRate],
    [FREQUENCY_PATTERN, parseFrequency], [DISTANCE_PATTERN, parseDistance],
  ];
  const unitish = fc.oneof(
    fc.string(),
    fc.tuple(
      fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{1,14})?$/),
      fc.constantFrom('', ' ', '  '),
      fc.constantFrom('ps', 'ns', 'us', 'µs', 'ms', 's', 'B', 'KiB', 'MiB', 'GiB', 'KB', '/s', '/ms', '/h', 'GbE', 'Gb/s', 'GB/s',
        'Mbps', 'Hz', 'GHz', 'ghz', 'km', 'm', 'mm', 'x', ''),
    ).map(([n, sp, u]) => n + sp + u),
  );

  test('never throws, on any input', () => {
    fc.assert(fc.property(fc.oneof(unitish, fc.double()), (x) => {
      for (const [, parse] of parsers) parse(x as string);
    }));
  });

  test('a string the schema pattern refuses is refused by the parser too (so editors and loader agree)', () => {
    fc.assert(fc.property(unitish, (text) => {
      for (const [pattern, parse] of parsers) {
        if (!new RegExp(pattern, 'u').test(text)) expect(parse(text).ok).toBe(false);
      }
    }), { numRuns: 2000 });
  });

  test('a string the pattern accepts parses, unless not whole or too large', () => {
    fc.assert(fc.property(unitish, (text) => {
      for (const [pattern, parse] of parsers) {
        if (!new RegExp(pattern, 'u').test(text)) continue;
        const r = parse(text);
        if (!r.ok) expect(r.message).toMatch(/not a whole number|too large/);
      }
    }), { numRuns: 2000 });
  });

  test('integer times round-trip exactly through every unit', () => {
    const units: [string, number][] = [['ps', 1], ['ns', 1e3], ['us', 1e6], ['ms', 1e9], ['s', 1e12]];
    fc.assert(fc.property(fc.integer({ min: 0, max: 9007 }), fc.constantFrom(...units), (n, [u, mult]) => {
      expect(value(parseTime(`${n}${u}`))).toBe(n * mult);
    }));
  });
});
