// Wire-format speed on one core, per 1500-byte IPv4+TCP segment (timestamps option, 1448 bytes of data):
// - the allocation-free path the TCP engine and the forwarders use (ipv4Check + fast accessors + option scan),
// - the allocating parsers (parseIpv4 + parseTcp, what replay and tools use),
// - the full Internet checksum of the segment with its pseudo-header,
// - a TCP engine taking an in-order data segment on an established connection (checksums, demux, ACK policy),
// beside the yardstick of a bare loop summing the same 1500 bytes. Vitest prints hz per row.
import { bench, describe } from 'vitest';
import { TcpEngine } from '../../src/firmware/tcp/engine.js';
import { LINUX_TCP_CONFIG, tcpConfig } from '../../src/firmware/tcp/config.js';
import { ipv4Check, ipv4Dst, ipv4Src, parseIpv4 } from '../../src/net/ipv4.js';
import { internetChecksum } from '../../src/net/checksum.js';
import {
  buildIpv4Tcp,
  parseTcp,
  scanTcpOptions,
  tcpAck,
  tcpChecksumOf,
  tcpDstPort,
  TcpFlag,
  tcpFlags,
  TcpOptionScan,
  tcpSeq,
  tcpSrcPort,
  writeTcpChecksum,
} from '../../src/net/tcp.js';

const SRC = 0xc6336407;
const DST = 0x0a01010a;
const payload = Uint8Array.from({ length: 1448 }, (_, i) => i & 0xff);
const segment = buildIpv4Tcp(
  { src: SRC, dst: DST, id: 1 },
  { srcPort: 40000, dstPort: 80, seq: 1, ack: 1, flags: TcpFlag.ACK | TcpFlag.PSH, window: 1000, options: { timestamp: { value: 1, echo: 2 } } },
  payload,
);
if (segment.length !== 1500) throw new Error(`segment is ${segment.length} bytes`);

let sink = 0;
const scan = new TcpOptionScan();

describe('IPv4+TCP header of a 1500-byte segment', () => {
  bench('fast path: ipv4Check (with header checksum) + accessors + option scan', () => {
    const hl = ipv4Check(segment, 0, true);
    sink ^= ipv4Src(segment) ^ ipv4Dst(segment) ^ tcpSrcPort(segment, hl) ^ tcpDstPort(segment, hl);
    sink ^= tcpSeq(segment, hl) ^ tcpAck(segment, hl) ^ tcpFlags(segment, hl);
    scanTcpOptions(segment, hl + 20, hl + 32, scan);
    sink ^= scan.tsValue;
  });

  bench('parseIpv4 + parseTcp (allocating, no TCP checksum)', () => {
    const ip = parseIpv4(segment);
    if (!ip.ok) throw new Error('bad');
    const t = parseTcp(segment, ip.value.payloadOffset, ip.value.payloadLength);
    if (!t.ok) throw new Error('bad');
    sink ^= t.value.seq;
  });
});

describe('checksum of a 1500-byte segment', () => {
  bench('internetChecksum over 1500 bytes', () => {
    sink ^= internetChecksum(segment, 0, 1500);
  });

  bench('TCP checksum with pseudo-header (verify 1480 bytes)', () => {
    sink ^= tcpChecksumOf(SRC, DST, segment, 20, 1480);
  });

  bench('writeTcpChecksum (compute and store)', () => {
    writeTcpChecksum(segment, 20, 1480, SRC, DST);
  });

  bench('yardstick: bare loop summing 1500 bytes', () => {
    let s = 0;
    for (let i = 0; i < 1500; i++) s += segment[i]!;
    sink ^= s;
  });
});

// An established connection fed in-order data segments (its ACKs go to a sink).
function engineRig() {
  let sent = 0;
  const cfg = tcpConfig(LINUX_TCP_CONFIG, { timestamps: false, windowScale: 7, receiveWindow: 1 << 30 });
  const server = new TcpEngine({ transmit: () => void sent++, setTimer: () => {}, cancelTimer: () => {}, rng: { nextU32: () => 12345 } }, cfg);
  server.listen(0, DST, 80, 16, { onData: () => {} });
  const syn = buildIpv4Tcp({ src: SRC, dst: DST }, { srcPort: 40000, dstPort: 80, seq: 1000, flags: TcpFlag.SYN, window: 65535, options: { mss: 1460, windowScale: 7 } });
  server.receive(0, syn);
  const conn = server.connection(DST, 80, SRC, 40000)!;
  const ack = buildIpv4Tcp({ src: SRC, dst: DST }, { srcPort: 40000, dstPort: 80, seq: 1001, ack: conn.iss + 1, flags: TcpFlag.ACK, window: 65535 });
  server.receive(0, ack);
  const data = new Uint8Array(1460);
  const seg = buildIpv4Tcp({ src: SRC, dst: DST }, { srcPort: 40000, dstPort: 80, seq: 1001, ack: conn.iss + 1, flags: TcpFlag.ACK, window: 65535 }, data);
  let seq = 1001;
  return () => {
    // Rewrite the sequence number in place and recompute the checksum (about a third of the row's cost).
    seg[24] = seq >>> 24;
    seg[25] = (seq >>> 16) & 0xff;
    seg[26] = (seq >>> 8) & 0xff;
    seg[27] = seq & 0xff;
    writeTcpChecksum(seg, 20, seg.length - 20, SRC, DST);
    server.receive(1, seg);
    seq = (seq + 1460) >>> 0;
    sink ^= sent;
  };
}

const feed = engineRig();
describe('TCP engine', () => {
  bench('receive an in-order 1460-byte segment (incl. rewriting its checksum)', () => {
    feed();
  });
});

export { sink };
