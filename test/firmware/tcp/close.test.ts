import { describe, expect, it } from 'vitest';
import { LINUX_TCP_CONFIG, tcpConfig } from '../../../src/firmware/tcp/config.js';
import { TcpState } from '../../../src/firmware/tcp/types.js';
import { buildIpv4Tcp, TcpFlag } from '../../../src/net/tcp.js';
import { CLIENT_IP, MS, pattern, Recorder, S, SERVER_IP, TestNet, US } from './harness.js';

const CFG = tcpConfig(LINUX_TCP_CONFIG, { delayedAck: false, timestamps: false, windowScale: -1, mss: 1000, timeWait: 2 * S, finWait2Timeout: 10 * S });

function setup(config = CFG, seed = 21) {
  const net = new TestNet(seed);
  const client = net.addHost('c', CLIENT_IP, config);
  const server = net.addHost('s', SERVER_IP, config);
  const srvApp = new Recorder(() => server.engine);
  const cliApp = new Recorder(() => client.engine);
  const l = server.engine.listen(0, SERVER_IP, 80, 4, srvApp);
  if (!l.ok) throw new Error(l.error.message);
  const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp);
  if (!r.ok) throw new Error(r.error.message);
  net.run(3 * US * 100); // the handshake only
  const handshake = net.wire.length;
  return { net, client, server, srvApp, cliApp, conn: r.value, sconn: srvApp.accepted[0]!, listener: l.value, handshake };
}

