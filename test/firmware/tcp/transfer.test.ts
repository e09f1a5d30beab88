import { describe, expect, it } from 'vitest';
import { LINUX_TCP_CONFIG, tcpConfig } from '../../../src/firmware/tcp/config.js';
import type { TcpConnection } from '../../../src/firmware/tcp/connection.js';
import { TcpState } from '../../../src/firmware/tcp/types.js';
import { TcpFlag } from '../../../src/net/tcp.js';
import { CLIENT_IP, MS, pattern, Recorder, S, SERVER_IP, TestNet, US, type WireSegment } from './harness.js';

const NO_DELACK = tcpConfig(LINUX_TCP_CONFIG, { delayedAck: false, timestamps: false, windowScale: -1, mss: 1000 });

function setup(config = NO_DELACK, seed = 11) {
  const net = new TestNet(seed);
  const client = net.addHost('c', CLIENT_IP, config);
  const server = net.addHost('s', SERVER_IP, config);
  const srvApp = new Recorder(() => server.engine);
  const cliApp = new Recorder(() => client.engine);
  server.engine.listen(0, 0, 7, 8, srvApp);
  const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 7, cliApp);
  if (!r.ok) throw new Error(r.error.message);
  net.run();
  const sconn = srvApp.accepted[0]!;
  return { net, client, server, srvApp, cliApp, conn: r.value, sconn };
}

const isData = (from: number) => (s: WireSegment) => s.src === from && s.tcp.payloadLength > 0;

describe('TCP data transfer', () => {
  it('segments data both ways at the MSS and delivers it in order', () => {
    const { net, client, server, srvApp, cliApp, conn, sconn } = setup();
    const up = pattern(5500, 1);
    const down = pattern(2500, 2);
    expect(client.engine.write(net.now, conn, up)).toBe(5500);
    expect(server.engine.write(net.now, sconn, down)).toBe(2500);
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(up);
    expect(cliApp.bytes(conn)).toEqual(down);
    expect(net.wire.filter(isData(CLIENT_IP)).map((s) => s.tcp.payloadLength)).toEqual([1000, 1000, 1000, 1000, 1000, 500]);
    expect(net.wire.filter(isData(SERVER_IP)).map((s) => s.tcp.payloadLength)).toEqual([1000, 1000, 500]);
    // PSH only on the segment that empties the send buffer.
    const pshUp = net.wire.filter(isData(CLIENT_IP)).map((s) => (s.tcp.flags & TcpFlag.PSH) !== 0);
    expect(pshUp).toEqual([false, false, false, false, false, true]);
    expect(conn.unacknowledged).toBe(0);
    expect(sconn.unacknowledged).toBe(0);
    expect(conn.srtt).toBeGreaterThan(0);
    expect(client.engine.counters.bytesSent).toBe(5500);
    expect(server.engine.counters.bytesReceived).toBe(5500);
  });

  it('respects the receive window: a 64 KiB unscaled window limits data in flight', () => {
    const cfg = tcpConfig(NO_DELACK, { receiveWindow: 4000, initialCwnd: 100 });
    const { net, client, srvApp, conn, sconn } = setup(cfg);
    client.engine.write(net.now, conn, pattern(20000));
    // Before any ACK returns, only one window's worth may be on the wire.
    net.run(net.now + 60 * US);
    const sent = net.wire.filter(isData(CLIENT_IP)).reduce((n, s) => n + s.tcp.payloadLength, 0);
    expect(sent).toBe(4000);
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(pattern(20000));
  });

  it('starts with the initial congestion window and grows it in slow start', () => {
    const cfg = tcpConfig(NO_DELACK, { initialCwnd: 2 });
    const { net, client, conn } = setup(cfg);
    client.engine.write(net.now, conn, pattern(20000));
    const t0 = net.now;
    net.run();
    // Round trips are 100 us apart: count data segments per round.
    const rounds = new Map<number, number>();
    for (const s of net.wire.filter(isData(CLIENT_IP))) {
      const r = Math.floor((s.t - t0) / (100 * US));
      rounds.set(r, (rounds.get(r) ?? 0) + 1);
    }
    expect([...rounds.values()].slice(0, 4)).toEqual([2, 4, 8, 6]);
  });

  it('blocks write() at the send buffer and calls onWritable when room returns', () => {
    const cfg = tcpConfig(NO_DELACK, { sendBuffer: 3000 });
    const { net, client, srvApp, conn, sconn } = setup(cfg);
    let writable = 0;
    conn.handler = { onWritable: () => writable++ };
    expect(client.engine.write(net.now, conn, pattern(5000))).toBe(3000);
    expect(client.engine.write(net.now, conn, pattern(10))).toBe(0);
    net.run();
    expect(writable).toBe(1);
    expect(client.engine.write(net.now, conn, pattern(5000).subarray(3000))).toBe(2000);
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(pattern(5000));
  });

  it('delays ACKs: one ACK per two segments, a lone segment acknowledged after the delayed-ACK timeout', () => {
    const cfg = tcpConfig(NO_DELACK, { delayedAck: true, delayedAckTimeout: 40 * MS });
    const { net, client, server, conn } = setup(cfg);
    client.engine.write(net.now, conn, pattern(4000));
    net.run();
    const acks = net.wire.filter((s) => s.src === SERVER_IP && s.tcp.payloadLength === 0 && s.index > 2);
    expect(acks.map((s) => s.tcp.ack - net.wire[0]!.tcp.seq - 1)).toEqual([2000, 4000]);
    const t = net.now;
    client.engine.write(t, conn, pattern(100));
    net.run();
    const last = net.wire[net.wire.length - 1]!;
    expect(last.src).toBe(SERVER_IP);
    expect(last.t - t).toBe(50 * US + 40 * MS);
    expect(server.engine.counters.delayedAcks).toBe(1);
  });
});

