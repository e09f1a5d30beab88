// `sysplex-emu debug FILE --console`: the debugger as a terminal REPL (node:readline) for people without an IDE.
// Commands are read one at a time; one that lets the run move (continue, step, next) returns when the run
// stops again or ends, so a script piped into stdin runs deterministically. Ctrl-C while running pauses.
// End of input quits (the run ends there, as with `quit`).

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { formatTime } from '../kernel/time.js';
import { formatReport } from '../run/report.js';
import { commandCandidates, evaluateCommand, EVAL_HELP } from './commands.js';
import type { DebugEngine, RunEnd, Stop } from './engine.js';
import { describeEvent } from './events.js';
import { SCOPES, eventChildren, scopeChildren, type ScopeName, type VarChildren, type VarNode } from './inspect.js';

const HELP = `commands:
  break KIND [CONDITION]     stop at trace events of KIND (vcrt.insert, osa.*, *), e.g. break vcrt.insert port == 80
  delete [N]                 remove breakpoint N (all without N)
  breaks                     list breakpoints and their hits
  catch osa.drop [COND] | catch expectation | catch none    exception breakpoints
  continue | c               run until a breakpoint or the end
  next [LPAR] | n            run to the next event on the current (or named) LPAR
  step | s                   run to the next event anywhere
  where | bt                 the current event and its causes
  threads                    the LPARs and their latest events;  thread LPAR  makes one current
  show VCRT|VDPT|DVIPA|XCF|OSA|CPU|EVENT [LPAR]               a table of the current (or named) LPAR
  time | status              the virtual time (it stands still while stopped) | run state
${EVAL_HELP.split('\n').map((l) => `  ${l}`).join('\n')}
  quit | q                   end the run and leave`;

/** Table rows `show` prints before saying how many more there are. */
const SHOW_ROWS = 50;

