// A minimal WebSocket client (RFC 6455: handshake, masked text frames out, fragmented frames in, ping/pong,
// close) and a Chrome DevTools Protocol client on it: enough to drive a Node inspector from a test. Node 20
// has no WebSocket client of its own, and node:inspector cannot attach to another process.

import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class CdpClient {
  private buf = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: any) => void)[]>();

  private constructor(private readonly socket: Socket) {}

  /** Connects to `ws://host:port/path` and completes the WebSocket handshake. */
  static connect(url: string): Promise<CdpClient> {
    const u = new URL(url);
    const key = randomBytes(16).toString('base64');
    const expect = createHash('sha1').update(key + GUID).digest('base64');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname);
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const lines = head.subarray(0, end).toString('latin1').split('\r\n');
        const accept = lines.find((l) => /^sec-websocket-accept:/i.test(l))?.split(':')[1]?.trim();
        if (!/^HTTP\/1\.1 101 /.test(lines[0]!) || accept !== expect) {
          reject(new Error(`WebSocket handshake refused: ${lines[0]}`));
          socket.destroy();
          return;
        }
        const client = new CdpClient(socket);
        socket.on('data', (chunk: Buffer) => client.onData(chunk));
        socket.on('close', () => {
          for (const p of client.pending.values()) p.reject(new Error('inspector connection closed'));
          client.pending.clear();
        });
        client.onData(head.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onData);
      socket.on('error', reject);
      socket.on('connect', () => {
        socket.write(
          `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  /** Sends a CDP command and resolves with its result (rejects with its error). */
  send<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.sendFrame(0x1, Buffer.from(JSON.stringify({ id, method, params })));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  on(event: string, fn: (params: any) => void): void {
    const l = this.listeners.get(event) ?? [];
    l.push(fn);
    this.listeners.set(event, l);
  }

  /** Resolves with the params of the next `event`. */
  once(event: string): Promise<any> {
    return new Promise((resolve) => {
      const fn = (p: unknown) => {
        this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
        resolve(p);
      };
      this.on(event, fn);
    });
  }

  close(): void {
    this.sendFrame(0x8, Buffer.alloc(0));
    this.socket.end();
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const n = payload.length;
    const header = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (n >= 126 && n < 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(n, 2);
    } else if (n >= 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    const masked = Buffer.alloc(n);
    for (let i = 0; i < n; i++) masked[i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const fin = (this.buf[0]! & 0x80) !== 0;
      const opcode = this.buf[0]! & 0x0f;
      const masked = (this.buf[1]! & 0x80) !== 0;
      let len = this.buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      const maskKey = masked ? this.buf.subarray(off, off + 4) : null;
      if (masked) off += 4;
      if (this.buf.length < off + len) return;
      const payload = Buffer.from(this.buf.subarray(off, off + len));
      if (maskKey !== null) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ maskKey[i & 3]!;
      this.buf = this.buf.subarray(off + len);
      if (opcode === 0x9) this.sendFrame(0xa, payload);
      else if (opcode === 0x8) this.socket.end();
      else if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.dispatch(JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown });
        }
      }
    }
  }

  private dispatch(m: { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown }): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
      return;
    }
    if (m.method !== undefined) for (const fn of [...(this.listeners.get(m.method) ?? [])]) fn(m.params);
  }
}
