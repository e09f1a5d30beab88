// The expectation language of CONTRACT.md: `<path> <op> <value>` over the --json report (or over a trace
// event's fields, for the debugger's breakpoint conditions), and `display("<command>") contains "<text>"`.
// A hand-written scannerless recursive-descent parser: expectations are data, never evaluated as code.
//
//   expectation := subject op value
//   subject     := display '(' string ')' | path
//   path        := ident ( '.' ident | '[' selector ']' )*
//   selector    := integer | cond ( ',' cond )*        cond := ident ( '.' ident )* ('=' | '==') value
//   op          := '==' | '!=' | '<=' | '>=' | '<' | '>' | 'contains' | '!contains'
//   value       := number | "string" | 'string' | true | false | null | bare word (SYS1, 10.1.1.10, ROUNDROBIN)

export type Scalar = number | string | boolean | null;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | '!contains';

export interface Condition {
  /** Field path inside the element (usually one name: `port`, `stack`, `ip`). */
  readonly key: readonly string[];
  readonly value: Scalar;
}

export type PathStep =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'select'; readonly where: readonly Condition[] };

export type Subject =
  | { readonly kind: 'path'; readonly steps: readonly PathStep[] }
  | { readonly kind: 'display'; readonly command: string };

export interface Expectation {
  readonly kind: 'expectation';
  readonly text: string;
  readonly subject: Subject;
  readonly op: CompareOp;
  readonly value: Scalar;
}

/** Why an expectation does not parse, at which character (0-based `offset`, 1-based `col`). */
export class ExpectError {
  readonly kind = 'error' as const;
  readonly col: number;
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {
    this.col = offset + 1;
  }
  toString(): string {
    return `column ${this.col}: ${this.message}`;
  }
}

export function isExpectError(x: Expectation | ExpectError): x is ExpectError {
  return x.kind === 'error';
}

export { evaluate, formatSubject, type DisplayFn, type Evaluation } from './expect-eval.js';

/** A path step that addresses every element of a list (`osas[*]`): sweeps and `--set` only. */
export interface EveryStep {
  readonly kind: 'every';
}

/** Parses a field path alone, as `sweep --set` and `run --set` write it (`lpars[name=SYS1].processors`,
 *  `osas[*].frameLatency`); never throws. */
export function parseFieldPath(text: string): (PathStep | EveryStep)[] | ExpectError {
  try {
    const p = new Parser(text, true);
    return p.wholePath();
  } catch (e) {
    if (e instanceof ExpectError) return e;
    return new ExpectError('cannot parse this path', 0);
  }
}

