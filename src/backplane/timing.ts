// Wall-clock limits of the backplane (the CLI and the backplane may read the wall clock; models never do).
// A participant that has said nothing for SILENCE_MS is dead: with heartbeats every HEARTBEAT_MS and checks
// every CHECK_MS, a dead or silent partition ends the run within SILENCE_MS + CHECK_MS (< 5 s).

export const HEARTBEAT_MS = 400;
export const CHECK_MS = 250;
export const SILENCE_MS = 3000;
/** How long spawned participants may take to connect and build their graph. */
export const JOIN_MS = 60_000;
/** A worker busy in one window yields to its event loop this often, so its heartbeats keep going. */
export const YIELD_MS = 100;
/** Events a worker delivers between looks at the wall clock. */
export const SLICE_EVENTS = 20_000;
