// The machine's processes with their parent pid and command line, read from /proc (Linux), so a test needs no
// `ps` (procps is not on a machine that has only Node and npm).

import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessRow {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces. */
  args: string;
}

export function processes(): ProcessRow[] {
  const out: ProcessRow[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.push({ pid: Number(name), ppid, args });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}
