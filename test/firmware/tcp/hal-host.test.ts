import { describe, expect, it } from 'vitest';
import type { Hal } from '../../../src/firmware/hal.js';
import { HalTcpHost } from '../../../src/firmware/tcp/hal-host.js';
import { TcpEngine } from '../../../src/firmware/tcp/engine.js';
import { ZOS_TCP_CONFIG } from '../../../src/firmware/tcp/config.js';
import { buildIpv4Tcp, TcpFlag } from '../../../src/net/tcp.js';
import { ipv4Dst } from '../../../src/net/ipv4.js';

function fakeHal() {
  const sent: { ifName: string; dst: number; nextHop: number }[] = [];
  const timers = new Map<number, number>();
  const traces: [string, Record<string, unknown>][] = [];
  const hal: Hal = {
    stackName: 'SYS1',
    rng: { nextU32: () => 99 },
    transmit: (ifName, packet, nextHop) => void sent.push({ ifName, dst: ipv4Dst(packet), nextHop }),
    registerAddress: () => {},
    deregisterAddress: () => {},
    xcfSend: () => {},
    xcfJoin: () => {},
    setTimer: (id, at) => void timers.set(id, at),
    cancelTimer: (id) => void timers.delete(id),
    wlmWeight: () => 64,
    trace: (kind, fields) => void traces.push([kind, fields]),
    tracing: true,
  };
  return { hal, sent, timers, traces };
}

describe('HalTcpHost', () => {
  it('routes datagrams to an OSA interface, shares the HAL timer space and traces tcp.open / tcp.reset', () => {
    const { hal, sent, timers, traces } = fakeHal();
    const host = new HalTcpHost(hal, { route: (dst) => (dst === 0xc6336407 ? { ifName: 'OSA1', nextHop: 0x0a0101fe } : null) });
    const engine = new TcpEngine(host, ZOS_TCP_CONFIG, { timerIdBase: 1 << 20 });
    engine.listen(0, 0, 80, 0, {});
    const syn = buildIpv4Tcp({ src: 0xc6336407, dst: 0x0a01010a }, { srcPort: 5000, dstPort: 80, seq: 1, flags: TcpFlag.SYN, window: 1000 });
    expect(engine.receive(0, syn)).toBe('ok');
    expect(sent).toEqual([{ ifName: 'OSA1', dst: 0xc6336407, nextHop: 0x0a0101fe }]);
    expect([...timers.keys()]).toEqual([(1 << 20) + 1]);
    const conn = engine.connection(0x0a01010a, 80, 0xc6336407, 5000)!;
    const ack = buildIpv4Tcp({ src: 0xc6336407, dst: 0x0a01010a }, { srcPort: 5000, dstPort: 80, seq: 2, ack: conn.iss + 1, flags: TcpFlag.ACK, window: 1000 });
    engine.receive(1, ack);
    engine.abort(2, conn);
    expect(traces).toEqual([
      ['tcp.open', { local: '10.1.1.10', localPort: 80, remote: '198.51.100.7', remotePort: 5000 }],
      ['tcp.reset', { local: '10.1.1.10', localPort: 80, remote: '198.51.100.7', remotePort: 5000 }],
    ]);
    expect(timers.size).toBe(0);
    // No route: dropped and counted, not thrown.
    const other = buildIpv4Tcp({ src: 0xc6336408, dst: 0x0a01010a }, { srcPort: 5000, dstPort: 81, seq: 1, flags: TcpFlag.SYN, window: 1000 });
    engine.receive(3, other);
    expect(host.unroutable).toBe(1);
  });
});
