// The partition threads `run --partitions N` starts before it reads the scenario: which command lines start them,
// and that the run takes exactly those threads (or starts its own when the count differs).
import { describe, expect, it } from 'vitest';
import { startEarly, startThreads, threadsAsked } from '../../src/backplane/thread-start.js';

describe('threads started early', () => {
  it('are asked for by --partitions N (N > 1) unless something on the command line needs processes', () => {
    expect(threadsAsked(['s.yaml', '--partitions', '2'], {}, 2)).toBe(2);
    expect(threadsAsked(['s.yaml', '--partitions=3', '--plan'], {}, 4)).toBe(3);
    expect(threadsAsked(['s.yaml', '--partitions', '1'], {})).toBe(0);
    expect(threadsAsked(['s.yaml'], {})).toBe(0);
    expect(threadsAsked(['s.yaml', '--partitions', 'two'], {})).toBe(0);
    expect(threadsAsked(['s.yaml', '--partitions', '2', '--transport', 'processes'], {})).toBe(0);
    expect(threadsAsked(['s.yaml', '--transport=processes', '--partitions', '2'], {})).toBe(0);
    expect(threadsAsked(['s.yaml', '--partitions', '2', '--transport', 'threads'], {}, 2)).toBe(2);
    expect(threadsAsked(['s.yaml', '--partitions', '2', '--inspect', 'SYS1'], {})).toBe(0);
    expect(threadsAsked(['s.yaml', '--partitions', '2'], { SYSPLEX_EMU_TRANSPORT: 'processes' })).toBe(0);
    expect(threadsAsked(['s.yaml', '--partitions', '2'], { SYSPLEX_EMU_LOCAL_WORKERS: '1' })).toBe(0);
    // More than the cores: the run starts them itself, once it has checked the count against the topology.
    expect(threadsAsked(['s.yaml', '--partitions', '4'], {}, 4)).toBe(4);
    expect(threadsAsked(['s.yaml', '--partitions', '5'], {}, 4)).toBe(0);
  });

  it('are the threads the run takes when it asks for as many, and fresh ones otherwise', async () => {
    const early = startEarly(2);
    const taken = startThreads(2);
    expect(taken).toEqual([...early]);
    expect(taken[0]).toBe(early[0]);
    const fresh = startThreads(2); // nothing waiting any more
    expect(fresh.some((w) => early.includes(w))).toBe(false);
    const unused = startEarly(2);
    const three = startThreads(3); // another count: the early two are let go
    expect(three).toHaveLength(3);
    expect(three.some((w) => unused.includes(w))).toBe(false);
    const exits = unused.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    await Promise.all(exits);
    await Promise.all([...taken, ...fresh, ...three].map((w) => w.terminate()));
  });
});
