// Wire formats: pure functions over bytes, no dependencies.
export * from './errors.js';
export * from './bytes.js';
export * from './checksum.js';
export * from './ethernet.js';
export * from './arp.js';
export * from './ipv4.js';
export * from './tcp.js';
export * from './tcp-seq.js';
export * from './rtt.js';
export * from './udp.js';
export * from './packet-alloc.js';
