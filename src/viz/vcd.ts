// `--vcd FILE`: a Value Change Dump (IEEE 1364 section 18) for GTKWave and other waveform viewers. Timescale
// 1 ps (virtual time is integer picoseconds); one scope per component under `sysplex`; bits as wires, counts as
// 64-bit integers, rates as reals, and the DVIPA owner and the latest fault as strings (GTKWave's string
// extension; the owner is also an integer, the LPAR's 1-based position in the topology, 0 for none).
// Written as the run goes: only changes, one `#time` per instant.

import { OutFile } from './out-file.js';
import type { RunMeta, SignalDef, SignalValues, TimelineConsumer } from './timeline.js';

/** The VCD identifier of signal `i`: printable ASCII 33..126, shortest first. */
export function vcdId(i: number): string {
  let s = '';
  let n = i;
  do {
    s += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94);
  } while (n > 0);
  return s;
}

/** A string value as one VCD token: no whitespace, never empty. */
function token(v: string): string {
  const t = v.replace(/\s+/g, '_');
  return t === '' ? '-' : t;
}

export class VcdWriter implements TimelineConsumer {
  private readonly out: OutFile;
  private signals: readonly SignalDef[] = [];
  private ids: string[] = [];
  /** Per signal: 0 bit, 1 int, 2 real, 3 string. */
  private kinds = new Uint8Array(0);
  private started = false;
  private lastTime = -1;

  constructor(path: string) {
    this.out = new OutFile(path, '--vcd');
  }

  open(signals: readonly SignalDef[], meta: RunMeta): void {
    this.signals = signals;
    this.ids = signals.map((_, i) => vcdId(i));
    this.kinds = Uint8Array.from(signals, (s) => (s.type === 'bit' ? 0 : s.type === 'int' ? 1 : s.type === 'real' ? 2 : 3));
    const o = this.out;
    o.write(`$comment sysplex-emu timeline: ${token(meta.scenario)}, seed ${meta.seed}, counters sampled every ${meta.sampleIntervalPs} ps $end\n`);
    o.write('$version sysplex-emu $end\n');
    o.write('$timescale 1 ps $end\n');
    o.write('$scope module sysplex $end\n');
    let open: readonly string[] = [];
    signals.forEach((s, i) => {
      let common = 0;
      while (common < open.length && common < s.scope.length && open[common] === s.scope[common]) common++;
      for (let k = open.length; k > common; k--) o.write('$upscope $end\n');
      for (let k = common; k < s.scope.length; k++) o.write(`$scope module ${s.scope[k]} $end\n`);
      open = s.scope;
      o.write(`$var ${declaration(s)} ${this.ids[i]} ${s.name} $end\n`);
    });
    for (let k = open.length; k > 0; k--) o.write('$upscope $end\n');
    o.write('$upscope $end\n$enddefinitions $end\n');
  }

  changes(t: number, changed: readonly number[], values: SignalValues): void {
    let text = `#${t}\n`;
    this.lastTime = t;
    if (!this.started) {
      this.started = true;
      text += '$dumpvars\n';
      for (const i of changed) text += this.value(i, values);
      text += '$end\n';
    } else for (const i of changed) text += this.value(i, values);
    this.out.write(text);
  }

  private value(i: number, values: SignalValues): string {
    const id = this.ids[i]!;
    const v = values.num[i]!;
    switch (this.kinds[i]) {
      case 0:
        return (v === 0 ? '0' : '1') + id + '\n';
      case 1:
        return 'b' + (v > 0 ? Math.trunc(v) : 0).toString(2) + ' ' + id + '\n';
      case 2:
        return 'r' + v + ' ' + id + '\n';
      default:
        return 's' + token(values.text[i]!) + ' ' + id + '\n';
    }
  }

  finish(endPs: number): void {
    // The last instant, so that viewers show the whole run.
    if (endPs > this.lastTime) this.out.write(`#${endPs}\n`);
    this.out.close();
  }

  abandon(): void {
    this.out.abandon();
  }
}

function declaration(s: SignalDef): string {
  switch (s.type) {
    case 'bit':
      return 'wire 1';
    case 'int':
      return 'integer 64';
    case 'real':
      return 'real 64';
    default:
      return 'string 1';
  }
}
