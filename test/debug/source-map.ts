// Source map v3 "mappings" decoding (Base64 VLQ), both ways: from a line of an original source to the first
// generated position that maps to it (what an IDE does to place a breakpoint), and back.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export interface RawSourceMap {
  sources: string[];
  sourcesContent?: (string | null)[];
  mappings: string;
}

/** [generatedLine, generatedColumn, sourceIndex, originalLine, originalColumn], all 0-based. */
export type Mapping = [number, number, number, number, number];

export function decodeMappings(mappings: string): Mapping[] {
  const out: Mapping[] = [];
  let src = 0;
  let oLine = 0;
  let oCol = 0;
  mappings.split(';').forEach((line, gLine) => {
    let gCol = 0;
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const v = vlq(seg);
      gCol += v[0]!;
      if (v.length >= 4) {
        src += v[1]!;
        oLine += v[2]!;
        oCol += v[3]!;
        out.push([gLine, gCol, src, oLine, oCol]);
      }
    }
  });
  return out;
}

function vlq(seg: string): number[] {
  const values: number[] = [];
  let shift = 0;
  let value = 0;
  for (const ch of seg) {
    const digit = B64.indexOf(ch);
    if (digit < 0) throw new Error(`bad VLQ digit ${ch}`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** The first generated position of original `line` (0-based) of source `sourceIndex`. */
export function generatedFor(maps: Mapping[], sourceIndex: number, line: number): { line: number; column: number } | null {
  let best: Mapping | null = null;
  for (const m of maps) if (m[2] === sourceIndex && m[3] === line && (best === null || m[0] < best[0] || (m[0] === best[0] && m[1] < best[1]))) best = m;
  return best === null ? null : { line: best[0], column: best[1] };
}

/** The original position of a generated one (the mapping at or before it on that line). */
export function originalFor(maps: Mapping[], line: number, column: number): { source: number; line: number } | null {
  let best: Mapping | null = null;
  for (const m of maps) if (m[0] === line && m[1] <= column && (best === null || m[1] >= best[1])) best = m;
  return best === null ? null : { source: best[2], line: best[3] };
}