/** Parses one expectation; never throws (any string in, a value out). */
export function parseExpectation(text: string): Expectation | ExpectError {
  try {
    return new Parser(text).expectation();
  } catch (e) {
    if (e instanceof ExpectError) return e;
    return new ExpectError('cannot parse this expectation', 0); // defensive: the parser throws only ExpectError
  }
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
// A bare value runs until whitespace or punctuation that ends it in the grammar.
const BARE_END = /[\s\]\[(),=<>!"']/;
const BARE_WORD = /^[A-Za-z0-9_.:/#@$+*%-]+$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    /** Whether `[*]` is allowed (field paths of overrides; an expectation compares one value). */
    private readonly every = false,
  ) {}

  wholePath(): (PathStep | EveryStep)[] {
    this.ws();
    const steps = this.path();
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describeHere()} after the path`);
    return steps;
  }

  expectation(): Expectation {
    this.ws();
    if (this.i >= this.s.length) this.fail('empty expectation: write <path> <op> <value>, e.g. clients.failed == 0');
    const subject = this.subject();
    this.ws();
    const op = this.op();
    this.ws();
    const value = this.value('a value');
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describeHere()} after the value (quote a value with spaces in it)`);
    return { kind: 'expectation', text: this.s, subject, op, value };
  }

  private subject(): Subject {
    const start = this.i;
    if (this.s.startsWith('display', this.i)) {
      let j = this.i + 'display'.length;
      while (j < this.s.length && /\s/.test(this.s[j]!)) j++;
      if (this.s[j] === '(') {
        this.i = j + 1;
        this.ws();
        const q = this.s[this.i];
        if (q !== '"' && q !== "'") this.fail('display( takes a quoted operator command, e.g. display("D TCPIP,SYS1,NETSTAT,VIPADYN")');
        const command = this.quoted();
        this.ws();
        if (this.s[this.i] !== ')') this.fail(`expected ")" to close display( at column ${start + 1}`);
        this.i++;
        return { kind: 'display', command };
      }
    }
    return { kind: 'path', steps: this.path() as PathStep[] };
  }

  private path(): (PathStep | EveryStep)[] {
    const steps: (PathStep | EveryStep)[] = [{ kind: 'field', name: this.ident('a report field name (clients, dvipas, lpars ...)') }];
    for (;;) {
      const c = this.s[this.i];
      if (c === '.') {
        this.i++;
        steps.push({ kind: 'field', name: this.ident('a field name after "."') });
      } else if (c === '[') {
        const open = this.i;
        this.i++;
        this.ws();
        steps.push(this.selector());
        this.ws();
        if (this.s[this.i] !== ']') this.fail(`expected "]" to close the "[" at column ${open + 1}`);
        this.i++;
      } else {
        return steps;
      }
    }
  }

  private selector(): PathStep | EveryStep {
    const c = this.s[this.i];
    if (c === '*' && this.every) {
      this.i++;
      return { kind: 'every' };
    }
    if (c !== undefined && /[-0-9]/.test(c)) {
      const start = this.i;
      while (this.i < this.s.length && /[-0-9]/.test(this.s[this.i]!)) this.i++;
      const digits = this.s.slice(start, this.i);
      if (!/^-?(0|[1-9][0-9]*)$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
        this.i = start;
        this.fail(`"${digits}" is not an index: use [0], [1] ... or [-1] for the last`);
      }
      return { kind: 'index', index: Number(digits) };
    }
    const where: Condition[] = [];
    for (;;) {
      const key = [this.ident('a field name to select by, e.g. [port=80] or [0]')];
      while (this.s[this.i] === '.') {
        this.i++;
        key.push(this.ident('a field name after "."'));
      }
      this.ws();
      if (this.s[this.i] !== '=') this.fail(`expected "=" after "${key.join('.')}" in the selector, e.g. [stack=SYS2]`);
      this.i += this.s[this.i + 1] === '=' ? 2 : 1;
      this.ws();
      where.push({ key, value: this.value('a value to select by') });
      this.ws();
      if (this.s[this.i] !== ',') return { kind: 'select', where };
      this.i++;
      this.ws();
    }
  }

  private op(): CompareOp {
    const s = this.s;
    const two = s.slice(this.i, this.i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      this.i += 2;
      return two;
    }
    for (const word of ['contains', '!contains'] as const) {
      if (s.startsWith(word, this.i) && !IDENT_PART.test(s[this.i + word.length] ?? ' ')) {
        this.i += word.length;
        return word;
      }
    }
    const one = s[this.i];
    if (one === '<' || one === '>') {
      this.i++;
      return one;
    }
    if (one === '=') this.fail('"=" is not an operator: write "==" to compare');
    if (this.i >= s.length) this.fail('expected an operator (== != < <= > >= contains !contains) after the path');
    this.fail(`expected an operator (== != < <= > >= contains !contains), found ${this.describeHere()}`);
  }

  private value(what: string): Scalar {
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.quoted();
    const start = this.i;
    while (this.i < this.s.length && !BARE_END.test(this.s[this.i]!)) this.i++;
    const word = this.s.slice(start, this.i);
    if (word === '') {
      if (this.i >= this.s.length) this.fail(`expected ${what} at the end`);
      this.fail(`expected ${what}, found ${this.describeHere()}`);
    }
    if (NUMBER.test(word)) {
      const n = Number(word);
      if (Number.isFinite(n)) return n;
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (!BARE_WORD.test(word)) {
      let k = 0;
      while (k < word.length && BARE_WORD.test(word[k]!)) k++;
      this.i = start + k;
      this.fail(`unexpected ${this.describeHere()} in a value (quote it: "...")`);
    }
    return word;
  }

  /** A quoted string: "..." with \" \\ \n \t escapes, or '...' with '' for a quote. */
  private quoted(): string {
    const open = this.i;
    const q = this.s[this.i]!;
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) {
        this.i = open;
        this.fail(`unterminated string: no closing ${q}`);
      }
      const c = this.s[this.i]!;
      if (c === q) {
        if (q === "'" && this.s[this.i + 1] === "'") {
          out += "'";
          this.i += 2;
          continue;
        }
        this.i++;
        return out;
      }
      if (c === '\\' && q === '"') {
        const e = this.s[this.i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', "'": "'" };
        if (e === undefined || !Object.hasOwn(map, e)) this.fail('unknown escape: use \\" \\\\ \\n \\t or \\r');
        out += map[e]!;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private ident(what: string): string {
    const start = this.i;
    if (!IDENT_START.test(this.s[this.i] ?? '')) {
      if (this.i >= this.s.length) this.fail(`expected ${what} at the end`);
      this.fail(`expected ${what}, found ${this.describeHere()}`);
    }
    this.i++;
    while (this.i < this.s.length && IDENT_PART.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private describeHere(): string {
    const c = this.s[this.i];
    if (c === undefined) return 'the end';
    const cp = c.codePointAt(0)!;
    return cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : `"${c}"`;
  }

  private fail(message: string): never {
    throw new ExpectError(message, this.i);
  }
}
