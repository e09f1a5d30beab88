// One Debug Adapter Protocol session (one attached client) over the debugger engine, on @vscode/debugadapter.
// Threads are the LPARs (id = topology position + 1); a stack frame is a trace event (the one the thread
// stopped on, then its causes); scopes are the LPAR's tables (inspect.ts); evaluate runs operator commands.
// Frame and variable references are valid while the run stays stopped, as DAP intends.

import { DebugSession, ExitedEvent, Handles, InitializedEvent, OutputEvent, Response, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { traceLine } from '../kernel/trace.js';
import { formatTime } from '../kernel/time.js';
import { formatReport } from '../run/report.js';
import { EXCEPTION_FILTERS } from './breakpoints.js';
import { complete, evaluateCommand } from './commands.js';
import type { DebugEngine, EngineListener, RunEnd, Stop } from './engine.js';
import { describeEvent, type DebugEvent } from './events.js';
import { SCOPES, eventChildren, scopeChildren, scopeSize, type VarChildren, type VarNode } from './inspect.js';

/** Rows returned for an unpaged variables request of a large table. */
const MAX_UNPAGED = 1000;

export interface SessionHooks {
  /** The client asked to end (disconnect or terminate): the run is over. */
  disconnected(end: RunEnd): void;
  /** The run reached its end (or failed) while this client was attached. */
  ended(end: RunEnd): void;
}

interface Frame {
  readonly lpar: string;
  readonly event: DebugEvent | null;
}

export class SysplexDebugSession extends DebugSession implements EngineListener {
  private readonly frames = new Handles<Frame>();
  private readonly vars = new Handles<VarChildren>();
  private attached = false;
  private configured = false;
  private stopOnEntry = false;
  private goneAway = false;

  constructor(
    private readonly engine: DebugEngine,
    private readonly hooks: SessionHooks,
  ) {
    super();
    this.setRunAsServer(true);
  }

  /** True once the client asked to disconnect or terminate. */
  get finished(): boolean {
    return this.goneAway;
  }

  // ---- what the engine reports --------------------------------------------------------------------------

  stopped(stop: Stop): void {
    this.frames.reset();
    this.vars.reset();
    const e = new StoppedEvent(stop.reason, this.threadId(stop.lpar), stop.exception?.description) as DebugProtocol.StoppedEvent;
    e.body.description = stop.description;
    e.body.allThreadsStopped = true;
    if (stop.breakpointIds.length > 0) e.body.hitBreakpointIds = [...stop.breakpointIds];
    this.sendEvent(e);
  }

  ended(end: RunEnd): void {
    const text = end.report !== null ? `${formatReport(end.report, this.engine.p.scenario.name)}\n` : '';
    this.sendEvent(new OutputEvent(`${text}${end.message}\n`, end.exitCode === 3 ? 'stderr' : 'console'));
    this.sendEvent(new ExitedEvent(end.exitCode));
    this.sendEvent(new TerminatedEvent());
    this.hooks.ended(end);
  }

  // ---- set-up -----------------------------------------------------------------------------------------------

  /** Checks a request's shape before the library dispatches it, so a malformed one gets an error response
   *  rather than an exception inside a handler. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const args: unknown = request.arguments;
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      this.fail(new Response(request), `${request.command}: arguments must be an object`);
      return;
    }
    if (request.command === 'initialize') {
      // The library refuses a client that does not say pathFormat 'path'; we have no paths, so default it.
      const a = { ...(args as Record<string, unknown> | undefined) };
      a.pathFormat ??= 'path';
      request = { ...request, arguments: a };
    }
    try {
      super.dispatchRequest(request);
    } catch (err) {
      this.fail(new Response(request), `${request.command}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsEvaluateForHovers: false,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: [',', ' ', '='],
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ ...f })),
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
      supportsStepBack: false,
      supportsSetVariable: false,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments & { stopOnEntry?: unknown }): void {
    this.attached = true;
    this.stopOnEntry = args?.stopOnEntry === true;
    this.sendResponse(response);
    this.maybeStart();
  }

  /** `launch` attaches too: the emulator is already there (started by `sysplex-emu debug`). */
  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments & { stopOnEntry?: unknown }): void {
    this.attachRequest(response, args);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    this.sendResponse(response);
    this.maybeStart();
  }

  private maybeStart(): void {
    if (!this.attached || !this.configured) return;
    const engine = this.engine;
    switch (engine.state) {
      case 'ready':
        if (this.stopOnEntry) engine.stopAtEntry();
        else engine.continue();
        return;
      case 'stopped':
        // A client attaching to a run that another client left stopped: show where it is.
        if (engine.stop !== null) this.stopped(engine.stop);
        return;
      case 'ended':
        if (engine.end !== null) this.ended(engine.end);
        return;
      default:
        return;
    }
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const specs = (Array.isArray(args?.breakpoints) ? args.breakpoints : []).map((b) => ({
      name: typeof b?.name === 'string' ? b.name : '',
      condition: typeof b?.condition === 'string' ? b.condition : undefined,
      hitCondition: typeof b?.hitCondition === 'string' ? b.hitCondition : undefined,
    }));
    const set = this.engine.breakpoints.setFunctionBreakpoints(specs);
    response.body = { breakpoints: set.map((b) => ({ id: b.id, verified: b.verified, ...(b.message !== undefined ? { message: b.message } : {}) })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const options = Array.isArray(args?.filterOptions) ? args.filterOptions : [];
    const filters = [...(Array.isArray(args?.filters) ? args.filters : []), ...options.map((o) => o.filterId)].filter((f): f is string => typeof f === 'string');
    const dropCondition = options.find((o) => o.filterId === 'osa.drop')?.condition;
    const error = this.engine.breakpoints.setExceptionFilters(filters, typeof dropCondition === 'string' ? dropCondition : undefined);
    response.body = { breakpoints: filters.map((f) => ({ verified: f === 'osa.drop' ? error === null : EXCEPTION_FILTERS.some((x) => x.filter === f), ...(f === 'osa.drop' && error !== null ? { message: error } : {}) })) };
    this.sendResponse(response);
  }

  /** Source lines mean nothing to an emulated sysplex: every one is refused with a pointer to function breakpoints. */
  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const lines = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    response.body = {
      breakpoints: lines.map(() => ({ verified: false, message: 'break on trace kinds instead: add a function breakpoint such as vcrt.insert (source debugging of the firmware: run --inspect)' })),
    };
    this.sendResponse(response);
  }

  // ---- threads, stacks, variables -------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.engine.lpars.map((name, i) => ({ id: i + 1, name })) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const lpar = this.lparOf(args?.threadId);
    if (lpar === undefined) return this.fail(response, `no thread ${String(args?.threadId)}: threads are 1..${this.engine.lpars.length}`);
    const events = this.engine.frames(lpar);
    const all: Frame[] = events.length > 0 ? events.map((event) => ({ lpar, event })) : [{ lpar, event: null }];
    const start = nonNegative(args.startFrame, 0);
    const levels = nonNegative(args.levels, 0);
    const page = all.slice(start, levels > 0 ? start + levels : undefined);
    const line = this.convertDebuggerLineToClient(0);
    const column = this.convertDebuggerColumnToClient(0);
    response.body = {
      totalFrames: all.length,
      stackFrames: page.map((f): DebugProtocol.StackFrame => {
        const id = this.frames.create(f);
        if (f.event === null) return { id, name: `${lpar}: no event yet @ ${this.engine.timeText()}`, line: 0, column: 0 };
        return { id, name: describeEvent(f.event), source: { name: `${f.event.component} ${f.event.kind}`, sourceReference: id }, line, column };
      }),
    };
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const ref = args?.source?.sourceReference ?? args?.sourceReference;
    const frame = typeof ref === 'number' ? this.frames.get(ref) : undefined;
    if (frame?.event == null) return this.fail(response, 'that source is gone: the run moved on since the stop that showed it');
    const lines: string[] = [];
    let first = true;
    for (let e: DebugEvent | null = frame.event; e !== null; e = e.cause) {
      if (!first) lines.push(`// caused by${e.note !== null ? ` (${e.note})` : ''}:`);
      lines.push(traceLine(e.t, e.component, e.kind, { ...e.fields }).trimEnd());
      first = false;
    }
    response.body = { content: `${lines.join('\n')}\n`, mimeType: 'application/json' };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames.get(args?.frameId);
    if (frame === undefined) return this.fail(response, `no frame ${String(args?.frameId)} (frames are valid while stopped)`);
    const scopes: DebugProtocol.Scope[] = [];
    if (frame.event !== null) scopes.push({ name: 'Event', variablesReference: this.vars.create(eventChildren(frame.event)), expensive: false });
    for (const s of SCOPES) {
      const size = scopeSize(this.engine, frame.lpar, s);
      scopes.push({
        name: s,
        variablesReference: this.vars.create(scopeChildren(this.engine, frame.lpar, s)),
        expensive: false,
        ...(size.indexed !== undefined ? { indexedVariables: size.indexed } : {}),
        ...(size.named !== undefined ? { namedVariables: size.named } : {}),
      });
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const children = this.vars.get(args?.variablesReference);
    if (children === undefined) return this.fail(response, 'those variables are gone: the run moved on');
    const start = nonNegative(args.start, 0);
    const count = nonNegative(args.count, 0);
    let nodes: VarNode[];
    if (args.filter === 'indexed') {
      const rows = children.indexed;
      nodes = rows === undefined ? [] : rows.rows(start, count > 0 ? count : Math.min(rows.count() - start, MAX_UNPAGED));
    } else if (args.filter === 'named') {
      nodes = children.named();
    } else {
      nodes = children.named();
      const rows = children.indexed;
      if (rows !== undefined) {
        const n = rows.count();
        nodes = nodes.concat(rows.rows(0, Math.min(n, MAX_UNPAGED)));
        if (n > MAX_UNPAGED) nodes.push({ name: '(more)', value: `${n - MAX_UNPAGED} more rows: the table is paged (indexed variables)` });
      }
      if (start > 0 || count > 0) nodes = nodes.slice(start, count > 0 ? start + count : undefined);
    }
    response.body = { variables: nodes.map((n) => this.variable(n)) };
    this.sendResponse(response);
  }

  private variable(n: VarNode): DebugProtocol.Variable {
    if (n.children === undefined) return { name: n.name, value: n.value, variablesReference: 0 };
    const indexed = n.children.indexed?.count();
    return { name: n.name, value: n.value, variablesReference: this.vars.create(n.children), ...(indexed !== undefined ? { indexedVariables: indexed } : {}) };
  }

  // ---- moving -----------------------------------------------------------------------------------------------

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.movable(response)) return;
    this.engine.continue();
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    const lpar = this.lparOf(args?.threadId);
    if (lpar === undefined) return this.fail(response, `no thread ${String(args?.threadId)}`);
    if (!this.movable(response)) return;
    this.engine.next(lpar);
    this.sendResponse(response);
  }

  /** stepOut has no call to leave here: like next, it goes to the thread's next event. */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.nextRequest(response, args);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    if (!this.movable(response)) return;
    this.engine.stepIn();
    this.sendResponse(response);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    this.engine.pause(this.lparOf(args?.threadId));
    this.sendResponse(response);
  }

  private movable(response: DebugProtocol.Response): boolean {
    if (this.engine.state !== 'ended') return true;
    this.fail(response, 'the run has ended: disconnect to leave');
    return false;
  }

  // ---- the REPL ---------------------------------------------------------------------------------------------

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const expression = typeof args?.expression === 'string' ? args.expression : '';
    const frame = typeof args.frameId === 'number' ? this.frames.get(args.frameId) : undefined;
    const event = frame?.event ?? this.engine.stop?.event ?? null;
    const r = evaluateCommand(this.engine, expression, event);
    if (!r.ok) return this.fail(response, r.text);
    response.body = { result: r.text, variablesReference: 0 };
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const text = typeof args?.text === 'string' ? args.text : '';
    const cursor = Math.max(0, Math.min(text.length, this.convertClientColumnToDebugger(typeof args.column === 'number' ? args.column : text.length + 1)));
    const prefix = text.slice(0, cursor);
    const start = this.convertDebuggerColumnToClient(0);
    response.body = { targets: complete(this.engine, prefix).map((c) => ({ label: c, text: c, start, length: cursor, type: 'text' as const })) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const stop = this.engine.stop;
    if (stop?.exception === undefined || this.threadId(stop.lpar) !== args?.threadId) return this.fail(response, 'that thread is not stopped on an exception');
    response.body = {
      exceptionId: stop.exception.id,
      description: stop.exception.description,
      breakMode: 'always',
      details: { message: stop.exception.description, typeName: stop.exception.id, stackTrace: stop.event !== null ? describeEvent(stop.event) : `at ${formatTime(this.engine.now)}` },
    };
    this.sendResponse(response);
  }

  // ---- leaving ----------------------------------------------------------------------------------------------

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.leave(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.leave(response);
  }

  private leave(response: DebugProtocol.Response): void {
    const wasOver = this.engine.state === 'ended';
    const end = this.engine.abort('the debugger disconnected');
    this.goneAway = true;
    this.sendResponse(response);
    if (response.command === 'terminate' && !wasOver) this.sendEvent(new TerminatedEvent());
    this.hooks.disconnected(end);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private threadId(lpar: string): number {
    return this.engine.lpars.indexOf(lpar) + 1;
  }

  private lparOf(threadId: unknown): string | undefined {
    return typeof threadId === 'number' && Number.isInteger(threadId) ? this.engine.lpars[threadId - 1] : undefined;
  }

  /** An error response with `message` as is (the library's formatter would read `{...}` in it as variables). */
  private fail(response: DebugProtocol.Response, message: string): void {
    response.success = false;
    response.message = message;
    this.sendResponse(response);
  }
}

function nonNegative(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : dflt;
}
