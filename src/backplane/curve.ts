// CURVE keys for backplane endpoints: key files in ZeroMQ's certificate format (what czmq's zcert and pyzmq's
// zmq.auth.create_certificates write), and a ZAP handler that lets in only the client key of the run.
//
//     curve
//         public-key = "<40 characters of Z85>"
//         secret-key = "<40 characters of Z85>"      (only in a secret certificate)
//
// The coordinator needs the server's secret certificate and the client's public key; a worker needs the
// server's public key and the client's secret certificate. One pair of secret certificates serves both.

import { readFileSync, writeFileSync } from 'node:fs';
import * as zmq from 'zeromq';
import { InputError } from '../errors.js';

export interface CurveCertificate {
  publicKey: string;
  secretKey: string | null;
}

/** Both certificates of a run, as files. */
export interface CurveFiles {
  serverKey: string;
  clientKey: string;
}

export interface CurveKeys {
  server: CurveCertificate;
  client: CurveCertificate;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

export function readCertificate(file: string): CurveCertificate {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read the CURVE key file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const field = (name: string): string | null => {
    const m = new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"\\s*$`, 'm').exec(text);
    if (m === null) return null;
    if (!Z85_KEY.test(m[1]!)) throw new InputError(file, `${name} is not a 40-character Z85 CURVE key`);
    return m[1]!;
  };
  const publicKey = field('public-key');
  if (publicKey === null) throw new InputError(file, 'not a ZeroMQ CURVE certificate (no public-key = "..." line)');
  return { publicKey, secretKey: field('secret-key') };
}

export function readCurveFiles(files: CurveFiles, role: 'coordinator' | 'worker'): CurveKeys {
  const server = readCertificate(files.serverKey);
  const client = readCertificate(files.clientKey);
  if (role === 'coordinator' && server.secretKey === null) throw new InputError(files.serverKey, 'the coordinator needs the server secret key (a secret certificate)');
  if (role === 'worker' && client.secretKey === null) throw new InputError(files.clientKey, 'a worker needs the client secret key (a secret certificate)');
  return { server, client };
}

/** Writes a secret certificate (public and secret key) in the zcert format. */
export function writeCertificate(file: string, keys: { publicKey: string; secretKey: string }): void {
  writeFileSync(
    file,
    `#   ZeroMQ CURVE **Secret** Certificate (sysplex-emu backplane)\n#   DO NOT PROVIDE THIS FILE TO OTHER USERS.\n\nmetadata\ncurve\n    public-key = "${keys.publicKey}"\n    secret-key = "${keys.secretKey}"\n`,
    { mode: 0o600 },
  );
}

export function newCertificate(): { publicKey: string; secretKey: string } {
  return zmq.curveKeyPair();
}

/** Server-side socket options of the coordinator's endpoint. */
export function serverOptions(keys: CurveKeys): Partial<zmq.Router> {
  return { curveServer: true, curveSecretKey: keys.server.secretKey!, curvePublicKey: keys.server.publicKey, zapDomain: 'sysplex-emu' };
}

/** Client-side socket options of a participant. */
export function clientOptions(keys: CurveKeys): Partial<zmq.Dealer> {
  return { curveServerKey: keys.server.publicKey, curvePublicKey: keys.client.publicKey, curveSecretKey: keys.client.secretKey! };
}

/**
 * A ZAP handler (ZeroMQ RFC 27) in `context`: accepts a CURVE client only with the run's client key. Without
 * one, libzmq accepts any client key, which would encrypt the link but let anyone in.
 */
export class ZapHandler {
  private readonly socket: zmq.Router;
  private readonly allowed: Uint8Array;
  /** Client keys refused so far (for the log and the tests). */
  refused = 0;

  constructor(context: zmq.Context, clientPublicKey: string, private readonly log: (line: string) => void) {
    this.allowed = z85Decode(clientPublicKey);
    this.socket = new zmq.Router({ context, linger: 0 });
  }

  async start(): Promise<void> {
    await this.socket.bind('inproc://zeromq.zap.01');
    void this.serve();
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        // [routing id, empty, version, request id, domain, address, identity, mechanism, credentials...]
        const [rid, , version, requestId, , address, , mechanism, key] = frames;
        if (rid === undefined || requestId === undefined) continue;
        const ok = version?.toString() === '1.0' && mechanism?.toString() === 'CURVE' && key !== undefined && equalBytes(key, this.allowed);
        if (!ok && ++this.refused <= 3) this.log(`backplane: refused a CURVE client from ${address?.toString() ?? '?'} (not the run's client key)`);
        await this.socket.send([rid, '', '1.0', requestId, ok ? '200' : '400', ok ? 'OK' : 'client key not allowed', ok ? 'participant' : '', '']);
      }
    } catch {
      /* closed */
    }
  }

  close(): void {
    this.socket.close();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 (ZeroMQ RFC 32) to bytes; the input length is a multiple of 5. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new Error('Z85 text length must be a multiple of 5');
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const d = Z85.indexOf(text[i + j]!);
      if (d < 0) throw new Error(`not a Z85 character: ${text[i + j]}`);
      v = v * 85 + d;
    }
    out[o] = (v >>> 24) & 0xff;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}
