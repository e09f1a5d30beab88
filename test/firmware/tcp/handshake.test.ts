import { describe, expect, it } from 'vitest';
import { LINUX_TCP_CONFIG, tcpConfig, ZOS_TCP_CONFIG } from '../../../src/firmware/tcp/config.js';
import { TcpState } from '../../../src/firmware/tcp/types.js';
import { CLIENT_IP, MS, pattern, Recorder, SERVER_IP, TestNet } from './harness.js';

function pair(serverConfig = ZOS_TCP_CONFIG, clientConfig = LINUX_TCP_CONFIG) {
  const net = new TestNet(7);
  const client = net.addHost('c', CLIENT_IP, clientConfig);
  const server = net.addHost('s', SERVER_IP, serverConfig);
  const srvApp = new Recorder(() => server.engine);
  const cliApp = new Recorder(() => client.engine);
  const l = server.engine.listen(0, SERVER_IP, 80, 16, srvApp);
  if (!l.ok) throw new Error(l.error.message);
  return { net, client, server, srvApp, cliApp, listener: l.value };
}

describe('TCP handshake', () => {
  it('completes the 3-way handshake with the expected segments and negotiated options', () => {
    const { net, client, server, srvApp, cliApp } = pair();
    const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const conn = r.value;
    expect(conn.state).toBe(TcpState.SYN_SENT);
    net.run();
    expect(net.transcript()).toEqual(['c>s S seq=0 len=0', 's>c S. seq=0 ack=1 len=0', 'c>s . seq=1 ack=1 len=0']);
    expect(conn.state).toBe(TcpState.ESTABLISHED);
    expect(cliApp.connected).toEqual([conn]);
    expect(srvApp.accepted).toHaveLength(1);
    const sconn = srvApp.accepted[0]!;
    expect(sconn.state).toBe(TcpState.ESTABLISHED);
    expect([sconn.localIp, sconn.localPort, sconn.remoteIp, sconn.remotePort]).toEqual([SERVER_IP, 80, CLIENT_IP, conn.localPort]);
    // Linux offers MSS 1460, WS 7, TS; z/OS MSS 1452, WS 1. Both use timestamps, so 12 bytes go to options.
    expect(conn.effMss).toBe(1452 - 12);
    expect(sconn.effMss).toBe(1452 - 12);
    expect(conn.tsOn && sconn.tsOn).toBe(true);
    expect([conn.sndShift, conn.rcvShift, sconn.sndShift, sconn.rcvShift]).toEqual([1, 7, 7, 1]);
    const syn = net.wire[0]!.tcp;
    expect(syn.options).toMatchObject({ mss: 1460, windowScale: 7 });
    expect(syn.options.timestamp?.echo).toBe(0);
    const synAck = net.wire[1]!.tcp;
    expect(synAck.options).toMatchObject({ mss: 1452, windowScale: 1 });
    expect(synAck.options.timestamp?.echo).toBe(syn.options.timestamp?.value);
    // Ephemeral port from the Linux range, and 'open' events on both sides.
    expect(conn.localPort).toBeGreaterThanOrEqual(32768);
    expect(conn.localPort).toBeLessThanOrEqual(60999);
    expect(client.events).toEqual([`open ${conn.localPort}-80`]);
    expect(server.events).toEqual([`open 80-${conn.localPort}`]);
    expect(client.engine.counters.activeOpens).toBe(1);
    expect(server.engine.counters.passiveOpens).toBe(1);
  });

  it('falls back to MSS 536 and no scaling or timestamps when the peer offers no options', () => {
    const bare = tcpConfig(LINUX_TCP_CONFIG, { windowScale: -1, timestamps: false });
    const { net, client, srvApp, cliApp } = pair(LINUX_TCP_CONFIG, bare);
    const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp);
    net.run();
    const sconn = srvApp.accepted[0]!;
    expect(sconn.tsOn).toBe(false);
    expect(sconn.sndShift).toBe(0);
    expect(sconn.rcvShift).toBe(0);
    expect(net.wire[1]!.tcp.options.windowScale).toBeUndefined();
    expect(net.wire[1]!.tcp.options.timestamp).toBeUndefined();
    expect(r.ok && r.value.effMss).toBe(1460);
    expect(net.wire[0]!.tcp.options).toEqual({ mss: 1460 });
  });

  it('retransmits a lost SYN after the initial RTO (1 s) and a lost SYN-ACK likewise', () => {
    const { net, client, cliApp } = pair(LINUX_TCP_CONFIG);
    net.filter = (s) => (s.index === 0 || s.index === 2 ? 'drop' : undefined);
    client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp);
    net.run();
    expect(net.transcript()).toEqual([
      'c>s S seq=0 len=0 [dropped]',
      'c>s S seq=0 len=0',
      's>c S. seq=0 ack=1 len=0 [dropped]',
      's>c S. seq=0 ack=1 len=0', // the server's SYN-ACK timer (1 s) fires before the client's next SYN (2 s)
      'c>s . seq=1 ack=1 len=0',
    ]);
    expect(net.wire[3]!.t).toBe(2000 * MS + 50_000_000);
    expect(net.wire[1]!.t).toBe(1000 * MS);
    expect(cliApp.connected).toHaveLength(1);
    expect(client.engine.counters.retransSegs).toBe(1);
    expect(net.hosts[1]!.engine.counters.retransSegs).toBe(1);
  });

  it('gives up an active open after synRetries with exponential backoff, reporting timeout', () => {
    const net = new TestNet(3);
    const client = net.addHost('c', CLIENT_IP, LINUX_TCP_CONFIG);
    net.addHost('s', SERVER_IP, LINUX_TCP_CONFIG);
    net.filter = () => 'drop';
    const app = new Recorder(() => client.engine);
    const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, app);
    net.run();
    const times = net.wire.map((s) => s.t / MS);
    // 1 + 6 retries at 1, 2, 4, 8, 16, 32 s gaps; the attempt fails 64 s after the last one (127 s in all).
    expect(times).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000]);
    expect(net.now).toBe(127000 * MS);
    expect(r.ok && app.closed.get(r.value)).toBe('timeout');
    expect(client.engine.connectionCount).toBe(0);
    expect(client.engine.counters.attemptFails).toBe(1);
  });

  it('handles a simultaneous open (both sides SYN, both reach ESTABLISHED)', () => {
    const net = new TestNet(5);
    const a = net.addHost('a', CLIENT_IP);
    const b = net.addHost('b', SERVER_IP);
    const appA = new Recorder(() => a.engine);
    const appB = new Recorder(() => b.engine);
    const ca = a.engine.connect(0, CLIENT_IP, SERVER_IP, 5000, appA, 6000);
    const cb = b.engine.connect(0, SERVER_IP, CLIENT_IP, 6000, appB, 5000);
    expect(ca.ok && cb.ok).toBe(true);
    net.run();
    expect(net.transcript().slice(0, 4)).toEqual([
      'a>b S seq=0 len=0',
      'b>a S seq=0 len=0',
      'b>a S. seq=0 ack=1 len=0', // a's SYN was on the wire first, so b answers first
      'a>b S. seq=0 ack=1 len=0',
    ]);
    if (!ca.ok || !cb.ok) return;
    expect(ca.value.state).toBe(TcpState.ESTABLISHED);
    expect(cb.value.state).toBe(TcpState.ESTABLISHED);
    expect(appA.connected).toHaveLength(1);
    expect(appB.connected).toHaveLength(1);
    // Data flows after a simultaneous open.
    a.engine.write(net.now, ca.value, pattern(100));
    net.run();
    expect(appB.bytes(cb.value)).toEqual(pattern(100));
  });

  it('rejects bad and duplicate socket calls with typed errors', () => {
    const { client, server, srvApp, cliApp } = pair();
    expect(server.engine.listen(0, SERVER_IP, 80, 1, srvApp)).toMatchObject({ ok: false, error: { code: 'address-in-use' } });
    expect(server.engine.listen(0, SERVER_IP, 0, 1, srvApp)).toMatchObject({ ok: false, error: { code: 'bad-port' } });
    expect(server.engine.listen(0, SERVER_IP, 65536, 1, srvApp)).toMatchObject({ ok: false, error: { code: 'bad-port' } });
    expect(client.engine.connect(0, CLIENT_IP, SERVER_IP, 0, cliApp)).toMatchObject({ ok: false, error: { code: 'bad-port' } });
    const first = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp, 40000);
    expect(first.ok).toBe(true);
    expect(client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cliApp, 40000)).toMatchObject({ ok: false, error: { code: 'address-in-use' } });
    expect(server.engine.hasListener(SERVER_IP, 80)).toBe(true);
    expect(server.engine.hasListener(SERVER_IP, 81)).toBe(false);
  });

  it('runs out of ephemeral ports with a typed error', () => {
    const net = new TestNet(1);
    const client = net.addHost('c', CLIENT_IP, tcpConfig(LINUX_TCP_CONFIG, { ephemeralLow: 50000, ephemeralHigh: 50002 }));
    const app = new Recorder(() => client.engine);
    const ports = [0, 1, 2].map(() => {
      const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, app);
      return r.ok ? r.value.localPort : -1;
    });
    expect([...ports].sort()).toEqual([50000, 50001, 50002]);
    expect(client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, app)).toMatchObject({ ok: false, error: { code: 'no-ports' } });
    // The same ports are free towards another server port.
    expect(client.engine.connect(0, CLIENT_IP, SERVER_IP, 81, app).ok).toBe(true);
  });
});
