// A Linux TAP device, opened without a native addon.
//
// Node has no ioctl(), and TUNSETIFF is what makes an open /dev/net/tun a TAP. Choices were: a C addon built
// by node-gyp at install time (needs a compiler and Node's headers on every machine, and npm ci must run the
// build; the emulator would have to survive its absence), socat (a Debian package more, and every frame
// crosses a second process and a pipe), or this: Node opens /dev/net/tun itself and hands the descriptor to a
// ten-line python3 helper as its fd 3; the helper issues TUNSETIFF on it and exits. The ioctl binds the *open
// file* (shared by both processes), so Node's descriptor is then the TAP and frames never cross a second
// process. python3 is on every Debian machine; nothing is built at install time.
//
// No IFF_VNET_HDR: the kernel cannot hand a TAP without a virtio-net header any GSO/TSO super-frame or a
// frame with a partial checksum, so it segments and checksums in software before the frame reaches us. We
// also clear every offload with TUNSETOFFLOAD(0) to say so explicitly.
//
// Reading: a blocking read() per frame on libuv's thread pool (fs.read); the TAP is removed when the last
// descriptor closes, and a read still waiting then returns (the device's queue is shut down).

import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, read, writeSync } from 'node:fs';

/** Something about the TAP that the user must fix (privilege, name): the CLI makes it exit 2. */
export class TapSetupError extends Error {}

const HELPER = `
import fcntl, socket, struct, sys
TUNSETIFF, TUNSETOFFLOAD, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x400454d0, 0x0002, 0x1000
try:
    socket.if_nametoindex(sys.argv[1])
    print(17, 'it exists')
    sys.exit(1)
except OSError:
    pass
try:
    fcntl.ioctl(3, TUNSETIFF, struct.pack('16sH', sys.argv[1].encode(), IFF_TAP | IFF_NO_PI))
    fcntl.ioctl(3, TUNSETOFFLOAD, 0)
except OSError as e:
    print(e.errno, e.strerror)
    sys.exit(1)
`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const MAX_FRAME = 65536;

export class TapDevice {
  /** Bytes and frames each way. */
  readonly stats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, writeErrors: 0 };
  private fd: number;
  private closed = false;

  private constructor(readonly name: string, fd: number) {
    this.fd = fd;
  }

  /** Creates the TAP `name`; TapSetupError for what the user can fix (privilege, an existing name). */
  static open(name: string): TapDevice {
    if (!NAME.test(name)) throw new TapSetupError(`--tap: '${name}' is not an interface name (1-15 letters, digits, _ . -)`);
    let fd: number;
    try {
      fd = openSync('/dev/net/tun', constants.O_RDWR);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new TapSetupError('--tap needs root or CAP_NET_ADMIN to open /dev/net/tun (run as root, or in a user+network namespace: unshare -rn)');
      if (code === 'ENOENT') throw new TapSetupError('--tap: there is no /dev/net/tun on this machine (load the tun module: modprobe tun)');
      throw new TapSetupError(`--tap: cannot open /dev/net/tun: ${(e as Error).message}`);
    }
    const r = spawnSync('python3', ['-c', HELPER, name], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) {
      closeSync(fd);
      if (r.error !== undefined) throw new TapSetupError(`--tap needs python3 to create the device: ${r.error.message}`);
      const [errno, ...words] = r.stdout.trim().split(' ');
      const why = words.join(' ') || r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
      if (errno === '1') throw new TapSetupError(`--tap needs root or CAP_NET_ADMIN to create ${name}: ${why}`);
      if (errno === '17' || errno === '16') throw new TapSetupError(`--tap: an interface named ${name} exists already (pick another name, or remove it: ip link delete ${name})`);
      throw new TapSetupError(`--tap: cannot create ${name}: ${why}`);
    }
    return new TapDevice(name, fd);
  }

  /** Calls `onFrame` with each frame the host sends (a fresh copy each time: one read buffer is reused) until close(). */
  startReading(onFrame: (frame: Uint8Array) => void, onError: (err: Error) => void): void {
    const buf = Buffer.allocUnsafe(MAX_FRAME);
    const next = (): void => {
      if (this.closed) return;
      read(this.fd, buf, 0, MAX_FRAME, null, (err, n) => {
        if (this.closed) return;
        if (err !== null) {
          onError(err);
          return;
        }
        if (n === 0) return; // the device went away
        this.stats.framesIn++;
        this.stats.bytesIn += n;
        onFrame(Uint8Array.prototype.slice.call(buf, 0, n));
        next();
      });
    };
    next();
  }

  /** Sends one frame to the host. A full queue drops the frame, as a NIC would. */
  write(frame: Uint8Array): void {
    if (this.closed) return;
    try {
      writeSync(this.fd, frame);
      this.stats.framesOut++;
      this.stats.bytesOut += frame.length;
    } catch {
      this.stats.writeErrors++;
    }
  }

  /** Closes the descriptor: the kernel removes the TAP. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
  }
}
