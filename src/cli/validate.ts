// sysplex-emu validate FILE [--json] [--symbol NAME=VALUE ...] [--dataset DSN=FILE ...]: a topology, scenario or
// PROFILE.TCPIP; says what it understood. For a profile: a one-screen summary of what is modelled, what is
// accepted without being modelled (also as warnings on stderr) and, with exit 2, what is refused.

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { loadRunFile, formatTime } from '../scenario/index.js';
import { bareProfileSource, profileSourceOf } from '../scenario/datasets.js';
import type { Scenario } from '../scenario/types.js';
import { describeProfile, parseProfile, type ProfileWarning } from '../firmware/profile/index.js';
import { parse, flag, list } from './args.js';
import { UsageError } from './errors.js';

/** `NAME=VALUE` pairs of a repeatable option; `upper` upper-cases the names (symbols, data-set names). */
function pairs(values: readonly string[], option: string, check: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (eq < 0 || !check.test(name)) throw new UsageError(`--${option} ${v}: expected NAME=VALUE`, 'validate');
    out[name.startsWith('/') ? name : name.toUpperCase()] = v.slice(eq + 1);
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const args = parse('validate', argv, {
    json: { type: 'boolean' },
    symbol: { type: 'string', multiple: true },
    dataset: { type: 'string', multiple: true },
  }, { min: 1, max: 1 });
  const file = args.positionals[0]!;
  const json = flag(args, 'json');
  const symbols = pairs(list(args, 'symbol'), 'symbol', /^&?[A-Za-z#@$][A-Za-z0-9#@$_]{0,15}\.?$/);
  for (const k of Object.keys(symbols)) {
    const bare = k.replace(/^&/, '').replace(/\.$/, '');
    if (bare !== k) {
      symbols[bare] = symbols[k]!;
      delete symbols[k];
    }
  }
  const datasets = pairs(list(args, 'dataset'), 'dataset', /^\S+$/);
  if (/\.(tcpip|profile|txt)$/i.test(file) || !/\.ya?ml$/i.test(file)) return validateProfile(file, json, symbols, datasets);
  const loaded = loadRunFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const scenario = loaded.value;
  const profileErrors = checkProfiles(scenario, symbols);
  if (profileErrors.length > 0) {
    for (const e of profileErrors) process.stderr.write(`${e}\n`);
    return 2;
  }
  const t = scenario.topology;
  const summary = {
    file: scenario.file,
    name: scenario.name,
    lpars: t.lpars.map((l) => ({ name: l.name, processors: l.processors, osas: l.osas, profile: l.profileFile })),
    osas: t.osas.map((o) => ({ name: o.name, lan: o.lan, bps: o.bps })),
    lans: t.lans.map((l) => ({ name: l.name, subnet: l.subnet, router: l.router })),
    xcfLinks: t.xcf.links.map((l) => ({ between: l.between, model: l.model, paths: l.paths, signalling: l.signalling })),
    cpcs: t.cpcs.map((c) => c.name),
    cfs: t.cfs.map((c) => ({ name: c.name, processors: c.processors, cpc: c.cpc })),
    compressed: t.compressed.map((c) => ({ key: c.key, valuePs: c.valuePs, realPs: c.realPs })),
    workload: scenario.workload.length,
    faults: scenario.faults.length,
    expectations: scenario.expect.length,
    seed: scenario.seed,
    untilPs: scenario.untilPs,
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(
      `${scenario.file}: valid (${scenario.name})\n` +
        `  LPARs: ${t.lpars.map((l) => l.name).join(', ')}; OSAs: ${t.osas.map((o) => o.name).join(', ')}; LANs: ${t.lans.map((l) => l.name).join(', ')}\n` +
        `  XCF links: ${t.xcf.links.map((l) => `${l.between.join('-')} (${l.model})`).join(', ')}\n` +
        (t.cfs.length > 0 ? `  CFs: ${t.cfs.map((c) => `${c.name} (${c.processors} processor${c.processors === 1 ? '' : 's'})`).join(', ')}\n` : '') +
        t.compressed.map((c) => `  compressed: ${c.key} ${formatTime(c.valuePs)} (z/OS: ${formatTime(c.realPs)})\n`).join('') +
        `  workload: ${summary.workload}, faults: ${summary.faults}, expectations: ${summary.expectations}, seed ${scenario.seed}, until ${formatTime(scenario.untilPs)}\n`,
    );
  }
  return 0;
}

/** Every built-in stack's profile must parse too (with its data sets and symbols); errors name file, line and
 *  column. Another firmware image reads its profile its own way, as `run` does (src/run/run-scenario.ts). */
function checkProfiles(s: Scenario, symbols: Record<string, string>): string[] {
  const out: string[] = [];
  for (const l of s.topology.lpars) {
    if (l.firmware !== 'builtin') continue;
    const r = parseProfile(l.profile, l.profileFile, profileSourceOf(l, s.topology, symbols));
    if (!r.ok) out.push(...r.errors.map((e) => e.toString()));
  }
  return out;
}

/** Warnings are `FILE:LINE:COL: warning: ...` so a reader tells them from the errors of a refused profile. */
function warningLine(w: ProfileWarning): string {
  return `${w.file}:${w.line}:${w.col}: warning: ${w.message}\n`;
}

function validateProfile(file: string, json: boolean, symbols: Record<string, string>, datasets: Record<string, string>): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(file, 'no such file');
  }
  const r = parseProfile(text, file, bareProfileSource(file, symbols, datasets));
  if (!r.ok) {
    for (const e of r.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  for (const w of r.warnings) process.stderr.write(warningLine(w));
  for (const n of r.profile.notModelled) {
    const what = n.operand === undefined ? n.statement : `${n.statement} operand ${n.operand}`;
    process.stderr.write(`${n.file ?? file}:${n.line}:${n.col}: warning: ${what} is accepted but not modelled\n`);
  }
  const d = describeProfile(r.profile);
  process.stdout.write(json ? `${JSON.stringify(d.json, null, 2)}\n` : `${file}: valid\n${d.summary}\n${d.human}`);
  return 0;
}
