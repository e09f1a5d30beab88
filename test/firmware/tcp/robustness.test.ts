import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINUX_TCP_CONFIG, tcpConfig, ZOS_TCP_CONFIG } from '../../../src/firmware/tcp/config.js';
import { TcpEngine } from '../../../src/firmware/tcp/engine.js';
import { TcpState } from '../../../src/firmware/tcp/types.js';
import { buildIpv4 } from '../../../src/net/ipv4.js';
import { buildIpv4Tcp, tcpChecksumOf, TcpFlag } from '../../../src/net/tcp.js';
import { CLIENT_IP, MS, pattern, Recorder, S, SERVER_IP, TestNet, US } from './harness.js';

describe('TCP engine against hostile input', () => {
  it('never throws on random datagrams and reports them as malformed, bad-checksum or not-tcp', () => {
    const sent: Uint8Array[] = [];
    const engine = new TcpEngine({ transmit: (p) => void sent.push(p), setTimer: () => {}, cancelTimer: () => {}, rng: { nextU32: () => 42 } }, LINUX_TCP_CONFIG);
    engine.listen(0, 0, 80, 4, {});
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        const r = engine.receive(1, b);
        expect(['ok', 'no-socket', 'listen-drop', 'bad-checksum', 'malformed', 'not-tcp', 'fragment']).toContain(r);
      }),
    );
  });

  it('never throws on well-checksummed segments with random fields and options, on a live connection', () => {
    const net = new TestNet(31);
    const client = net.addHost('c', CLIENT_IP);
    const server = net.addHost('s', SERVER_IP, ZOS_TCP_CONFIG);
    const srvApp = new Recorder(() => server.engine);
    server.engine.listen(0, 0, 80, 4, srvApp);
    const cli = new Recorder(() => client.engine);
    const c = client.engine.connect(0, CLIENT_IP, SERVER_IP, 80, cli);
    if (!c.ok) throw new Error('connect');
    net.run(1 * MS);
    const port = c.value.localPort;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (seq, ack, flags, window, rawOpts, payload, toListener) => {
          const opts = rawOpts.subarray(0, rawOpts.length & ~3);
          const pkt = buildIpv4Tcp({ src: CLIENT_IP, dst: SERVER_IP }, { srcPort: toListener ? 999 : port, dstPort: 80, seq, ack, flags, window }, payload);
          // Splice raw option bytes in (fixing lengths and checksums through a rebuild of the TCP part).
          const withOpts = new Uint8Array(pkt.length + opts.length);
          withOpts.set(pkt.subarray(0, 40));
          withOpts.set(opts, 40);
          withOpts.set(pkt.subarray(40), 40 + opts.length);
          withOpts[32] = ((5 + opts.length / 4) << 4) | (withOpts[32]! & 0x0f);
          const tcp = withOpts.subarray(20);
          const fixed = buildIpv4({ src: CLIENT_IP, dst: SERVER_IP, protocol: 6 }, tcp);
          fixed[20 + 16] = 0;
          fixed[20 + 17] = 0;
          const cs = tcpChecksumOf(CLIENT_IP, SERVER_IP, fixed, 20, fixed.length - 20);
          fixed[36] = cs >>> 8;
          fixed[37] = cs & 0xff;
          const r = server.engine.receive(net.now, fixed);
          expect(r).not.toBe('bad-checksum');
          net.run(net.now + 10 * US);
        },
      ),
      { numRuns: 300 },
    );
    // Whatever happened, every connection is in a legal state and the engine still works.
    for (const conn of server.engine.connections()) expect(conn.state).toBeGreaterThan(TcpState.CLOSED);
    const fresh = client.engine.connect(net.now, CLIENT_IP, SERVER_IP, 80, cli, 4444);
    net.run(net.now + 1 * MS);
    expect(fresh.ok && fresh.value.state).toBe(TcpState.ESTABLISHED);
  });

  it('delivers intact byte streams under any mix of loss, duplication and reordering (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.25, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 30000 }),
        (seed, loss, dup, reorder, size) => {
          const net = new TestNet(seed);
          const cfg = tcpConfig(LINUX_TCP_CONFIG, { maxRto: 2 * S });
          const client = net.addHost('c', CLIENT_IP, cfg);
          const server = net.addHost('s', SERVER_IP, tcpConfig(ZOS_TCP_CONFIG, { maxRto: 2 * S }));
          const srvApp = new Recorder(() => server.engine);
          srvApp.closeOnPeerClose = true;
          server.engine.listen(0, 0, 7, 4, srvApp);
          const cli = new Recorder(() => client.engine);
          const c = client.engine.connect(0, CLIENT_IP, SERVER_IP, 7, cli);
          if (!c.ok) return;
          const rng = net.hosts[0]!.rng;
          net.filter = () => {
            const x = rng.nextU32() / 2 ** 32;
            if (x < loss) return 'drop';
            if (x < loss + dup) return 'dup';
            if (x < loss + dup + reorder) return { delay: (rng.nextU32() % 300) * US };
            return undefined;
          };
          const data = pattern(size, seed);
          client.engine.write(0, c.value, data);
          client.engine.close(0, c.value);
          net.runUntil(() => srvApp.accepted.length > 0 && srvApp.closed.size > 0 && cli.closed.size > 0, 3000 * S);
          const sconn = srvApp.accepted[0]!;
          expect(srvApp.bytes(sconn)).toEqual(data);
          expect(cli.closed.get(c.value)).toBe('normal');
          expect(srvApp.closed.get(sconn)).toBe('normal');
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('TCP engine as a host component', () => {
  it('uses one timer id per connection and re-arms it lazily', () => {
    const net = new TestNet(8);
    const client = net.addHost('c', CLIENT_IP);
    const server = net.addHost('s', SERVER_IP);
    const srvApp = new Recorder(() => server.engine);
    server.engine.listen(0, 0, 7, 4, srvApp);
    const cli = new Recorder(() => client.engine);
    const c = client.engine.connect(0, CLIENT_IP, SERVER_IP, 7, cli);
    if (!c.ok) throw new Error('connect');
    client.engine.write(0, c.value, pattern(200_000));
    net.run(5 * S);
    const dataSegs = net.wire.filter((s) => s.src === CLIENT_IP && s.tcp.payloadLength > 0).length;
    expect(dataSegs).toBeGreaterThan(100);
    // Every ACK moves the retransmission deadline, yet the host timer is set only a handful of times.
    expect(client.setTimerCalls).toBeLessThan(10);
    expect([...client.timers.keys()].every((id) => id === c.value.id)).toBe(true);
  });

  it('serves a SYN for any address the host hands over to a wildcard listener (a DVIPA on a target)', () => {
    const DVIPA = 0x0a01010a;
    const net = new TestNet(12);
    // The harness delivers the DVIPA's datagrams to the target, as a routing stack's forwarding would; the
    // engine has no notion of owning an address.
    const target = net.addHost('t', DVIPA, ZOS_TCP_CONFIG);
    const client = net.addHost('c', CLIENT_IP);
    const app = new Recorder(() => target.engine);
    target.engine.listen(0, 0, 80, 10, app);
    expect(target.engine.hasListener(DVIPA, 80)).toBe(true);
    const cli = new Recorder(() => client.engine);
    const c = client.engine.connect(0, CLIENT_IP, DVIPA, 80, cli);
    net.run(1 * MS);
    expect(c.ok && c.value.state).toBe(TcpState.ESTABLISHED);
    const conns = [...target.engine.connections()];
    expect(conns.map((x) => [x.localIp, x.localPort, x.remoteIp, x.remotePort, x.zosState])).toEqual([[DVIPA, 80, CLIENT_IP, c.ok ? c.value.localPort : 0, 'Estblsh']]);
    expect(target.engine.connection(DVIPA, 80, CLIENT_IP, c.ok ? c.value.localPort : 0)).toBe(conns[0]);
    const l = [...target.engine.listeners()];
    expect(l.map((x) => [x.ip, x.port, x.backlog])).toEqual([[0, 80, 10]]);
  });

  it('offsets timer ids by timerIdBase so hosts can share one timer space', () => {
    const timers = new Map<number, number>();
    const engine = new TcpEngine(
      { transmit: () => {}, setTimer: (id, at) => void timers.set(id, at), cancelTimer: (id) => void timers.delete(id), rng: { nextU32: () => 7 } },
      LINUX_TCP_CONFIG,
      { timerIdBase: 1000 },
    );
    const r = engine.connect(0, CLIENT_IP, SERVER_IP, 80, {});
    expect(r.ok).toBe(true);
    expect([...timers.keys()]).toEqual([1001]);
    expect(engine.timer(1000 * MS, 1)).toBe(false);
    expect(engine.timer(1000 * MS, 1001)).toBe(true);
    if (r.ok) engine.abort(1000 * MS, r.value);
    expect(timers.size).toBe(0);
  });

  it('reports fragments and non-TCP datagrams without touching connections', () => {
    const engine = new TcpEngine({ transmit: () => {}, setTimer: () => {}, cancelTimer: () => {}, rng: { nextU32: () => 1 } });
    const udp = buildIpv4({ src: 1, dst: 2, protocol: 17 }, new Uint8Array(8));
    expect(engine.receive(0, udp)).toBe('not-tcp');
    const frag = buildIpv4Tcp({ src: 1, dst: 2, moreFragments: true }, { srcPort: 1, dstPort: 2, seq: 0, flags: TcpFlag.SYN, window: 0 });
    expect(engine.receive(0, frag)).toBe('fragment');
    expect(engine.counters.dropped).toBe(2);
  });
});
