// OPTLOCAL: connections an application on a target stack opens to the distributed DVIPA stay on that stack
// when a local listener is ready (and the distributor's verdict allows it); otherwise their SYN goes to the
// distributor, which picks a target as for any client. Applications use the stack's sockets API (connect).
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/firmware/stack.js';
import type { TcpConnection } from '../../src/firmware/tcp/connection.js';
import type { TcpHandler } from '../../src/firmware/tcp/types.js';
import { DVIPA, type Harness, MS, STACKS, acceptedBy, ip, sysplex, WLM_POLL } from './harness.js';

/** An HTTP GET an LPAR application sends through its stack's sockets API. */
class LparGet implements TcpHandler {
  outcome: 'completed' | 'reset' | 'timeout' | null = null;
  received = 0;
  conn!: TcpConnection;
  constructor(private readonly stack: Stack) {}
  static open(h: Harness, from: string, port = 80): LparGet {
    const stack = h.nodes.get(from)!.fw as Stack;
    const g = new LparGet(stack);
    const r = stack.connect(h.now, ip(DVIPA), port, g);
    if (!r.ok) throw new Error(r.error.message);
    g.conn = r.value;
    return g;
  }
  onConnected(now: number, conn: TcpConnection): void {
    this.stack.tcp.write(now, conn, new TextEncoder().encode('GET /300 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
  }
  onData(_now: number, _conn: TcpConnection, data: Uint8Array): void {
    this.received += data.length;
  }
  onPeerClosed(now: number, conn: TcpConnection): void {
    this.stack.tcp.close(now, conn);
  }
  onClosed(_now: number, _conn: TcpConnection, reason: 'normal' | 'reset' | 'timeout'): void {
    this.outcome = reason === 'normal' ? 'completed' : reason;
  }
}

/** n exchanges from an application on `from`, one after the other; returns where each was accepted. */
function exchanges(h: Harness, from: string, n: number): number[] {
  const before = acceptedBy(h);
  for (let i = 0; i < n; i++) {
    const g = LparGet.open(h, from);
    h.run(h.now + 5 * MS);
    expect(g.outcome).toBe('completed');
    expect(g.received).toBeGreaterThan(300);
  }
  return acceptedBy(h).map((v, i) => v - before[i]!);
}

const originated = (h: Harness, stack: string) => h.traces.filter((t) => t.kind === 'sd.originate' && t.stack === stack).map((t) => t.fields.how);
/** VCRT rows the distributor created for connections from `client`. */
const distributed = (h: Harness, client: string) => h.traces.filter((t) => t.kind === 'vcrt.insert' && t.fields.client === client).length;
const roundRobin = (opt: string) => `VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN ${opt} ${DVIPA} PORT 80 DESTIP ALL`;

describe('OPTLOCAL', () => {
  it('keeps a connection a target originates on that target while its listener is ready', () => {
    const h = sysplex(roundRobin('OPTLOCAL 0'));
    expect(exchanges(h, 'SYS2', 6)).toEqual([0, 6, 0]);
    expect(originated(h, 'SYS2')).toEqual(Array(6).fill('local'));
    // The distributor never saw them: no VCRT rows, no TotalConn.
    expect(distributed(h, '10.1.1.2')).toBe(0);
    expect(h.nodes.get('SYS1')!.fw.inspect().vdpt.map((r) => r.totalConn)).toEqual([0, 0, 0]);
    // Nor did they touch an OSA: the stack looped them back (no frame went out with the DVIPA as destination).
    expect(h.traces.filter((t) => t.kind === 'conn.forward').length).toBe(0);
  });

  it('sends the SYN to the distributor when the local listener is gone, and keeps local again when it returns', () => {
    const h = sysplex(roundRobin('OPTLOCAL'));
    expect(h.operator('SYS2', 'P HTTPSRV')).toBe('$HASP395 HTTPSRV ENDED');
    h.run(h.now + 1 * MS);
    expect(exchanges(h, 'SYS2', 4)).toEqual([2, 0, 2]);
    expect(originated(h, 'SYS2')).toEqual(Array(4).fill('distributor'));
    expect(distributed(h, '10.1.1.2')).toBe(4);
    h.operator('SYS2', 'S HTTPSRV');
    h.run(h.now + 1 * MS);
    expect(exchanges(h, 'SYS2', 3)).toEqual([0, 3, 0]);
    expect(distributed(h, '10.1.1.2')).toBe(4);
  });

  it('without OPTLOCAL the distributor decides, and may send the connection back to the stack it came from', () => {
    const h = sysplex(roundRobin('NOOPTLOCAL'));
    expect(exchanges(h, 'SYS2', 6)).toEqual([2, 2, 2]);
    expect(originated(h, 'SYS2')).toEqual(Array(6).fill('distributor'));
    expect(distributed(h, '10.1.1.2')).toBe(6);
    expect(h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT')).toContain('0000000002');
  });

  it('OPTLOCAL 1 keeps local only while the local WLM weight is not zero (BASEWLM)', () => {
    const h = sysplex(`VIPADISTRIBUTE DEFINE DISTMETHOD BASEWLM OPTLOCAL 1 ${DVIPA} PORT 80 DESTIP ALL`);
    STACKS.forEach((s, i) => (h.nodes.get(s)!.weight = [20, 0, 20][i]!));
    h.run(h.now + WLM_POLL);
    expect(exchanges(h, 'SYS2', 4)).toEqual([2, 0, 2]);
    h.nodes.get('SYS2')!.weight = 10;
    h.run(h.now + WLM_POLL);
    expect(exchanges(h, 'SYS2', 3)).toEqual([0, 3, 0]);
  });

  it('on the distributor itself: local with OPTLOCAL, distributed without', () => {
    const local = sysplex(roundRobin('OPTLOCAL 0'));
    expect(exchanges(local, 'SYS1', 3)).toEqual([3, 0, 0]);
    expect(originated(local, 'SYS1')).toEqual(Array(3).fill('local'));
    expect(distributed(local, '10.1.1.1')).toBe(0);
    const dist = sysplex(roundRobin('NOOPTLOCAL'));
    expect(exchanges(dist, 'SYS1', 3)).toEqual([1, 1, 1]);
    expect(originated(dist, 'SYS1')).toEqual(Array(3).fill('distribute'));
    expect(distributed(dist, '10.1.1.1')).toBe(3);
  });

  it('a connection to an address that is not a DVIPA is routed as usual', () => {
    const h = sysplex(roundRobin('OPTLOCAL 0'));
    const stack = h.nodes.get('SYS2')!.fw as Stack;
    const g = new LparGet(stack);
    const r = stack.connect(h.now, ip('10.1.1.3'), 80, g);
    expect(r.ok).toBe(true);
    h.run(h.now + 5 * MS);
    expect(g.outcome).toBe('completed');
    expect(originated(h, 'SYS2')).toEqual([]);
    expect(h.nodes.get('SYS3')!.opens.some((o) => o.startsWith(`${ip('10.1.1.2')}:`) && o.endsWith(`>${ip('10.1.1.3')}:80`))).toBe(true);
  });
});
