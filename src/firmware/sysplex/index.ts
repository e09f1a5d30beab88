// The Sysplex Distributor module: see sysplex.ts for the map of its files.
export { Sysplex } from './sysplex.js';
export type { SysplexHost } from './host.js';
export type { Dvipa, Member } from './dvipa.js';
export type { Origination } from './optlocal.js';
