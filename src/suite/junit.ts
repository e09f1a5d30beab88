// JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: <testsuites> with one <testsuite> per file
// or folder argument, one <testcase> per scenario, a <failure> per false expectation (its expression and actual
// value) or golden mismatch, an <error> for bad input or a failed run, times in seconds, and the seed in
// <properties>. Nothing in it depends on the machine, the job count or the clock except the time attributes,
// so two runs of the same suite give the same document apart from times.

import type { Outcome, Suite } from './types.js';

/** Text made safe for XML 1.0 attribute values and character data. */
export function xmlEscape(s: string): string {
  return s
    // Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates).
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values normalise raw newlines and tabs to spaces: keep them as character references.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Body text: like xmlEscape, but newlines stay readable. */
function bodyEscape(s: string): string {
  return xmlEscape(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

const seconds = (s: number) => s.toFixed(3);

/** `fixtures/scenarios/roundrobin.yaml` -> `fixtures.scenarios.roundrobin`: JUnit's class name. */
export function className(file: string): string {
  return file.replace(/\.ya?ml$/, '').replace(/^(\.\/)+/, '').replace(/[\\/]+/g, '.');
}

export function junitXml(suites: readonly Suite[], outcomes: ReadonlyMap<string, Outcome>): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.files.map((f) => outcomes.get(f)!));
  out.push(`<testsuites name="sysplex-emu" ${counts(all)}>`);
  for (const suite of suites) {
    const cases = suite.files.map((f) => outcomes.get(f)!);
    out.push(`  <testsuite name="${xmlEscape(suite.name)}" ${counts(cases)} skipped="0">`);
    for (const o of cases) out.push(...testcase(o));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function counts(cases: readonly Outcome[]): string {
  const failures = cases.filter((o) => o.verdict === 'failed').length;
  const errors = cases.filter((o) => o.verdict === 'error').length;
  const time = cases.reduce((t, o) => t + o.seconds, 0);
  return `tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds(time)}"`;
}

function testcase(o: Outcome): string[] {
  const lines = [`    <testcase name="${xmlEscape(o.name)}" classname="${xmlEscape(className(o.file))}" file="${xmlEscape(o.file)}" time="${seconds(o.seconds)}">`];
  // Test-case properties (the pytest form that GitLab and GitHub reporters read); Jenkins ignores them.
  lines.push('      <properties>');
  lines.push(`        <property name="file" value="${xmlEscape(o.file)}"/>`);
  if (o.seed !== null) lines.push(`        <property name="seed" value="${o.seed}"/>`);
  // Client totals, so a CI page tells held connections (open) from failed ones without the report.
  if (o.clients !== undefined) {
    for (const [k, v] of Object.entries(o.clients)) lines.push(`        <property name="clients.${k}" value="${v}"/>`);
  }
  lines.push('      </properties>');
  for (const f of o.failures) {
    lines.push(`      <failure type="${f.type}" message="${xmlEscape(f.message)}">${bodyEscape(f.detail)}</failure>`);
  }
  if (o.verdict === 'error') {
    const message = o.errors[0] ?? 'error';
    lines.push(`      <error type="${o.errorType ?? 'input'}" message="${xmlEscape(message)}">${bodyEscape(o.errors.join('\n'))}</error>`);
  }
  if (o.notes.length > 0) lines.push(`      <system-out>${bodyEscape(o.notes.join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}
