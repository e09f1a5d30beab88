// The Sysplex Distributor end to end in firmware: several stacks in the in-memory harness, real TCP clients.
import { describe, expect, it } from 'vitest';
import { Harness, HttpGet, MS, US, ip, profile } from './harness.js';

function demo(dist?: string, xcfLatency?: number): Harness {
  const h = new Harness(xcfLatency);
  h.add('SYS1', profile(1, 'VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.10', dist));
  h.add('SYS2', profile(2, 'VIPABACKUP 200 10.1.1.10', dist));
  h.add('SYS3', profile(3, 'VIPABACKUP 100 10.1.1.10', dist));
  for (const s of ['SYS1', 'SYS2', 'SYS3']) h.start(s);
  h.run(1 * MS);
  return h;
}

const perStack = (h: Harness, port = 80) =>
  ['SYS1', 'SYS2', 'SYS3'].map((s) => h.nodes.get(s)!.opens.filter((o) => o.endsWith(`>${ip('10.1.1.10')}:${port}`)).length);

describe('Sysplex Distributor in firmware', () => {
  it('activates the DVIPA on its VIPADEFINE owner, registered with the OSA', () => {
    const h = demo();
    expect(h.oat.get(ip('10.1.1.10'))).toBe('SYS1');
    const dyn = h.operator('SYS1', 'd tcpip,sys1,netstat,vipadyn');
    expect(dyn).toMatch(/10\.1\.1\.10\s+255\.255\.255\.0\s+ACTIVE\s+VIPADEFINE\s+DIST\/DEST/);
    expect(h.operator('SYS2', 'D TCPIP,SYS2,N,VIPADYN')).toMatch(/10\.1\.1\.10\s+\S+\s+BACKUP/);
  });

  it('distributes round robin 1:1:1 over the ready targets', () => {
    const h = demo();
    const gets = Array.from({ length: 30 }, (_, i) => HttpGet.open(h, `198.51.100.${1 + (i % 7)}`, '10.1.1.10'));
    h.run(200 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    expect(perStack(h)).toEqual([10, 10, 10]);
    const vdpt = h.operator('SYS1', 'D TCPIP,SYS1,NETSTAT,VDPT');
    expect(vdpt).toContain('0000000010');
  });

  it('removes the VCRT entry when the connection ends', () => {
    const h = demo();
    const g = HttpGet.open(h, '198.51.100.1', '10.1.1.10', 80, true);
    h.run(20 * MS);
    const fw = h.nodes.get('SYS1')!.fw;
    expect(fw.inspect().vcrtSize).toBe(1);
    expect(h.traces.some((t) => t.kind === 'vcrt.insert')).toBe(true);
    g.close(h.now);
    h.run(300 * MS);
    expect(g.outcome).toBe('completed');
    // The target reports the end (after its TIME_WAIT when it closed first).
    h.run(200_000 * MS);
    expect(fw.inspect().vcrtSize).toBe(0);
    expect(h.traces.some((t) => t.kind === 'vcrt.delete')).toBe(true);
  });

  it('a client that reuses its port while the target holds the old connection in TIME_WAIT gets a new connection there', () => {
    // Linux reuses a client port as soon as its own side is closed; the server closed first and holds TIME_WAIT
    // (RFC 6191 lets a newer SYN end it). The new connection must keep the VCRT entry, which points at the same
    // target: before, the freed TIME_WAIT block reported a connection end and the distributor dropped the entry.
    const h = demo();
    const engine = h.client('198.51.100.1');
    const first = new HttpGet(engine);
    const r0 = engine.connect(h.now, ip('198.51.100.1'), ip('10.1.1.10'), 80, first, 40000);
    if (!r0.ok) throw new Error(r0.error.message);
    first.conn = r0.value;
    h.run(300 * MS);
    expect(first.outcome).toBe('completed');
    const again = new HttpGet(engine);
    const r = engine.connect(h.now, ip('198.51.100.1'), ip('10.1.1.10'), 80, again, 40000);
    if (!r.ok) throw new Error(r.error.message);
    again.conn = r.value;
    h.run(600 * MS);
    expect(again.outcome).toBe('completed');
    expect(again.received).toBeGreaterThan(100);
    expect(h.traces.filter((t) => t.kind === 'tcp.reset')).toEqual([]);
  });

  it('a target whose listener closes leaves the rotation', () => {
    const h = demo();
    expect(h.operator('SYS3', 'P HTTPSRV')).toMatch(/ENDED|NOT ACTIVE/);
    h.run(5 * MS);
    const gets = Array.from({ length: 10 }, (_, i) => HttpGet.open(h, `198.51.100.${1 + i}`, '10.1.1.10'));
    h.run(200 * MS);
    expect(gets.every((g) => g.outcome === 'completed')).toBe(true);
    const [a, b, c] = perStack(h);
    expect(c).toBe(0);
    expect(a! + b!).toBe(10);
  });

  it('takeover keeps every connection on surviving targets; takeback is nondisruptive', () => {
    const h = demo();
    const held = Array.from({ length: 9 }, (_, i) => HttpGet.open(h, `198.51.100.${1 + i}`, '10.1.1.10', 80, true));
    h.run(20 * MS);
    expect(perStack(h)).toEqual([3, 3, 3]);
    h.fail('SYS1');
    h.run(40 * MS);
    expect(h.oat.get(ip('10.1.1.10'))).toBe('SYS2');
    expect(h.traces.some((t) => t.kind === 'dvipa.takeover' && t.stack === 'SYS2')).toBe(true);
    // The new distributor rebuilt the VCRT from the targets' reports: 6 connections on SYS2 and SYS3.
    expect(h.nodes.get('SYS2')!.fw.inspect().vcrtSize).toBe(6);
    h.reIpl('SYS1');
    h.run(60 * MS);
    expect(h.oat.get(ip('10.1.1.10'))).toBe('SYS1');
    expect(h.nodes.get('SYS1')!.fw.inspect().vcrtSize).toBe(6);
    for (const g of held) g.close(h.now);
    h.run(2000 * MS);
    const onSys1 = new Set(h.nodes.get('SYS1')!.opens.slice(0, 3).map((o) => o.split('>')[0]));
    const survivors = held.filter((g) => !onSys1.has(`${g.conn.localIp}:${g.conn.localPort}`));
    expect(survivors.length).toBe(6);
    expect(survivors.every((g) => g.outcome === 'completed')).toBe(true);
  });

  // A re-IPLed owner learns from the members' hellos who has its DVIPA active and waits for that member's
  // handover, however long signals take (the join settles after 100 us: signals faster and slower than that).
  for (const latency of [5 * US, 150 * US, 2 * MS]) {
    it(`takeback waits for the backup's handover with XCF signals taking ${latency / US} us: never two owners`, () => {
      const h = demo(undefined, latency);
      h.run(10 * MS); // the group has formed and the targets have reported their listeners
      const held = Array.from({ length: 6 }, (_, i) => HttpGet.open(h, `198.51.100.${1 + i}`, '10.1.1.10', 80, true));
      h.run(20 * MS);
      expect(perStack(h)).toEqual([2, 2, 2]);
      h.fail('SYS1');
      h.run(40 * MS);
      expect(h.oat.get(ip('10.1.1.10'))).toBe('SYS2');
      const reIpl = h.now;
      h.reIpl('SYS1');
      h.run(60 * MS);
      expect(h.oat.get(ip('10.1.1.10'))).toBe('SYS1');
      const after = h.traces.filter((t) => t.t >= reIpl && t.kind.startsWith('dvipa.'));
      expect(after.map((t) => `${t.stack} ${t.kind}`)).toEqual(['SYS2 dvipa.handover', 'SYS1 dvipa.takeback']);
      // SYS1 takes it when the handover arrives: one signal after SYS2 let go.
      expect(after[1]!.t - after[0]!.t).toBe(latency);
      expect(after[1]!.fields.from).toBe('SYS2');
      expect(h.nodes.get('SYS1')!.fw.inspect().vcrtSize).toBe(4); // SYS1's own two were lost with it
      for (const g of held) g.close(h.now);
      h.run(2000 * MS);
      expect(held.filter((g) => g.outcome === 'completed').length).toBe(4);
    });
  }
});