export async function runConsole(engine: DebugEngine, input: Readable, output: Writable, interactive: boolean): Promise<number> {
  const say = (text: string) => output.write(`${text}\n`);
  let thread = engine.lpars[0]!;
  let waiter: ((v: Stop | RunEnd) => void) | null = null;
  engine.setListener({
    stopped: (s) => waiter?.(s),
    ended: (e) => waiter?.(e),
  });

  const rl = createInterface({
    input,
    output,
    terminal: interactive,
    completer: (line: string): [string[], string] => {
      const words = ['break', 'delete', 'breaks', 'catch', 'continue', 'next', 'step', 'where', 'threads', 'thread', 'show', 'quit', ...commandCandidates(engine)];
      const hits = words.filter((w) => w.toUpperCase().startsWith(line.trimStart().toUpperCase()));
      return [hits, line];
    },
  });
  rl.on('SIGINT', () => {
    if (engine.state === 'running') engine.pause(thread);
    else say('(type quit to leave)');
  });
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(`(${engine.timeText()}) `);
    rl.prompt();
  };

  const run = async (move: () => void): Promise<void> => {
    if (engine.state === 'ended') {
      say('the run has ended: displays still work; quit to leave');
      return;
    }
    const result = new Promise<Stop | RunEnd>((resolve) => (waiter = resolve));
    move();
    const r = await result;
    waiter = null;
    if ('reason' in r) {
      thread = r.lpar;
      say(`[${engine.timeText()}] ${r.lpar} stopped: ${r.description}`);
      if (r.event !== null) say(`  #0 ${describeEvent(r.event)}`);
    } else {
      sayEnd(r);
    }
  };
  const sayEnd = (end: RunEnd) => {
    if (end.report !== null) say(formatReport(end.report, engine.p.scenario.name));
    say(end.message);
  };

  say(`sysplex-emu debug console: ${engine.p.scenario.name}, LPARs ${engine.lpars.join(' ')}, run until ${formatTime(engine.untilPs)}; type help`);
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    const [word = '', ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    const cmd = word.toLowerCase();
    if (line === '' || line.startsWith('#')) {
      prompt();
      continue;
    }
    if (cmd === 'quit' || cmd === 'q' || cmd === 'exit') break;
    switch (cmd) {
      case 'help':
      case 'h':
        say(HELP);
        break;
      case 'break':
      case 'b': {
        const [kind = '', ...cond] = rest;
        const bp = engine.breakpoints.add({ name: kind, condition: cond.join(' ') });
        if (!bp.verified) say(`breakpoint not set: ${bp.message}`);
        else say(`breakpoint ${bp.id}: ${bp.name}${bp.condition ? ` if ${bp.condition}` : ''}${bp.message ? ` (${bp.message})` : ''}`);
        break;
      }
      case 'delete':
      case 'd':
        if (cmd === 'd' && /^TCPIP/i.test(arg)) {
          say(evaluateCommand(engine, line, engine.stop?.event ?? null).text);
        } else if (arg === '') {
          for (const b of [...engine.breakpoints.all()]) engine.breakpoints.remove(b.id);
          say('all breakpoints deleted');
        } else say(engine.breakpoints.remove(Number(arg)) ? `breakpoint ${arg} deleted` : `no breakpoint ${arg}`);
        break;
      case 'breaks':
      case 'info':
        for (const b of engine.breakpoints.all()) {
          say(`${b.id}: ${b.name}${b.condition ? ` if ${b.condition}` : ''}${b.verified ? `, ${b.hits} hit(s)` : ` (not set: ${b.message})`}`);
        }
        if (engine.breakpoints.all().length === 0) say('no breakpoints');
        say(`catch: ${[engine.breakpoints.catchesOsaDrop ? 'osa.drop' : '', engine.breakpoints.expectation ? 'expectation' : ''].filter((x) => x).join(', ') || 'none'}`);
        break;
      case 'catch': {
        const [what = '', ...cond] = rest;
        const filters = new Set([...(engine.breakpoints.catchesOsaDrop ? ['osa.drop'] : []), ...(engine.breakpoints.expectation ? ['expectation'] : [])]);
        if (what === 'none') filters.clear();
        else if (what === 'osa.drop' || what === 'expectation') filters.add(what);
        else {
          say('catch osa.drop [condition] | catch expectation | catch none');
          break;
        }
        const err = engine.breakpoints.setExceptionFilters([...filters], what === 'osa.drop' ? cond.join(' ') : undefined);
        say(err ?? `catching: ${[...filters].join(', ') || 'nothing'}`);
        break;
      }
      case 'continue':
      case 'c':
      case 'run':
        await run(() => engine.continue());
        break;
      case 'next':
      case 'n': {
        const target = arg === '' ? thread : engine.lpars.find((l) => l.toUpperCase() === arg.toUpperCase());
        if (target === undefined) say(`no LPAR named ${arg}`);
        else await run(() => engine.next(target));
        break;
      }
      case 'step':
      case 's':
        await run(() => engine.stepIn());
        break;
      case 'where':
      case 'bt': {
        const frames = engine.frames(thread);
        if (frames.length === 0) say(`${thread}: no event yet`);
        frames.forEach((e, i) => say(`  #${i} ${describeEvent(e)}`));
        break;
      }
      case 'threads':
        for (const l of engine.lpars) {
          const e = engine.latest(l);
          say(`${l === thread ? '*' : ' '} ${l}  ${e === undefined ? 'no event yet' : describeEvent(e)}`);
        }
        break;
      case 'thread': {
        const target = engine.lpars.find((l) => l.toUpperCase() === arg.toUpperCase());
        if (target === undefined) say(`no LPAR named ${arg} (LPARs: ${engine.lpars.join(', ')})`);
        else {
          thread = target;
          say(`current LPAR ${thread}`);
        }
        break;
      }
      case 'show': {
        const [what = '', who = thread] = rest;
        const lpar = engine.lpars.find((l) => l.toUpperCase() === who.toUpperCase());
        const scope = what.toUpperCase();
        if (lpar === undefined) say(`no LPAR named ${who}`);
        else if (scope === 'EVENT') {
          const e = engine.frames(lpar)[0];
          if (e === undefined) say(`${lpar}: no event yet`);
          else printTree(say, eventChildren(e), 1);
        } else if ((SCOPES as readonly string[]).includes(scope)) printTree(say, scopeChildren(engine, lpar, scope as ScopeName), 1);
        else say(`show ${SCOPES.join('|')}|EVENT [LPAR]`);
        break;
      }
      default: {
        const event = engine.stop?.lpar === thread ? engine.stop.event : engine.frames(thread)[0] ?? null;
        say(evaluateCommand(engine, cmd === 'print' || cmd === 'p' ? arg : line, event).text);
      }
    }
    prompt();
  }
  rl.close();
  engine.setListener(null);
  const wasOver = engine.state === 'ended';
  const end = engine.abort('quit');
  if (!wasOver) sayEnd(end);
  return end.exitCode;
}

function printTree(say: (s: string) => void, children: VarChildren, depth: number): void {
  const pad = '  '.repeat(depth);
  const named = children.named();
  for (const n of named) printNode(say, n, depth);
  const rows = children.indexed;
  if (rows !== undefined) {
    const total = rows.count();
    for (const n of rows.rows(0, Math.min(total, SHOW_ROWS))) printNode(say, n, depth);
    if (total > SHOW_ROWS) say(`${pad}... ${total - SHOW_ROWS} more rows`);
    if (total === 0 && named.length === 0) say(`${pad}(empty)`);
  }
}

function printNode(say: (s: string) => void, n: VarNode, depth: number): void {
  say(`${'  '.repeat(depth)}${n.name} = ${n.value}`);
  if (n.children !== undefined && depth < 2) printTree(say, n.children, depth + 1);
}
