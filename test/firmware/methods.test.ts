// Distribution methods end to end: three firmware instances in the in-memory harness, real TCP clients, the
// methods' outcomes read from where connections were accepted and from the distributor's VDPT display.
import { describe, expect, it } from 'vitest';
import { DVIPA, type Harness, HttpGet, MS, STACKS, acceptedBy, ip, openMany, openOn, sysplex, WLM_POLL } from './harness.js';

const D = `10.1.1.10`;

/** The stack that accepted client connection `g`. */
function holder(h: Harness, g: HttpGet): string | null {
  const key = `${g.conn.localIp}:${g.conn.localPort}>${ip(DVIPA)}:80`;
  for (const s of STACKS) if (h.nodes.get(s)!.opens.includes(key)) return s;
  return null;
}

/** VDPT rows of the distributor as the display prints them: [destxcf, rdy, totalconn]. */
function vdptRows(h: Harness, stack = 'SYS1'): string[][] {
  const text = h.operator(stack, `D TCPIP,${stack},NETSTAT,VDPT`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${D} `))
    .map((l) => l.trim().split(/\s+/).slice(2, 5));
}

describe('WEIGHTEDACTIVE', () => {
  const dist = `VIPADISTRIBUTE DEFINE DISTMETHOD WEIGHTEDACTIVE ${D} PORT 80 DESTIP 10.9.9.1 WEIGHT 10 10.9.9.2 WEIGHT 30 10.9.9.3 WEIGHT 60`;

  it('keeps held connections in the 10/30/60 ratio of the weights, and refills the target that lost some', () => {
    const h = sysplex(dist);
    const held = openMany(h, 100, { hold: true, gap: 50_000 });
    h.run(h.now + 50 * MS);
    expect(held.every((g) => g.received > 0 && g.outcome === null)).toBe(true);
    expect(openOn(h)).toEqual([10, 30, 60]);
    const act = h.nodes.get('SYS1')!.fw.inspect().vdpt.map((r) => [r.target, r.activeConn]);
    expect(act).toEqual([['SYS1', 10], ['SYS2', 30], ['SYS3', 60]]);
    // 30 of SYS3's connections end: the next 30 all go to SYS3, which restores the ratio.
    const onSys3 = held.filter((g) => holder(h, g) === 'SYS3').slice(0, 30);
    for (const g of onSys3) g.close(h.now);
    h.run(h.now + 100 * MS);
    expect(onSys3.every((g) => g.outcome === 'completed')).toBe(true);
    expect(openOn(h)).toEqual([10, 30, 30]);
    openMany(h, 30, { hold: true, gap: 50_000, first: 100 });
    h.run(h.now + 50 * MS);
    expect(openOn(h)).toEqual([10, 30, 60]);
    expect(acceptedBy(h)).toEqual([10, 30, 90]);
  });
});

describe('HOTSTANDBY', () => {
  const hot = (switchBack: 'AUTOSWITCHBACK' | 'NOAUTOSWITCHBACK') =>
    `VIPADISTRIBUTE DEFINE DISTMETHOD HOTSTANDBY ${switchBack} ${D} PORT 80 DESTIP 10.9.9.2 PREFERRED 10.9.9.3 BACKUP 100 10.9.9.1 BACKUP 50`;

  /** Opens `n` short connections and returns how many each stack accepted meanwhile. */
  function burst(h: Harness, n: number, first: number): number[] {
    const before = acceptedBy(h);
    const gets = openMany(h, n, { first, gap: 100_000 });
    h.run(h.now + 100 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    return acceptedBy(h).map((v, i) => v - before[i]!);
  }

  it('sends everything to the PREFERRED target, fails over to the highest BACKUP when its server stops, and switches back (AUTOSWITCHBACK)', () => {
    const h = sysplex(hot('AUTOSWITCHBACK'));
    expect(burst(h, 6, 0)).toEqual([0, 6, 0]);
    // SYS2's HTTP server stops: its listener leaves the VDPT and the backup ranked 100 (SYS3) takes new work.
    expect(h.operator('SYS2', 'P HTTPSRV')).toBe('$HASP395 HTTPSRV ENDED');
    h.run(h.now + 1 * MS);
    expect(vdptRows(h)).toEqual([['10.9.9.2', '000', '0000000006'], ['10.9.9.3', '001', '0000000000'], ['10.9.9.1', '001', '0000000000']]);
    expect(burst(h, 6, 10)).toEqual([0, 0, 6]);
    // The preferred server is back: new work returns to it.
    expect(h.operator('SYS2', 's httpsrv')).toBe('$HASP373 HTTPSRV STARTED');
    h.run(h.now + 1 * MS);
    expect(burst(h, 6, 20)).toEqual([0, 6, 0]);
  });

  it('with NOAUTOSWITCHBACK the first ready target keeps the role until it becomes unavailable', () => {
    // The distributor's own listener is ready first (the others report over XCF), so SYS1 (BACKUP 50) becomes
    // the active server whatever its rank: NOAUTOSWITCHBACK goes by order of activation.
    const h = sysplex(hot('NOAUTOSWITCHBACK'));
    expect(burst(h, 3, 0)).toEqual([3, 0, 0]);
    // SYS1's server stops: the highest-ranked ready target (the PREFERRED) takes over ...
    h.operator('SYS1', 'P HTTPSRV');
    h.run(h.now + 1 * MS);
    expect(burst(h, 3, 10)).toEqual([0, 3, 0]);
    // ... and keeps the role when SYS1 is back.
    h.operator('SYS1', 'S HTTPSRV');
    h.run(h.now + 1 * MS);
    expect(burst(h, 3, 20)).toEqual([0, 3, 0]);
    // The preferred stops: BACKUP 100 (SYS3) outranks BACKUP 50; and it stays active after SYS2 returns.
    h.operator('SYS2', 'P HTTPSRV');
    h.run(h.now + 1 * MS);
    expect(burst(h, 3, 30)).toEqual([0, 0, 3]);
    h.operator('SYS2', 'S HTTPSRV');
    h.run(h.now + 1 * MS);
    expect(burst(h, 3, 40)).toEqual([0, 0, 3]);
  });

  it('fails over when the preferred LPAR fails, keeps connections on the survivors, and switches back after its re-IPL', () => {
    const h = sysplex(hot('AUTOSWITCHBACK'));
    const onSys2 = openMany(h, 3, { hold: true, gap: 100_000 });
    h.run(h.now + 20 * MS);
    expect(openOn(h)).toEqual([0, 3, 0]);
    h.fail('SYS2');
    h.run(h.now + 5 * MS); // past the failure detection interval
    const toSys3 = openMany(h, 4, { hold: true, gap: 100_000, first: 10 });
    h.run(h.now + 50 * MS);
    expect(openOn(h)).toEqual([0, 0, 4]);
    expect(toSys3.every((g) => g.received > 0 && g.outcome === null)).toBe(true);
    // The failed stack's connections are gone from the VCRT; SYS3's are there.
    expect(h.nodes.get('SYS1')!.fw.inspect().vcrtSize).toBe(4);
    h.reIpl('SYS2');
    h.run(h.now + 20 * MS);
    expect(burst(h, 4, 20)).toEqual([0, 4, 0]);
    // Existing connections were never moved: SYS3 still holds its four.
    expect(openOn(h)).toEqual([0, 0, 4]);
    for (const g of toSys3) g.close(h.now);
    h.run(h.now + 100 * MS);
    expect(toSys3.every((g) => g.outcome === 'completed')).toBe(true);
    void onSys2;
  });
});

describe('BASEWLM', () => {
  const dist = `VIPADISTRIBUTE DEFINE DISTMETHOD BASEWLM ${D} PORT 80 DESTIP ALL`;

  it('follows the WLM system weights the LPARs report, and the new ones when they change', () => {
    const h = sysplex(dist);
    const w = (a: number, b: number, c: number) => STACKS.forEach((s, i) => (h.nodes.get(s)!.weight = [a, b, c][i]!));
    w(8, 16, 40);
    h.run(h.now + WLM_POLL); // one SYSPLEXWLMPOLL interval (1 s in these profiles)
    expect(h.nodes.get('SYS1')!.fw.inspect().vdpt.map((r) => r.weight)).toEqual([8, 16, 40]);
    const before = acceptedBy(h);
    const gets = openMany(h, 64, { gap: 20_000 });
    h.run(h.now + 100 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    expect(acceptedBy(h).map((v, i) => v - before[i]!)).toEqual([8, 16, 40]);
    // SYS3 gets busy: its weight drops, and the next polling interval moves the share.
    w(30, 30, 4);
    h.run(h.now + WLM_POLL);
    expect(vdptRows(h).map((r) => r[0])).toEqual(['10.9.9.1', '10.9.9.2', '10.9.9.3']);
    const mid = acceptedBy(h);
    const more = openMany(h, 64, { gap: 20_000, first: 100 });
    h.run(h.now + 100 * MS);
    expect(more.every((g) => g.outcome === 'completed')).toBe(true);
    expect(acceptedBy(h).map((v, i) => v - mid[i]!)).toEqual([30, 30, 4]);
  });

  it('falls back to round robin while no weight has been reported', () => {
    const h = sysplex(dist);
    const gets = openMany(h, 9, { gap: 20_000 });
    h.run(h.now + 5 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    expect(acceptedBy(h)).toEqual([3, 3, 3]);
  });
});

describe('SERVERWLM', () => {
  const dist = `VIPADISTRIBUTE DEFINE DISTMETHOD SERVERWLM ${D} PORT 80 DESTIP ALL`;

  it('follows the server-specific weights the targets report, and gives a server without a listener nothing', () => {
    const h = sysplex(dist);
    STACKS.forEach((s, i) => (h.nodes.get(s)!.weight = [8, 16, 40][i]!));
    h.run(h.now + WLM_POLL);
    // Every target reported a weight for its server on port 80 (idle servers: their system weight).
    expect(h.nodes.get('SYS1')!.fw.inspect().vdpt.map((r) => r.weight)).toEqual([8, 16, 40]);
    const before = acceptedBy(h);
    const gets = openMany(h, 64, { gap: 20_000 });
    h.run(h.now + 100 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    expect(acceptedBy(h).map((v, i) => v - before[i]!)).toEqual([8, 16, 40]);
    // SYS3's server stops: its next report is weight 0 and it gets no new work.
    expect(h.operator('SYS3', 'P HTTPSRV')).toMatch(/ENDED/);
    h.run(h.now + WLM_POLL);
    const mid = acceptedBy(h);
    const more = openMany(h, 24, { gap: 20_000, first: 100 });
    h.run(h.now + 100 * MS);
    expect(more.every((g) => g.outcome === 'completed')).toBe(true);
    expect(acceptedBy(h).map((v, i) => v - mid[i]!)).toEqual([8, 16, 0]);
  });
});

describe('TIMEDAFFINITY', () => {
  const dist = `VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN TIMEDAFFINITY 1 ${D} PORT 80 DESTIP ALL`;

  /** One exchange from `client`, which closes first (so the target frees the connection and reports its end
   *  at once, without a TIME_WAIT); returns the stack that served it. */
  function from(h: Harness, client: string): string | null {
    const g = HttpGet.open(h, client, D, 80, true);
    h.run(h.now + 5 * MS);
    expect(g.received).toBeGreaterThan(0);
    g.close(h.now);
    h.run(h.now + 5 * MS);
    expect(g.outcome).toBe('completed');
    return holder(h, g);
  }
  const vcrt = (h: Harness) => h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VCRT');

  it('keeps a client on its target while it has connections and for the timer after, then lets go', () => {
    const h = sysplex(dist);
    const first = from(h, '203.0.113.5');
    // Other clients keep the rotation moving; 203.0.113.5 comes back to the same stack every time.
    for (let i = 0; i < 5; i++) {
      from(h, `203.0.113.${50 + i}`);
      expect(from(h, '203.0.113.5')).toBe(first);
    }
    // With no open connection the affinity shows as a VCRT row with source port 0 ...
    expect(vcrt(h)).toMatch(/^10\.1\.1\.10\s+00080 203\.0\.113\.5\s+00000 10\.9\.9\.\d$/m);
    // ... and still holds within the timer.
    h.run(h.now + 800 * MS);
    expect(from(h, '203.0.113.5')).toBe(first);
    // Idle for longer than the 1 s timer: the affinity expires and round robin decides again.
    h.run(h.now + 1100 * MS);
    expect(vcrt(h)).not.toMatch(/203\.0\.113\.5 /);
    const seen = new Set<string | null>();
    for (let i = 0; i < 3; i++) {
      seen.add(from(h, '203.0.113.5'));
      h.run(h.now + 1100 * MS);
    }
    expect(seen.size).toBe(3);
  });

  it('an affinity whose target loses its listener gives way to the method', () => {
    const h = sysplex(dist);
    const first = from(h, '203.0.113.7')!;
    const job = h.operator(first, 'P HTTPSRV');
    expect(job).toBe('$HASP395 HTTPSRV ENDED');
    h.run(h.now + 1 * MS);
    const next = from(h, '203.0.113.7');
    expect(next).not.toBe(first);
    expect(from(h, '203.0.113.7')).toBe(next);
  });
});
