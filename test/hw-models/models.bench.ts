// How fast the hardware models move datagrams: the demo sysplex with an echoing fake firmware, 20 000 client
// datagrams to the DVIPA and back (client -> router -> switch -> OSA -> LPAR -> OSA -> switch -> router), one
// every 10 us, which keeps SYS1's two CPs about 40 % busy.
import { bench, describe } from 'vitest';
import { MS, Simulation, US } from '../../src/kernel/index.js';
import { ipv4Dst, ipv4Src } from '../../src/net/index.js';
import { buildSysplex } from '../../src/run/wiring.js';
import { ClientsHost, type FakeFirmware, datagram, demoTopology, fakeFirmware, ip, tagOf } from './helpers.js';

const DVIPA = ip('10.1.1.10');

function runOnce(n: number): number {
  const sim = new Simulation(1);
  const echo = (fw: FakeFirmware, _t: number, ifName: string, p: Uint8Array) =>
    fw.hal.transmit(ifName, datagram(ipv4Dst(p), ipv4Src(p), 64, tagOf(p)), ip('10.1.1.254'));
  let clients: ClientsHost | null = null;
  buildSysplex(
    sim,
    demoTopology(),
    fakeFirmware({ SYS1: { register: [{ ifName: 'OSA1', ip: DVIPA }], onReceive: echo } }, new Map()),
    { clients: (lan) => (clients = new ClientsHost(`${lan.name}.clients`)) },
  );
  sim.seal();
  for (let i = 0; i < n; i++) clients!.sendAt(100 * US + i * 10 * US, datagram(ip('198.51.100.7'), DVIPA, 64, i));
  sim.runUntil(250 * MS); // not Infinity: XCF status updates go on for as long as the sysplex runs
  if (clients!.packets.length !== n) throw new Error(`lost ${n - clients!.packets.length}`);
  return sim.events;
}

describe('hardware models', () => {
  bench('20k datagrams round trip through router, switch, OSA and LPAR', () => {
    const events = runOnce(20_000);
    if (events < 200_000) throw new Error(`only ${events} events`);
  }, { iterations: 5 });
});
