// Live runs with real tools, each in a private network namespace of its own: the emulator is started under
// `unshare -n` (so its TAP and every packet stay in a namespace that holds only lo and the TAP and vanishes
// with the process), the host side is configured and the tools run there with `nsenter -t PID -n`.
// Nothing here can reach another network.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MAIN, ROOT } from '../e2e/cli.js';

/** What the live tests need, with the Debian package that brings each. */
const TOOLS: [string, string][] = [
  ['unshare', 'util-linux'],
  ['nsenter', 'util-linux'],
  ['ip', 'iproute2'],
  ['curl', 'curl'],
  ['wrk', 'wrk'],
  ['python3', 'python3'],
];

/** Why the live tests cannot run here, or null when they can. */
export function liveTestsMissing(): string | null {
  if (process.platform !== 'linux') return 'Linux is missing';
  if (process.getuid?.() !== 0) return 'root is missing (TAP devices and network namespaces need it)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing: modprobe tun';
  const missing = TOOLS.filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  if (missing.length > 0) return `${missing.map(([c]) => c).join(', ')} missing: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')}`;
  return null;
}

export interface LiveEnd {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** An emulator run with `--tap LAN1=tap0` in a namespace of its own. */
export class LiveSysplex {
  readonly child: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private readonly ended: Promise<LiveEnd>;

  constructor(args: readonly string[]) {
    this.child = spawn('unshare', ['-n', '--', process.execPath, MAIN, 'run', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
    this.ended = new Promise((resolve) => this.child.on('close', (status) => resolve({ status, stdout: this.out, stderr: this.err })));
  }

  get stderr(): string {
    return this.err;
  }

  /** Runs a command in the emulator's namespace. */
  inNs(cmd: string, timeoutMs = 60_000): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync('nsenter', ['-t', String(this.child.pid), '-n', 'sh', '-c', cmd], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** The same without blocking the test (for wrk while the console is used). */
  inNsAsync(cmd: string): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const c = spawn('nsenter', ['-t', String(this.child.pid), '-n', 'sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('close', (status) => resolve({ status, stdout: out }));
    });
  }

  /** Waits for tap0, then gives the host side an address in the clients subnet and a route via the gateway. */
  async configureHost(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (this.child.exitCode !== null) throw new Error(`the emulator ended early: ${this.err}`);
      if (this.inNs('ip link show tap0 >/dev/null 2>&1').status === 0) break;
      await sleep(100);
    }
    const r = this.inNs('ip link set lo up && ip addr add 198.51.100.2/24 dev tap0 && ip link set tap0 up && ip route add 10.1.1.0/24 via 198.51.100.1');
    if (r.status !== 0) throw new Error(`configuring the host side failed: ${r.stderr}`);
  }

  /** A line for the operator console. */
  console(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ctrl-C, then the run's end. */
  async interrupt(): Promise<LiveEnd> {
    this.child.kill('SIGINT');
    return this.ended;
  }

  end(): Promise<LiveEnd> {
    return this.ended;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
