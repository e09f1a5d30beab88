// sysplex-emu validate FILE [--json]: a topology, scenario or PROFILE.TCPIP; says what it understood.

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { loadRunFile, formatTime } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { describeProfile, parseProfile } from '../firmware/profile/index.js';
import { parse, flag } from './args.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse('validate', argv, { json: { type: 'boolean' } }, { min: 1, max: 1 });
  const file = args.positionals[0]!;
  const json = flag(args, 'json');
  if (/\.(tcpip|profile|txt)$/i.test(file) || !/\.ya?ml$/i.test(file)) return validateProfile(file, json);
  const loaded = loadRunFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const scenario = loaded.value;
  const profileErrors = checkProfiles(scenario);
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

/** Every LPAR's profile must parse too; errors name the profile file, line and column. */
function checkProfiles(s: Scenario): string[] {
  const out: string[] = [];
  for (const l of s.topology.lpars) {
    const r = parseProfile(l.profile, l.profileFile);
    if (!r.ok) out.push(...r.errors.map((e) => e.toString()));
  }
  return out;
}

function validateProfile(file: string, json: boolean): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(file, 'no such file');
  }
  const r = parseProfile(text, file);
  if (!r.ok) {
    for (const e of r.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const d = describeProfile(r.profile);
  process.stdout.write(json ? `${JSON.stringify(d.json, null, 2)}\n` : `${file}: valid\n${d.human}\n`);
  return 0;
}
