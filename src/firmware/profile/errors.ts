// Diagnostics of the profile parser: every one names FILE:LINE:COL, as the CLI prints them (exit status 2).

/**
 * A position in the profile text: 1-based line and column (a tab counts as one column) of the original text,
 * before symbol substitution. `file` and `via` are set only for text that came in through INCLUDE: the file
 * the line is in, and the INCLUDE chain that brought it in.
 */
export interface Pos {
  readonly line: number;
  readonly col: number;
  readonly file?: string;
  readonly via?: string;
}

/** A control character (or other invisible one) shown by its code, so no message names an empty word. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b\ufeff]/g, (ch) => `<X'${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}'>`);
}

/** One error or warning about the profile. Never thrown by parseProfile: returned in its result. */
export class ProfileError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly message: string,
  ) {}

  /** `FILE:LINE:COL: message`, the form of CONTRACT.md for bad input. */
  toString(): string {
    return `${this.file}:${this.line}:${this.col}: ${this.message}`;
  }
}

/** Warnings have the same shape: things the stack would accept but the emulator does not model. */
export type ProfileWarning = ProfileError;

/** Thrown inside the parser to abandon one statement after its error was recorded; caught by the statement loop. */
export class StatementAbort {
  readonly abort = true;
}

/** Collects the errors and warnings of one parse, in the order they were found. */
export class Diagnostics {
  readonly errors: ProfileError[] = [];
  readonly warnings: ProfileError[] = [];
  /** Errors reported, counting those dropped as repeats: tells a statement that one of its words was wrong. */
  reported = 0;
  /** Words already found wrong before parsing (an undefined symbol): later errors about them add nothing. */
  private readonly tainted = new Set<string>();

  constructor(readonly file: string) {}

  private make(at: Pos, message: string): ProfileError {
    const text = printable(message) + (at.via !== undefined ? ` (${at.via})` : '');
    return new ProfileError(at.file ?? this.file, at.line, at.col, text);
  }

  /** Record an error; a second one at the same place (a word already found wrong) adds nothing. */
  error(at: Pos, message: string): void {
    const e = this.make(at, message);
    this.reported++;
    if (this.tainted.has(`${e.file}:${e.line}:${e.col}`)) return;
    if (this.errors.some((x) => x.file === e.file && x.line === e.line && x.col === e.col)) return;
    this.errors.push(e);
  }

  /** Mark the word at `at` as already reported. */
  taint(at: Pos): void {
    this.tainted.add(`${at.file ?? this.file}:${at.line}:${at.col}`);
  }

  warn(at: Pos, message: string): void {
    this.warnings.push(this.make(at, message));
  }

  /** Record an error and abandon the current statement. */
  fail(at: Pos, message: string): never {
    this.error(at, message);
    throw new StatementAbort();
  }
}

/** A bare copy of a position (tokens carry more fields than a profile entry should keep). */
export function pos(p: Pos): Pos {
  if (p.file === undefined) return { line: p.line, col: p.col };
  return p.via === undefined ? { line: p.line, col: p.col, file: p.file } : { line: p.line, col: p.col, file: p.file, via: p.via };
}
