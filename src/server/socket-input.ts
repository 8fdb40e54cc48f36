// WebSocket messages as one byte stream, the way the reader takes a request body: a
// message may hold several lines or part of one. The queue between the socket and the
// scorer is bounded: above `high` bytes the socket is paused (the runtime stops
// reading it, so TCP holds the client back); a runtime that cannot pause a socket gets
// a hard `limit`, past which the input fails instead of growing.

import { HttpProblem } from './problem.ts';

export interface SocketInputOptions {
  /** Queued bytes above which pause() is called; resume() once half of them are consumed. */
  high: number;
  /** Queued bytes past which the input fails (a client that sends faster than it is served). */
  limit: number;
  pause?: () => void;
  resume?: () => void;
}

type Piece = Uint8Array | Blob;

export class SocketInput implements AsyncIterable<Uint8Array> {
  private readonly queue: Piece[] = [];
  private queued = 0;
  private ended = false;
  private failure: unknown = null;
  private paused = false;
  private wake: (() => void) | null = null;
  private readonly enc = new TextEncoder();

  constructor(private readonly opts: SocketInputOptions) {}

  /** Bytes received and not yet taken by the scorer. */
  get bytesQueued(): number { return this.queued; }

  /** Whether the input has been closed for good (ended or failed). */
  get closed(): boolean { return this.ended || this.failure !== null; }

  push(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.closed) return;
    const piece: Piece = typeof data === 'string' ? this.enc.encode(data)
      : data instanceof Blob ? data
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    const size = piece instanceof Blob ? piece.size : piece.byteLength;
    if (size === 0) return;
    this.queue.push(piece);
    this.queued += size;
    if (this.queued > this.opts.limit) {
      this.fail(new HttpProblem(429, `The client sent more than ${this.opts.limit} bytes ahead of the alerts it has read, so the server stopped this stream. Read the alert messages as they arrive (the server reads input only as fast as its alerts are taken), or send the feed more slowly.`, {
        title: 'Input too fast',
      }));
      return;
    }
    if (!this.paused && this.queued > this.opts.high && this.opts.pause) {
      this.paused = true;
      this.opts.pause();
    }
    this.notify();
  }

  /** No more input: what is queued is still read, then the stream ends. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Ends the stream with `err`, dropping what is queued. */
  fail(err: unknown): void {
    if (this.failure !== null) return;
    this.failure = err;
    this.queue.length = 0;
    this.queued = 0;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.failure !== null) throw this.failure;
        const piece = this.queue.shift();
        if (piece) {
          this.queued -= piece instanceof Blob ? piece.size : piece.byteLength;
          if (this.paused && this.queued <= this.opts.high / 2) {
            this.paused = false;
            this.opts.resume?.();
          }
          yield piece instanceof Blob ? new Uint8Array(await piece.arrayBuffer()) : piece;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((r) => { this.wake = r; });
      }
    } finally {
      // The scorer stopped early (an error): later messages are dropped, the socket read again.
      this.end();
      this.queue.length = 0;
      this.queued = 0;
      if (this.paused) {
        this.paused = false;
        this.opts.resume?.();
      }
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
