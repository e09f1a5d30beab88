// What the parser knows, in the three classes of docs/profiles.md: statements (and their operands, and the
// INTERFACE types) that are modelled, those z/OS takes that the emulator accepts and lists as not modelled,
// and, by omission, everything else, which is refused. Built from the parser's own tables, so it cannot drift.

import { ProfileBuilder } from './builder.js';
import type { Cursor } from './cursor.js';
import { STATEMENTS } from './keywords.js';
import type { OptionSpec } from './options.js';
import { globalConfigOptions, tcpConfigOptions, udpConfigOptions } from './statements/config.js';
import { IPV6_TYPES } from './statements/interface.js';
import { ipconfigOptions } from './statements/ipconfig.js';
import { UNMODELLED_OPTIONS } from './statements/unmodelled.js';

export interface CatalogueEntry {
  readonly statement: string;
  readonly modelled: boolean;
  /** The keyword that closes a block statement. */
  readonly end?: string;
  readonly note?: string;
  /** Keyword operands, by class, where the statement has an option list. */
  readonly operands?: { readonly modelled: readonly string[]; readonly notModelled: readonly string[] };
}

function split(specs: readonly OptionSpec[]): { modelled: string[]; notModelled: string[] } {
  return {
    modelled: specs.filter((s) => s.run !== undefined).map((s) => s.keyword.full),
    notModelled: specs.filter((s) => s.run === undefined).map((s) => s.keyword.full),
  };
}

/** The statement catalogue, in the parser's order. */
export function statementCatalogue(): { statements: CatalogueEntry[]; interfaceTypes: { modelled: string[]; notModelled: string[] } } {
  // The option factories only build closures; nothing runs them here.
  const c = null as unknown as Cursor;
  const b = new ProfileBuilder();
  const lists: Record<string, readonly OptionSpec[]> = {
    IPCONFIG: ipconfigOptions(c, b),
    GLOBALCONFIG: globalConfigOptions(c, b),
    TCPCONFIG: tcpConfigOptions(c, b),
    UDPCONFIG: udpConfigOptions(c, b),
    ...UNMODELLED_OPTIONS,
  };
  const statements = STATEMENTS.map((s): CatalogueEntry => {
    const name = s.keyword.full;
    const ops = lists[name];
    return {
      statement: name,
      modelled: s.modelled,
      ...(s.end !== undefined ? { end: s.end.full } : {}),
      ...(s.note !== undefined ? { note: s.note } : {}),
      ...(ops !== undefined ? { operands: s.modelled ? split(ops) : { modelled: [], notModelled: ops.map((o) => o.keyword.full) } } : {}),
    };
  });
  return { statements, interfaceTypes: { modelled: ['IPAQENET', 'IPAQIDIO', 'VIRTUAL', 'EQENET'], notModelled: [...IPV6_TYPES] } };
}
