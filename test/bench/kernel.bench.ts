// Kernel speed: events delivered per second on one core with a realistic handler (8 components bouncing 64
// packets over links with latency and serialisation, each handler drawing a random number), beside the
// yardstick of a bare binary heap of numbers doing the same number of push/pop pairs.
// Vitest prints each row's hz (one row = EVENTS events) and how many times slower the kernel is.
import { bench, describe } from 'vitest';
import { NS, Simulation } from '../../src/kernel/index.js';
import { Bouncer } from '../kernel/toy-models.js';

const EVENTS = 200_000;
const IN_FLIGHT = 64;

function buildRing(): Simulation {
  const sim = new Simulation(1);
  const nodes = Array.from({ length: 8 }, (_, i) => sim.add(new Bouncer(`node${i}`)));
  for (let i = 0; i < nodes.length; i++) {
    for (const j of [1, 3]) {
      const a = nodes[i]!;
      const b = nodes[(i + j) % nodes.length]!;
      sim.connect(a.port(`to${b.name}`), b.port(`from${a.name}${j}`), (100 + 37 * i) * NS, 10e9);
    }
  }
  sim.seal();
  sim.start();
  for (let k = 0; k < IN_FLIGHT; k++) nodes[k % nodes.length]!.ports[0]!.send({ hops: Number.MAX_SAFE_INTEGER, bytes: 64 + k }, 64 + k);
  return sim;
}

const sim = buildRing();

// The yardstick: a textbook binary heap of doubles, steady state of IN_FLIGHT entries, pop then push.
const heap = new Float64Array(1024);
let n = 0;
function push(x: number): void {
  let i = n++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= x) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = x;
}
function pop(): number {
  const top = heap[0]!;
  const x = heap[--n]!;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heap[c + 1]! < heap[c]!) c++;
    if (heap[c]! >= x) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = x;
  return top;
}
let seed = 1;
for (let k = 0; k < IN_FLIGHT; k++) push(k);

describe(`kernel: ${EVENTS} events per iteration`, () => {
  bench('bare binary heap of numbers (yardstick)', () => {
    for (let k = 0; k < EVENTS; k++) {
      const t = pop();
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      push(t + 100 + (seed & 1023));
    }
  });

  bench('kernel: 8 components, links, PRNG per event', () => {
    sim.runUntil(Infinity, EVENTS);
  });
});
