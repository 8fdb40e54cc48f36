// Puts connections back into start order. Sources emit a connection when it
// ends (pcap assembler) or when it is removed from memory (Zeek), so a long
// connection arrives after many that started later; window features need start
// order. A min-heap holds what may still be overtaken by a later arrival.

import type { Connection } from './connection.ts';

/**
 * Start order with a total tie-break on the identity and then the measured
 * values, so equal start times come out the same way whatever the arrival order.
 * Starts compare to the microsecond (see microseconds()).
 */
export function compareConnections(a: Connection, b: Connection): number {
  return (
    microseconds(a.start) - microseconds(b.start) ||
    cmp(a.protocol, b.protocol) ||
    cmp(a.origAddr, b.origAddr) ||
    a.origPort - b.origPort ||
    cmp(a.respAddr, b.respAddr) ||
    a.respPort - b.respPort ||
    a.duration - b.duration ||
    a.origBytes - b.origBytes ||
    a.respBytes - b.respBytes ||
    cmp(a.flag, b.flag)
  );
}

/**
 * Time in whole microseconds: pcap timestamps and Zeek's printed ts of the same
 * packet can differ in the last bit of a double, and must order (and fall in or
 * out of a window) the same way. Exact for epoch times (< 2^53 µs).
 */
export const microseconds = (t: number): number => Math.round(t * 1e6);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface ReorderOptions {
  /**
   * For sources without a watermark (Zeek): once a connection starting at t has
   * been seen, everything that started before t − horizon is released. Seconds;
   * default 120. It stops applying at the first advance(): a source with a
   * watermark releases by the watermark alone, so a long connection that ends
   * late still finds its place.
   */
  horizon?: number;
  /** Buffered connections beyond this are released oldest first, to bound memory. Default 1,000,000. */
  maxBuffered?: number;
}

export const DEFAULT_HORIZON = 120;
export const DEFAULT_MAX_BUFFERED = 1_000_000;

/**
 * push() buffers; advance(w) releases, in start order, every buffered connection
 * with start < w (the source promises that nothing still to come starts before
 * w); finish() releases the rest. Released connections go to `emit`.
 *
 * A connection that arrives after connections starting later than it have been
 * released (it came more than `horizon` late, or after a forced release) cannot
 * be put in order any more: it is emitted at once and counted in `late`.
 */
export class ReorderBuffer {
  private readonly heap: Connection[] = [];
  private readonly horizon: number;
  private readonly maxBuffered: number;
  private maxStart = -Infinity;
  /** Start of the last connection released: anything earlier is late. */
  private releasedUpTo = -Infinity;
  private watermarked = false;
  late = 0;

  constructor(private readonly emit: (c: Connection) => void, opts: ReorderOptions = {}) {
    this.horizon = opts.horizon ?? DEFAULT_HORIZON;
    this.maxBuffered = opts.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    if (!(this.horizon >= 0)) throw new RangeError(`horizon must be ≥ 0 seconds, got ${opts.horizon}`);
    if (!(this.maxBuffered >= 1)) throw new RangeError(`maxBuffered must be ≥ 1, got ${opts.maxBuffered}`);
  }

  get buffered(): number {
    return this.heap.length;
  }

  push(c: Connection): void {
    if (!Number.isFinite(c.start)) throw new RangeError(`connection start must be a finite time, got ${c.start}`);
    if (c.start < this.releasedUpTo) {
      this.late++;
      this.emit(c);
      return;
    }
    this.heapPush(c);
    if (c.start > this.maxStart) this.maxStart = c.start;
    if (!this.watermarked && this.horizon !== Infinity) this.releaseBefore(this.maxStart - this.horizon);
    while (this.heap.length > this.maxBuffered) this.releaseOne();
  }

  advance(watermark: number): void {
    this.watermarked = true;
    this.releaseBefore(watermark);
  }

  finish(): void {
    while (this.heap.length > 0) this.releaseOne();
  }

  private releaseBefore(t: number): void {
    while (this.heap.length > 0 && this.heap[0].start < t) this.releaseOne();
  }

  private releaseOne(): void {
    const c = this.heapPop();
    this.releasedUpTo = c.start;
    this.emit(c);
  }

  private heapPush(c: Connection): void {
    const h = this.heap;
    let i = h.push(c) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareConnections(h[parent], c) <= 0) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = c;
  }

  private heapPop(): Connection {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const m = r < h.length && compareConnections(h[r], h[l]) < 0 ? r : l;
        if (compareConnections(last, h[m]) <= 0) break;
        h[i] = h[m];
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