describe('TCP connection close', () => {
  it('closes gracefully from the client: FIN_WAIT_1/2, TIME_WAIT on the client, CLOSE_WAIT/LAST_ACK on the server', () => {
    const { net, client, server, srvApp, cliApp, conn, sconn, handshake } = setup();
    srvApp.closeOnPeerClose = false;
    client.engine.close(net.now, conn);
    expect(conn.state).toBe(TcpState.FIN_WAIT_1);
    net.run(net.now + 200 * US);
    expect(conn.state).toBe(TcpState.FIN_WAIT_2);
    expect(sconn.state).toBe(TcpState.CLOSE_WAIT);
    expect(srvApp.peerClosed).toEqual([sconn]);
    // Half-close: the server may still send; the client still reads.
    server.engine.write(net.now, sconn, pattern(1500));
    server.engine.close(net.now, sconn);
    expect(sconn.state).toBe(TcpState.LAST_ACK);
    net.run(net.now + 1 * MS);
    expect(cliApp.bytes(conn)).toEqual(pattern(1500));
    expect(conn.state).toBe(TcpState.TIME_WAIT);
    expect(sconn.state).toBe(TcpState.CLOSED);
    expect(cliApp.closed.get(conn)).toBe('normal');
    expect(srvApp.closed.get(sconn)).toBe('normal');
    expect(net.transcript().slice(handshake)).toEqual([
      'c>s F. seq=1 ack=1 len=0',
      's>c . seq=1 ack=2 len=0',
      's>c . seq=1 ack=2 len=1000',
      's>c P. seq=1001 ack=2 len=500', // write() sends at once; close() then adds the FIN
      's>c F. seq=1501 ack=2 len=0',
      'c>s . seq=2 ack=1001 len=0',
      'c>s . seq=2 ack=1501 len=0',
      'c>s . seq=2 ack=1502 len=0',
    ]);
    expect(server.events).toEqual([`open 80-${conn.localPort}`, `close 80-${conn.localPort}`]);
    // TIME_WAIT holds the tuple for 2*MSL (2 s here), then the control block goes.
    const enteredAt = net.now;
    net.run();
    expect(conn.state).toBe(TcpState.CLOSED);
    expect(client.engine.connectionCount).toBe(0);
    expect(client.events.at(-1)).toBe(`close ${conn.localPort}-80`);
    expect(net.now - enteredAt).toBeLessThanOrEqual(2 * S);
  });

  it('closes simultaneously: both FIN_WAIT_1 -> CLOSING -> TIME_WAIT', () => {
    const { net, client, server, srvApp, cliApp, conn, sconn, handshake } = setup();
    client.engine.close(net.now, conn);
    server.engine.close(net.now, sconn);
    expect(conn.state).toBe(TcpState.FIN_WAIT_1);
    expect(sconn.state).toBe(TcpState.FIN_WAIT_1);
    net.run(net.now + 60 * US);
    expect(conn.state).toBe(TcpState.CLOSING);
    expect(sconn.state).toBe(TcpState.CLOSING);
    net.run(net.now + 100 * US);
    expect(conn.state).toBe(TcpState.TIME_WAIT);
    expect(sconn.state).toBe(TcpState.TIME_WAIT);
    expect(net.transcript().slice(handshake)).toEqual([
      'c>s F. seq=1 ack=1 len=0',
      's>c F. seq=1 ack=1 len=0',
      's>c . seq=2 ack=2 len=0',
      'c>s . seq=2 ack=2 len=0',
    ]);
    expect(cliApp.closed.get(conn)).toBe('normal');
    expect(srvApp.closed.get(sconn)).toBe('normal');
    net.run();
    expect(client.engine.connectionCount + server.engine.connectionCount).toBe(0);
  });

  it('re-acknowledges a retransmitted FIN in TIME_WAIT (the last ACK was lost)', () => {
    const { net, client, server, conn, sconn } = setup();
    const isn = net.wire[0]!.tcp.seq;
    // Drop the client's final ACK of the server's FIN once.
    let dropped = false;
    net.filter = (s) => {
      if (!dropped && s.src === CLIENT_IP && s.tcp.flags === TcpFlag.ACK && s.tcp.seq === isn + 2) {
        dropped = true;
        return 'drop';
      }
      return undefined;
    };
    client.engine.close(net.now, conn);
    net.run(net.now + 300 * MS);
    expect(conn.state).toBe(TcpState.TIME_WAIT);
    expect(sconn.state).toBe(TcpState.CLOSED); // the retransmitted FIN was acknowledged
    expect(server.engine.counters.retransSegs).toBe(1);
    expect(dropped).toBe(true);
    expect(client.engine.connectionCount).toBe(1);
    net.run();
    expect(client.engine.connectionCount).toBe(0);
  });

  it('answers a SYN to a closed port with RST|ACK, and the client reports reset', () => {
    const { net, client, cliApp } = setup();
    const before = net.wire.length;
    const r = client.engine.connect(net.now, CLIENT_IP, SERVER_IP, 81, cliApp);
    expect(r.ok).toBe(true);
    net.run(net.now + 1 * MS);
    expect(net.transcript().slice(before)).toEqual(['c>s S seq=0 len=0', 's>c R. seq=0 ack=1 len=0']);
    expect(r.ok && cliApp.closed.get(r.value)).toBe('reset');
    expect(r.ok && r.value.state).toBe(TcpState.CLOSED);
    expect(net.hosts[1]!.engine.counters.noSocket).toBe(1);
    expect(client.engine.counters.attemptFails).toBe(1);
  });

  it('answers a stray ACK with a RST carrying the ACK number as sequence, and never answers a RST', () => {
    const { net, server } = setup();
    const stray = buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: 1234, dstPort: 80, seq: 5, ack: 777, flags: TcpFlag.ACK, window: 100 });
    expect(server.engine.receive(net.now, stray)).toBe('no-socket');
    const rst = net.wire.at(-1)!;
    expect(rst.tcp.flags).toBe(TcpFlag.RST);
    expect(rst.tcp.seq).toBe(777);
    const n = net.wire.length;
    const strayRst = buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: 1234, dstPort: 9, seq: 5, flags: TcpFlag.RST, window: 0 });
    expect(server.engine.receive(net.now, strayRst)).toBe('no-socket');
    expect(net.wire.length).toBe(n);
  });

  it('aborts with RST: both sides end with reset, the server counts an established reset', () => {
    const { net, client, server, srvApp, cliApp, conn, sconn, handshake } = setup();
    client.engine.write(net.now, conn, pattern(10));
    net.run(net.now + 200 * US);
    client.engine.abort(net.now, conn);
    expect(conn.state).toBe(TcpState.CLOSED);
    expect(cliApp.closed.get(conn)).toBe('reset');
    net.run(net.now + 1 * MS);
    expect(sconn.state).toBe(TcpState.CLOSED);
    expect(srvApp.closed.get(sconn)).toBe('reset');
    expect(net.transcript().slice(handshake).at(-1)).toBe('c>s R. seq=11 ack=1 len=0');
    expect(server.events.at(-1)).toBe(`reset 80-${conn.localPort}`);
    expect(server.engine.counters.estabResets).toBe(1);
    expect(server.engine.counters.inRsts).toBe(1);
    // Writing to a dead connection is refused, not thrown.
    expect(client.engine.write(net.now, conn, pattern(1))).toBe(-1);
  });

  it('challenges an in-window RST that is not at RCV.NXT (RFC 5961) and survives it', () => {
    const { net, server, sconn, conn } = setup();
    const isn = net.wire[0]!.tcp.seq;
    const spoof = buildIpv4Tcp(
      { src: CLIENT_IP, dst: SERVER_IP },
      { srcPort: conn.localPort, dstPort: 80, seq: (isn + 1 + 500) >>> 0, flags: TcpFlag.RST, window: 0 },
    );
    const n = net.wire.length;
    server.engine.receive(net.now, spoof);
    expect(sconn.state).toBe(TcpState.ESTABLISHED);
    expect(server.engine.counters.challengeAcks).toBe(1);
    expect(net.wire[n]!.tcp.flags).toBe(TcpFlag.ACK);
    // An exact one does reset.
    const exact = buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: conn.localPort, dstPort: 80, seq: (isn + 1) >>> 0, flags: TcpFlag.RST, window: 0 });
    server.engine.receive(net.now, exact);
    expect(sconn.state).toBe(TcpState.CLOSED);
  });

  it('challenges a SYN on an established connection instead of resetting it', () => {
    const { net, server, sconn, conn } = setup();
    const syn = buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: conn.localPort, dstPort: 80, seq: 12345, flags: TcpFlag.SYN, window: 1000 });
    server.engine.receive(net.now, syn);
    expect(sconn.state).toBe(TcpState.ESTABLISHED);
    expect(server.engine.counters.challengeAcks).toBe(1);
  });

  it('drops a connection whose peer vanished after dataRetries, reporting timeout', () => {
    const cfg = tcpConfig(CFG, { dataRetries: 3 });
    const { net, client, cliApp, conn } = setup(cfg);
    net.filter = () => 'drop';
    client.engine.write(net.now, conn, pattern(100));
    net.run();
    expect(cliApp.closed.get(conn)).toBe('timeout');
    expect(client.engine.counters.timeouts).toBe(1);
    expect(client.events.at(-1)).toBe(`timeout ${conn.localPort}-80`);
    expect(client.engine.connectionCount).toBe(0);
  });

  it('gives up FIN_WAIT_2 when the peer never closes', () => {
    const { net, client, srvApp, cliApp, conn } = setup();
    srvApp.closeOnPeerClose = false;
    client.engine.close(net.now, conn);
    net.run();
    expect(conn.state).toBe(TcpState.CLOSED);
    expect(cliApp.closed.get(conn)).toBe('timeout');
    expect(net.now).toBeGreaterThanOrEqual(10 * S);
  });

  it('lets a new SYN reuse a tuple in TIME_WAIT on the server side', () => {
    const { net, client, server, srvApp, cliApp, conn, sconn } = setup();
    cliApp.closeOnPeerClose = true;
    server.engine.close(net.now, sconn); // server closes first: it holds TIME_WAIT
    net.run(net.now + 1 * MS);
    expect(sconn.state).toBe(TcpState.TIME_WAIT);
    expect(conn.state).toBe(TcpState.CLOSED);
    const again = client.engine.connect(net.now, CLIENT_IP, SERVER_IP, 80, cliApp, conn.localPort);
    expect(again.ok).toBe(true);
    net.run(net.now + 1 * MS);
    expect(again.ok && again.value.state).toBe(TcpState.ESTABLISHED);
    expect(srvApp.accepted).toHaveLength(2);
    expect(server.engine.connectionCount).toBe(1);
  });
});

