// The data sets an LPAR's profile may INCLUDE (lpars[].datasets), read from files, and its system symbols
// (lpars[].symbols with the z/OS built-ins). The firmware's profile parser reads no files: it is handed
// `profileSourceOf(lpar, topology)`, whose resolver reads them here.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { describeIoError } from '../errors.js';
import type { LparSpec, Topology } from './types.js';

/** What the parser gets for a data-set name (the firmware's IncludeResult, structurally). */
export type DatasetText = { readonly file: string; readonly text: string } | { readonly error: string };

/** The firmware's ProfileSource, structurally: a resolver for INCLUDE and the symbol table. */
export interface LparProfileSource {
  readonly include: (dsn: string) => DatasetText;
  readonly symbols: Readonly<Record<string, string>>;
}

/** A file or folder path for messages: relative to the working directory when that is shorter. */
function display(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && rel.length < abs.length ? rel : abs;
}

/** Why a path a data-set map names cannot be used, or undefined when it is a file or a folder. */
export function datasetProblem(abs: string): string | undefined {
  try {
    const st = statSync(abs);
    return st.isFile() || st.isDirectory() ? undefined : 'is neither a file nor a folder';
  } catch (e) {
    return describeIoError(e);
  }
}

function readFile(abs: string): DatasetText {
  try {
    return { file: display(abs), text: readFileSync(abs, 'utf8') };
  } catch (e) {
    return { error: `${display(abs)}: ${describeIoError(e)}` };
  }
}

/** The member's file in a folder: its name in any case, with or without an extension (VIPADYN, vipadyn.tcpip). */
function memberFile(folder: string, member: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return undefined;
  }
  const want = member.toUpperCase();
  return names.find((n) => n.toUpperCase() === want) ?? names.find((n) => basename(n, extname(n)).toUpperCase() === want);
}

function isFolder(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A resolver over `datasets` (data-set name, upper case, -> absolute path of a file or folder). `DSN(MEMBER)`
 * is the file mapped to that exact name, or the member's file in the folder mapped to `DSN`; `fallback` is a
 * folder searched for members when the map has neither (the profile's own folder, for a bare `validate`).
 */
export function datasetResolver(datasets: Readonly<Record<string, string>>, fallback?: string): (dsn: string) => DatasetText {
  return (dsn) => {
    const key = dsn.startsWith('/') ? dsn : dsn.toUpperCase();
    const exact = datasets[key];
    if (exact !== undefined) {
      return isFolder(exact) ? { error: `${display(exact)} is a folder: name a member, ${key}(MEMBER)` } : readFile(exact);
    }
    const m = /^([^()]+)\(([A-Z0-9#@$]{1,8})\)$/i.exec(key);
    const folders = m === null ? [] : [datasets[m[1]!], fallback].filter((f): f is string => f !== undefined && isFolder(f));
    for (const folder of folders) {
      const file = memberFile(folder, m![2]!);
      if (file !== undefined) return readFile(join(folder, file));
    }
    if (m !== null && folders.length > 0) return { error: `member ${m[2]!.toUpperCase()} is not in ${folders.map(display).join(' or ')}` };
    const known = Object.keys(datasets).sort();
    return { error: `not in the data-set map (lpars[].datasets${known.length > 0 ? `: ${known.join(', ')}` : ' is empty'})` };
  };
}

/** z/OS built-in symbols of the LPAR: SYSNAME, SYSCLONE (its last two characters unless set), SYSPLEX. */
export function builtinSymbols(lparName: string, sysplexName: string): Record<string, string> {
  const sysname = lparName.toUpperCase();
  return { SYSNAME: sysname, SYSCLONE: sysname.slice(-2), SYSPLEX: sysplexName.toUpperCase() };
}

/**
 * For a profile validated on its own: symbols from the command line (the built-ins only when SYSNAME is given),
 * data sets from the command line (paths relative to the working directory), and members of any partitioned
 * data set from the profile's own folder.
 */
export function bareProfileSource(file: string, symbols: Readonly<Record<string, string>>, datasets: Readonly<Record<string, string>>): LparProfileSource {
  const abs = Object.fromEntries(Object.entries(datasets).map(([k, v]) => [k.startsWith('/') ? k : k.toUpperCase(), resolve(v)]));
  const sysname = symbols['SYSNAME'];
  return {
    include: datasetResolver(abs, dirname(resolve(file))),
    symbols: { ...(sysname !== undefined ? builtinSymbols(sysname, symbols['SYSPLEX'] ?? '') : {}), ...symbols },
  };
}

/** What the LPAR's firmware needs besides its profile text: INCLUDE resolution and the system symbols. */
export function profileSourceOf(lpar: LparSpec, topology: Pick<Topology, 'name'>, extra: Readonly<Record<string, string>> = {}): LparProfileSource {
  return {
    include: datasetResolver(lpar.datasets ?? {}),
    symbols: { ...builtinSymbols(lpar.name, topology.name), ...(lpar.symbols ?? {}), ...extra },
  };
}
