// Reports the tests skipped because a Debian tool is missing (test/support/tools.ts): one line per test file
// as it ends, naming the tool and its install command, and a closing summary per tool after the run. With
// CI=true those tests run (and fail); a tool missing there also fails the run here, whatever the tests did.

import type { Reporter, TestModule } from 'vitest/node';
import { ON_CI, type Tool, hasTool, installCommand } from './tools.js';

const plural = (n: number) => `${n} test${n === 1 ? '' : 's'}`;

/** Tests of `m` that declare a tool, by tool: how many, and how many were skipped. */
function byTool(m: TestModule): Map<Tool, { tests: number; skipped: number }> {
  const out = new Map<Tool, { tests: number; skipped: number }>();
  for (const t of m.children.allTests()) {
    const tool = t.meta().needs;
    if (tool === undefined) continue;
    const c = out.get(tool) ?? { tests: 0, skipped: 0 };
    c.tests++;
    if (t.result().state === 'skipped') c.skipped++;
    out.set(tool, c);
  }
  return out;
}

export default class ToolReporter implements Reporter {
  onTestModuleEnd(m: TestModule): void {
    for (const [tool, c] of byTool(m)) {
      if (c.skipped > 0 && !hasTool(tool)) process.stdout.write(`  ↓ ${m.relativeModuleId}: ${plural(c.skipped)} skipped, ${tool} missing (${installCommand(tool)})\n`);
    }
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total = new Map<Tool, { tests: number; skipped: number }>();
    for (const m of testModules) {
      for (const [tool, c] of byTool(m)) {
        const t = total.get(tool) ?? { tests: 0, skipped: 0 };
        t.tests += c.tests;
        t.skipped += c.skipped;
        total.set(tool, t);
      }
    }
    const lines: string[] = [];
    for (const [tool, c] of [...total].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (hasTool(tool)) continue;
      const ran = c.tests - c.skipped;
      if (ON_CI && ran > 0) {
        lines.push(`CI=true and ${tool} missing: ${plural(ran)} ran without it (${installCommand(tool)}); failing the run`);
        process.exitCode = 1;
      } else if (!ON_CI && c.skipped > 0) {
        lines.push(`${plural(c.skipped)} skipped: ${tool} missing: ${installCommand(tool)}`);
      }
    }
    if (lines.length === 0) return;
    if (!ON_CI) lines.push('(bash .ci/run installs every tool the suite uses, then runs it)');
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