describe('TCP loss recovery', () => {
  it('retransmits after the RTO and doubles it on each further loss (Karn and backoff)', () => {
    const { net, client, srvApp, conn, sconn } = setup();
    let drops = 0;
    net.filter = (s) => (s.src === CLIENT_IP && s.tcp.payloadLength > 0 && drops++ < 3 ? 'drop' : undefined);
    const t0 = net.now;
    client.engine.write(t0, conn, pattern(500));
    net.run();
    const data = net.wire.filter(isData(CLIENT_IP));
    expect(data.map((s) => s.fate)).toEqual(['dropped', 'dropped', 'dropped', 'delivered']);
    // One RTT sample from the handshake (100 us) gives the 200 ms floor; then 400, 800 ms.
    const gaps = data.slice(1).map((s, i) => (s.t - data[i]!.t) / MS);
    expect(gaps).toEqual([200, 400, 800]);
    expect(srvApp.bytes(sconn)).toEqual(pattern(500));
    expect(client.engine.counters.rtoTimeouts).toBe(3);
    expect(client.engine.counters.retransSegs).toBe(3);
    expect(conn.rtt.backoff).toBe(0); // reset by the acknowledgement
    expect(conn.rto).toBe(200 * MS);
  });

  it('fast-retransmits on three duplicate ACKs, before any timeout', () => {
    const { net, client, srvApp, conn, sconn } = setup();
    net.filter = (s) => (s.src === CLIENT_IP && s.tcp.payloadLength > 0 && s.tcp.seq - net.wire[0]!.tcp.seq - 1 === 1000 && s.fate === 'delivered' && !retransmitted.has(s.tcp.seq) && retransmitted.add(s.tcp.seq) ? 'drop' : undefined);
    const retransmitted = new Set<number>();
    const t0 = net.now;
    client.engine.write(t0, conn, pattern(8000));
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(pattern(8000));
    expect(client.engine.counters.fastRetransmits).toBe(1);
    expect(client.engine.counters.rtoTimeouts).toBe(0);
    const lines = net.transcript((s) => s.src === CLIENT_IP && s.tcp.payloadLength > 0);
    expect(lines.filter((l) => l.includes('seq=1001 '))).toEqual([
      'c>s . seq=1001 ack=1 len=1000 [dropped]',
      'c>s . seq=1001 ack=1 len=1000',
    ]);
    // The retransmission went out well before the 200 ms RTO.
    const rt = net.wire.filter((s) => s.src === CLIENT_IP && s.tcp.seq === net.wire[0]!.tcp.seq + 1001 && s.fate === 'delivered')[0]!;
    expect(rt.t - t0).toBeLessThan(1 * MS);
    const dupAcks = net.wire.filter((s) => s.src === SERVER_IP && s.tcp.ack === net.wire[0]!.tcp.seq + 1001);
    expect(dupAcks.length).toBeGreaterThanOrEqual(4);
  });

  it('recovers two losses in one window with NewReno partial ACKs', () => {
    const { net, client, srvApp, conn, sconn } = setup(tcpConfig(NO_DELACK, { initialCwnd: 10 }));
    const isn = net.wire[0]!.tcp.seq;
    const seen = new Set<number>();
    net.filter = (s) => {
      const rel = s.tcp.seq - isn - 1;
      if (s.src !== CLIENT_IP || s.tcp.payloadLength === 0 || seen.has(rel)) return undefined;
      seen.add(rel);
      return rel === 2000 || rel === 5000 ? 'drop' : undefined;
    };
    client.engine.write(net.now, conn, pattern(10000));
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(pattern(10000));
    expect(client.engine.counters.fastRetransmits).toBe(1);
    expect(client.engine.counters.rtoTimeouts).toBe(0);
    expect(client.engine.counters.retransSegs).toBe(2);
  });

  it('reassembles reordered segments and ignores duplicates', () => {
    const { net, client, server, srvApp, conn, sconn } = setup();
    net.filter = (s) => {
      if (s.src !== CLIENT_IP || s.tcp.payloadLength === 0) return undefined;
      const k = s.index % 3;
      return k === 0 ? { delay: 30 * US } : k === 1 ? 'dup' : undefined;
    };
    client.engine.write(net.now, conn, pattern(9000, 5));
    net.run();
    expect(srvApp.bytes(sconn)).toEqual(pattern(9000, 5));
    expect(server.engine.counters.bytesReceived).toBe(9000);
    expect(net.wire.some((s) => s.fate === 'delayed')).toBe(true);
    expect(net.wire.some((s) => s.fate === 'duplicated')).toBe(true);
  });

  it('keeps a connection going through 30% random loss both ways (seeded)', () => {
    for (const seed of [1, 2, 3]) {
      const cfg = tcpConfig(LINUX_TCP_CONFIG, { maxRto: 4 * S });
      const { net, client, server, srvApp, cliApp, conn, sconn } = setup(cfg, seed);
      const rng = net.hosts[0]!.rng;
      let lossy = true;
      net.filter = () => (lossy && rng.nextU32() / 2 ** 32 < 0.3 ? 'drop' : undefined);
      const up = pattern(60000, seed);
      const down = pattern(40000, seed + 1);
      let upOff = 0;
      let downOff = 0;
      conn.handler = { ...cliApp, onData: cliApp.onData.bind(cliApp), onWritable: (now) => (upOff += client.engine.write(now, conn, up.subarray(upOff))) } as never;
      sconn.handler = { onData: srvApp.onData.bind(srvApp), onWritable: (now) => (downOff += server.engine.write(now, sconn, down.subarray(downOff))) } as never;
      upOff += client.engine.write(net.now, conn, up);
      downOff += server.engine.write(net.now, sconn, down);
      const ok = net.runUntil(() => srvApp.bytes(sconn).length === up.length && cliApp.bytes(conn).length === down.length, net.now + 600 * S);
      expect(ok, `seed ${seed}`).toBe(true);
      expect(srvApp.bytes(sconn)).toEqual(up);
      expect(cliApp.bytes(conn)).toEqual(down);
      expect(conn.state).toBe(TcpState.ESTABLISHED);
      expect(client.engine.counters.retransSegs + server.engine.counters.retransSegs).toBeGreaterThan(10);
      // ...and closes cleanly once the loss stops.
      lossy = false;
      client.engine.close(net.now, conn);
      server.engine.close(net.now, sconn);
      net.run();
      expect(conn.state).toBe(TcpState.CLOSED);
      expect(sconn.state).toBe(TcpState.CLOSED);
    }
  });
});

export type { TcpConnection };
