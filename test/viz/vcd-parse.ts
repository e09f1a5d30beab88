// A small VCD reader for the tests: declarations (scope path + name -> identifier and type) and every value
// change in order, checked against the rules a viewer relies on (times increasing, identifiers declared).

export interface VcdVar {
  readonly path: string;
  readonly type: string;
  readonly id: string;
}

export interface VcdChange {
  readonly t: number;
  readonly id: string;
  readonly value: string;
}

export interface Vcd {
  readonly timescale: string;
  readonly vars: readonly VcdVar[];
  readonly changes: readonly VcdChange[];
  /** Values of path at each change, in time order. */
  history(path: string): { t: number; value: string }[];
}

export function parseVcd(text: string): Vcd {
  const tokens = text.split(/\s+/).filter((s) => s !== '');
  const vars: VcdVar[] = [];
  const scope: string[] = [];
  let timescale = '';
  let k = 0;
  const until = (end: string): string[] => {
    const out: string[] = [];
    while (tokens[k] !== end) {
      if (k >= tokens.length) throw new Error(`unterminated section, expected ${end}`);
      out.push(tokens[k++]!);
    }
    k++;
    return out;
  };
  for (;;) {
    const tok = tokens[k++];
    if (tok === undefined) throw new Error('no $enddefinitions');
    if (tok === '$enddefinitions') {
      until('$end');
      break;
    }
    if (tok === '$scope') scope.push(until('$end')[1]!);
    else if (tok === '$upscope') {
      until('$end');
      if (scope.pop() === undefined) throw new Error('$upscope without $scope');
    } else if (tok === '$var') {
      const [type, , id, name] = until('$end');
      vars.push({ path: [...scope, name].join('.'), type: type!, id: id! });
    } else if (tok === '$timescale') timescale = until('$end').join(' ');
    else if (tok.startsWith('$')) until('$end');
    else throw new Error(`unexpected token ${tok} in the declarations`);
  }
  if (scope.length !== 0) throw new Error('scopes left open');
  const ids = new Set(vars.map((v) => v.id));
  if (ids.size !== vars.length) throw new Error('an identifier is declared twice');
  const changes: VcdChange[] = [];
  let t = -1;
  while (k < tokens.length) {
    const tok = tokens[k++]!;
    if (tok === '$dumpvars' || tok === '$end') continue;
    if (tok.startsWith('#')) {
      const next = Number(tok.slice(1));
      if (!Number.isSafeInteger(next) || next <= t) throw new Error(`time ${tok} does not increase`);
      t = next;
      continue;
    }
    if (t < 0) throw new Error('a value before the first time');
    let value: string;
    let id: string;
    if (/^[brs]/i.test(tok)) {
      value = tok;
      id = tokens[k++]!;
    } else {
      value = tok[0]!;
      id = tok.slice(1);
    }
    if (!ids.has(id)) throw new Error(`value for undeclared identifier ${id}`);
    changes.push({ t, id, value });
  }
  return {
    timescale,
    vars,
    changes,
    history(path: string) {
      const v = vars.find((x) => x.path === path);
      if (v === undefined) throw new Error(`no variable ${path}`);
      return changes.filter((c) => c.id === v.id).map((c) => ({ t: c.t, value: c.value }));
    },
  };
}
