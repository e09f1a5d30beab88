// The kernel's public surface.
export { Component } from './component.js';
export { Link, Port } from './link.js';
export { Prng } from './prng.js';
export { Simulation, SimulationError } from './simulation.js';
export type { DeliveryObserver, RemoteEvent, StopReason } from './simulation.js';
export { PartialFile } from './partial-file.js';
export { JsonlTraceWriter, TeeSink, traceLine } from './trace.js';
export type { TraceSink } from './trace.js';
export { KIND_CONTROL, KIND_MESSAGE, KIND_TIMER } from './event-queue.js';
export * from './time.js';
