// The debugger's public surface: the engine (drive a run, break on trace kinds), the DAP server and the console.
export { DebugEngine, prepareDebug, type DebugOptions, type EngineListener, type EngineState, type RunEnd, type Stop, type StopReason } from './engine.js';
export { Breakpoints, EXCEPTION_FILTERS, KNOWN_KINDS, type BreakpointSpec, type FunctionBreakpoint, type Hit } from './breakpoints.js';
export { CauseTracker } from './causes.js';
export { complete, commandCandidates, evaluateCommand, type EvalResult } from './commands.js';
export { runConsole } from './console.js';
export { DapFrameGuard, MAX_BODY } from './dap-framing.js';
export { ListenError, serveDap, type DapServerOptions } from './dap-server.js';
export { SysplexDebugSession } from './dap-session.js';
export { causeChain, describeEvent, eventRecord, type DebugEvent } from './events.js';
export { SCOPES, eventChildren, scopeChildren, type ScopeName, type VarChildren, type VarNode } from './inspect.js';
export { LparMap } from './lpar-map.js';
