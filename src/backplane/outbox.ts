// ZeroMQ allows one send in flight per socket: the outbox queues messages behind the one being sent, so that
// heartbeats, answers and logs from different parts of a process never collide.

import type * as zmq from 'zeromq';

type Frames = Buffer | (Buffer | string)[];

export class Outbox {
  private queue: Frames[] = [];
  private busy = false;
  private closed = false;

  constructor(private readonly socket: zmq.Socket & { send(msg: Frames): Promise<void> }, private readonly onError: (err: unknown) => void) {}

  send(frames: Frames): void {
    if (this.closed) return;
    if (this.busy) {
      this.queue.push(frames);
      return;
    }
    this.busy = true;
    this.socket.send(frames).then(this.next, this.failed);
  }

  /** Resolves when everything queued has been handed to ZeroMQ. */
  async drain(): Promise<void> {
    while (this.busy) await new Promise((r) => setImmediate(r));
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private readonly next = (): void => {
    const f = this.queue.shift();
    if (f === undefined || this.closed) {
      this.busy = false;
      return;
    }
    this.socket.send(f).then(this.next, this.failed);
  };

  private readonly failed = (err: unknown): void => {
    this.busy = false;
    if (!this.closed) this.onError(err);
  };
}