describe('TCP listen backlog', () => {
  it('drops SYNs while the accept queue is full, and accepts them after the application catches up', () => {
    const net = new TestNet(9);
    const server = net.addHost('s', SERVER_IP, CFG);
    const srvApp = new Recorder(() => server.engine);
    const l = server.engine.listen(0, SERVER_IP, 80, 1, srvApp);
    if (!l.ok) throw new Error('listen');
    server.engine.setAccepting(0, l.value, false);
    const clients = [1, 2].map((i) => net.addHost(`c${i}`, CLIENT_IP + i, CFG));
    const apps = clients.map((c) => new Recorder(() => c.engine));
    const c1 = clients[0]!.engine.connect(0, CLIENT_IP + 1, SERVER_IP, 80, apps[0]!);
    net.run(1 * MS);
    const c2 = clients[1]!.engine.connect(net.now, CLIENT_IP + 2, SERVER_IP, 80, apps[1]!);
    net.run(2 * MS);
    // c1 completed its handshake (queued, not accepted); c2's SYN was dropped.
    expect(c1.ok && c1.value.state).toBe(TcpState.ESTABLISHED);
    expect(l.value.acceptQueue).toHaveLength(1);
    expect(srvApp.accepted).toHaveLength(0);
    expect(server.engine.counters.listenDrops).toBe(1);
    expect(c2.ok && c2.value.state).toBe(TcpState.SYN_SENT);
    // Data sent before accept waits for the application.
    if (c1.ok) clients[0]!.engine.write(net.now, c1.value, pattern(300));
    net.run(3 * MS);
    server.engine.setAccepting(net.now, l.value, true);
    expect(srvApp.accepted).toHaveLength(1);
    expect(srvApp.bytes(srvApp.accepted[0]!)).toEqual(pattern(300));
    // c2's SYN retransmission (1 s) now gets in.
    net.run(2 * S);
    expect(c2.ok && c2.value.state).toBe(TcpState.ESTABLISHED);
    expect(srvApp.accepted).toHaveLength(2);
  });

  it('limits half-open connections to the backlog as well', () => {
    const net = new TestNet(9);
    const server = net.addHost('s', SERVER_IP, CFG);
    const srvApp = new Recorder(() => server.engine);
    server.engine.listen(0, SERVER_IP, 80, 2, srvApp);
    let results: string[] = [];
    for (let i = 0; i < 4; i++) {
      const syn = buildIpv4Tcp({ src: CLIENT_IP + i, dst: SERVER_IP }, { srcPort: 40000, dstPort: 80, seq: 1000 * i, flags: TcpFlag.SYN, window: 1000 });
      results.push(server.engine.receive(0, syn));
    }
    expect(results).toEqual(['ok', 'ok', 'listen-drop', 'listen-drop']);
    // Half-open connections give up after synAckRetries, freeing the backlog.
    net.run();
    expect(server.engine.connectionCount).toBe(0);
    results = [server.engine.receive(net.now, buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: 40001, dstPort: 80, seq: 1, flags: TcpFlag.SYN, window: 1000 }))];
    expect(results).toEqual(['ok']);
  });

  it('resets queued connections when the listener closes', () => {
    const net = new TestNet(4);
    const server = net.addHost('s', SERVER_IP, CFG);
    const client = net.addHost('c', CLIENT_IP, CFG);
    const srvApp = new Recorder(() => server.engine);
    const cliApp = new Recorder(() => client.engine);
    const l = server.engine.listen(0, 0, 80, 4, srvApp);
    if (!l.ok) throw new Error('listen');
    const events: string[] = [];
    server.onListenerEvent = (_now: number, on: boolean, ip: number, port: number) => void events.push(`${on} ${ip} ${port}`);
    server.engine.setAccepting(0, l.value, false);
    const c = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp);
    net.run(1 * MS);
    server.engine.unlisten(net.now, l.value);
    net.run(2 * MS);
    expect(c.ok && cliApp.closed.get(c.value)).toBe('reset');
    expect(server.engine.hasListener(SERVER_IP, 80)).toBe(false);
    expect(events).toEqual(['false 0 80']);
  });
});
