// Diagnostics of the profile parser: every one names FILE:LINE:COL, as the CLI prints them (exit status 2).

/** A position in the profile text: 1-based line and column (a tab counts as one column). */
export interface Pos {
  readonly line: number;
  readonly col: number;
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

  constructor(readonly file: string) {}

  error(at: Pos, message: string): void {
    this.errors.push(new ProfileError(this.file, at.line, at.col, message));
  }

  warn(at: Pos, message: string): void {
    this.warnings.push(new ProfileError(this.file, at.line, at.col, message));
  }

  /** Record an error and abandon the current statement. */
  fail(at: Pos, message: string): never {
    this.error(at, message);
    throw new StatementAbort();
  }
}

/** A bare copy of a position (tokens carry more fields than a profile entry should keep). */
export function pos(p: Pos): Pos {
  return { line: p.line, col: p.col };
}
