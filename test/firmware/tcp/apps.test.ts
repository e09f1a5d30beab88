import { describe, expect, it } from 'vitest';
import { EchoServer } from '../../../src/firmware/tcp/apps/echo.js';
import { HttpServer } from '../../../src/firmware/tcp/apps/http-server.js';
import { bodyByte } from '../../../src/firmware/tcp/apps/http-text.js';
import { LINUX_TCP_CONFIG, tcpConfig, ZOS_TCP_CONFIG } from '../../../src/firmware/tcp/config.js';
import { TcpState } from '../../../src/firmware/tcp/types.js';
import { TcpFlag } from '../../../src/net/tcp.js';
import { CLIENT_IP, pattern, Recorder, S, SERVER_IP, TestNet } from './harness.js';
import { buildHttpRequest, HttpClient, type HttpExchange } from './http-client.js';

const text = (b: Uint8Array) => String.fromCharCode(...b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function httpSetup(seed = 3) {
  const net = new TestNet(seed);
  const server = net.addHost('s', SERVER_IP, ZOS_TCP_CONFIG);
  const client = net.addHost('c', CLIENT_IP, LINUX_TCP_CONFIG);
  const http = new HttpServer(server.engine, { defaultBody: 1000 });
  const l = http.listen(0, 0, 80);
  if (!l.ok) throw new Error(l.error.message);
  return { net, server, client, http };
}

/** A raw client: connects, sends the given chunks one segment each, records the response bytes. */
function rawClient(net: TestNet, host: ReturnType<typeof httpSetup>['client'], chunks: string[]) {
  const app = new Recorder(() => host.engine);
  const r = host.engine.connect(net.now, CLIENT_IP, SERVER_IP, 80, app);
  if (!r.ok) throw new Error(r.error.message);
  net.run(net.now + 1_000_000_000); // handshake
  for (const c of chunks) {
    host.engine.write(net.now, r.value, bytes(c));
    net.run(net.now + 1_000_000_000);
  }
  net.run();
  return { conn: r.value, app, response: () => text(app.bytes(r.value)) };
}

describe('HTTP server', () => {
  it('answers GET /4096 with 200 and a 4 KiB body, then closes (HttpClient end to end)', () => {
    const { net, server, client, http } = httpSetup();
    const ends: HttpExchange[] = [];
    const hc = new HttpClient(client.engine, buildHttpRequest('/4096', '10.1.1.10', 200), { onExchangeEnd: (_n, ex) => void ends.push(ex) });
    const r = hc.get(0, CLIENT_IP, SERVER_IP, 80);
    expect(r.ok).toBe(true);
    net.run();
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ status: 200, contentLength: 4096, bodyReceived: 4096, outcome: 'completed' });
    expect(hc.stats).toMatchObject({ opened: 1, completed: 1, reset: 0, failed: 0, bytesSent: 200 });
    expect(http.stats).toMatchObject({ connections: 1, requests: 1, responses: { 200: 1 }, bodyBytes: 4096 });
    // The request was exactly 200 bytes on the wire; the server closed first and holds TIME_WAIT.
    const req = net.wire.find((s) => s.src === CLIENT_IP && s.tcp.payloadLength > 0)!;
    expect(req.tcp.payloadLength).toBe(200);
    // The recorded exchange: the request rides on the handshake's third segment (the client writes as soon
    // as it is connected), head and body share segments (cork), the FIN rides on the last one, and the
    // client, which sees data and FIN together, answers from CLOSE_WAIT with its own FIN.
    expect(net.transcript()).toEqual([
      'c>s S seq=0 len=0',
      's>c S. seq=0 ack=1 len=0',
      'c>s P. seq=1 ack=1 len=200',
      's>c . seq=1 ack=201 len=1440',
      's>c . seq=1441 ack=201 len=1440',
      's>c FP. seq=2881 ack=201 len=1323',
      'c>s . seq=201 ack=2881 len=0',
      'c>s F. seq=201 ack=4205 len=0',
      's>c . seq=4205 ack=202 len=0',
    ]);
    // Timestamps are echoed: every segment's TSecr is the peer's latest TSval.
    for (const s of net.wire.slice(1)) {
      const peerLast = net.wire.filter((p) => p.src !== s.src && p.index < s.index).at(-1)!;
      expect(s.tcp.options.timestamp?.echo).toBe(peerLast.tcp.options.timestamp?.value);
    }
    const fromServer = net.wire.filter((s) => s.src === SERVER_IP && s.tcp.payloadLength > 0);
    // Head and body share segments (cork), the FIN rides on the last one.
    expect(fromServer.map((s) => s.tcp.payloadLength)).toEqual([1440, 1440, fromServer[2]!.tcp.payloadLength]);
    expect(fromServer[2]!.tcp.flags & TcpFlag.FIN).toBe(TcpFlag.FIN);
    expect(r.ok && r.value.state).toBe(TcpState.CLOSED);
    expect([...server.engine.connections()].map((c) => c.stateName)).toEqual([]);
  });

  it('parses a request split over several segments and returns the right body bytes', () => {
    const { net, client } = httpSetup();
    const { response } = rawClient(net, client, ['GE', 'T /37 HTTP/1.1\r', '\nHost: x\r\n', '\r\n']);
    const res = response();
    expect(res.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(res).toContain('Content-Length: 37\r\n');
    expect(res).toContain('Connection: close\r\n');
    const body = res.slice(res.indexOf('\r\n\r\n') + 4);
    expect(body.length).toBe(37);
    expect([...body].map((c) => c.charCodeAt(0))).toEqual(Array.from({ length: 37 }, (_, i) => bodyByte(i)));
  });

  it('uses the default body size for other paths, answers HEAD without a body, and 405 for other methods', () => {
    const { net, client } = httpSetup();
    const a = rawClient(net, client, ['GET /index.html HTTP/1.1\r\n\r\n']).response();
    expect(a).toContain('Content-Length: 1000\r\n');
    expect(a.length - a.indexOf('\r\n\r\n') - 4).toBe(1000);
    const h = rawClient(net, client, ['HEAD /50 HTTP/1.1\r\n\r\n']).response();
    expect(h).toContain('Content-Length: 50\r\n');
    expect(h.endsWith('\r\n\r\n')).toBe(true);
    const p = rawClient(net, client, ['POST /5 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc']).response();
    expect(p.startsWith('HTTP/1.1 405 Method Not Allowed\r\n')).toBe(true);
    const bad = rawClient(net, client, ['NONSENSE\r\n\r\n']).response();
    expect(bad.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
  });

  it('reads request heads by the HTTP rules: case-insensitive names, token lists, bad lines, bodies skipped', () => {
    const { net, client } = httpSetup();
    const status = (req: string) => rawClient(net, client, [req]).response().split('\r\n')[0];
    // Header names in any case, values with optional whitespace; a query string does not change the size.
    const a = rawClient(net, client, ['GET /12?x=1 HTTP/1.0\r\ncOnTeNt-LeNgTh:\t0 \r\nCONNECTION:  Upgrade, Keep-Alive\r\n\r\n']);
    expect(a.response()).toContain('Content-Length: 12\r\nConnection: keep-alive\r\n\r\n');
    // `close` anywhere in the Connection tokens wins, across repeated headers.
    expect(rawClient(net, client, ['GET /1 HTTP/1.1\r\nConnection: keep-alive\r\nConnection: foo ,close\r\n\r\n']).response()).toContain(
      'Connection: close\r\n',
    );
    expect(status('GET /1 HTTP/1.1\r\nno colon here\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 HTTP/1.1\r\n: empty name\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 HTTP/2.0\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 extra HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 HTTP/1.1\r\nContent-Length: 1x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx')).toBe('HTTP/1.1 400 Bad Request');
    expect(status('GET /1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n')).toBe('HTTP/1.1 501 Not Implemented');
    expect(status('get /1 HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 405 Method Not Allowed'); // methods are case-sensitive
    // A request body is skipped, even when it looks like another request.
    const b = rawClient(net, client, ['GET /4 HTTP/1.1\r\nContent-Length: 19\r\nConnection: keep-alive\r\n\r\nGET /9 HTTP/1.1\r\n\r\n', 'GET /2 HTTP/1.1\r\n\r\n']);
    expect([...b.response().matchAll(/Content-Length: (\d+)/g)].map((m) => Number(m[1]))).toEqual([4, 2]);
  });

  it('keeps the connection open on keep-alive and answers pipelined requests in order', () => {
    const { net, client, server } = httpSetup();
    const { conn, app, response } = rawClient(net, client, [
      'GET /3 HTTP/1.1\r\nConnection: keep-alive\r\n\r\nGET /5 HTTP/1.1\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\n',
      'Content-Length: 4\r\nConnection: keep-alive\r\n\r\nab',
      'cdGET /1 HTTP/1.1\r\n\r\n',
    ]);
    const res = response();
    const lengths = [...res.matchAll(/Content-Length: (\d+)/g)].map((m) => Number(m[1]));
    expect(lengths).toEqual([3, 5, 2, 1]);
    expect([...res.matchAll(/Connection: (\S+)\r/g)].map((m) => m[1])).toEqual(['keep-alive', 'keep-alive', 'keep-alive', 'close']);
    // The last request had no keep-alive: the server closed first (and went through TIME_WAIT).
    expect(conn.state).toBe(TcpState.CLOSED);
    expect(app.peerClosed).toEqual([conn]);
    expect(server.events).toEqual([`open 80-${conn.localPort}`, `time-wait 80-${conn.localPort}`, `close 80-${conn.localPort}`]);
  });

  it('streams a body larger than the send buffer (1 MiB through a 64 KiB buffer)', () => {
    const { net, client, http } = httpSetup();
    const hc = new HttpClient(client.engine, buildHttpRequest('/1048576', 'x'));
    hc.get(0, CLIENT_IP, SERVER_IP, 80);
    net.run();
    expect(hc.stats.completed).toBe(1);
    expect(http.stats.bodyBytes).toBe(1048576);
  });

  it('completes HTTP exchanges and echoes through 30% loss', () => {
    const net = new TestNet(17);
    const server = net.addHost('s', SERVER_IP, ZOS_TCP_CONFIG);
    const client = net.addHost('c', CLIENT_IP, tcpConfig(LINUX_TCP_CONFIG, { maxRto: 8 * S }));
    new HttpServer(server.engine).listen(0, 0, 80);
    new EchoServer(server.engine).listen(0, 0, 7);
    const rng = net.hosts[0]!.rng;
    net.filter = () => (rng.nextU32() / 2 ** 32 < 0.3 ? 'drop' : undefined);
    const hc = new HttpClient(client.engine, buildHttpRequest('/4096', 'x', 200));
    for (let i = 0; i < 5; i++) hc.get(0, CLIENT_IP, SERVER_IP, 80);
    const app = new Recorder(() => client.engine);
    const e = client.engine.connect(0, CLIENT_IP, SERVER_IP, 7, app);
    if (!e.ok) throw new Error('connect');
    client.engine.write(0, e.value, pattern(20000));
    net.runUntil(() => hc.stats.completed + hc.stats.failed + hc.stats.reset === 5 && app.bytes(e.value).length === 20000, 1000 * S);
    expect(hc.stats).toMatchObject({ opened: 5, completed: 5, failed: 0, reset: 0 });
    expect(app.bytes(e.value)).toEqual(pattern(20000));
  });
});

describe('echo server', () => {
  it('echoes every byte and closes after the client does', () => {
    const net = new TestNet(2);
    const server = net.addHost('s', SERVER_IP, ZOS_TCP_CONFIG);
    const client = net.addHost('c', CLIENT_IP, tcpConfig(LINUX_TCP_CONFIG, { sendBuffer: 100000 }));
    const echo = new EchoServer(server.engine);
    echo.listen(0, SERVER_IP, 7);
    const app = new Recorder(() => client.engine);
    app.closeOnPeerClose = false;
    const r = client.engine.connect(0, CLIENT_IP, SERVER_IP, 7, app);
    if (!r.ok) throw new Error('connect');
    // More than the z/OS 64 KiB send buffer: the echo must wait for onWritable.
    const data = pattern(90000, 9);
    expect(client.engine.write(0, r.value, data)).toBe(90000);
    client.engine.close(0, r.value);
    net.run();
    expect(app.bytes(r.value)).toEqual(data);
    expect(echo.stats).toEqual({ connections: 1, bytesEchoed: 90000 });
    expect(app.peerClosed).toEqual([r.value]);
    expect(app.closed.get(r.value)).toBe('normal');
  });
});
