// Intrusive doubly-linked lists over connection slots, in typed arrays: each
// slot is in at most one of the lists. Used to keep open connections in order
// of last activity (one list per timeout, so the head is always the first to
// expire) and in order of start time (for the active timeout and watermark).

import { grown } from './conn-table.ts';

export class SlotLists {
  prev: Int32Array;
  next: Int32Array;
  /** Which list a slot is in (-1: none). */
  list: Int32Array;
  readonly head: Int32Array;
  readonly tail: Int32Array;

  constructor(capacity: number, lists: number) {
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.list = new Int32Array(capacity).fill(-1);
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
  }

  grow(capacity: number): void {
    const old = this.list.length;
    this.prev = grown(this.prev, capacity);
    this.next = grown(this.next, capacity);
    this.list = grown(this.list, capacity);
    this.list.fill(-1, old);
  }

  /** Append `slot` to the end of list `l`. */
  push(l: number, slot: number): void {
    const t = this.tail[l];
    this.prev[slot] = t;
    this.next[slot] = -1;
    if (t < 0) this.head[l] = slot;
    else this.next[t] = slot;
    this.tail[l] = slot;
    this.list[slot] = l;
  }

  /** Insert `slot` into list `l` after `after` (-1: at the front). */
  insertAfter(l: number, after: number, slot: number): void {
    const n = after < 0 ? this.head[l] : this.next[after];
    this.prev[slot] = after;
    this.next[slot] = n;
    if (after < 0) this.head[l] = slot;
    else this.next[after] = slot;
    if (n < 0) this.tail[l] = slot;
    else this.prev[n] = slot;
    this.list[slot] = l;
  }

  unlink(slot: number): void {
    const l = this.list[slot];
    if (l < 0) return;
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p < 0) this.head[l] = n;
    else this.next[p] = n;
    if (n < 0) this.tail[l] = p;
    else this.prev[n] = p;
    this.list[slot] = -1;
  }

  /** Move `slot` to the end of list `l` (from wherever it was). */
  moveToEnd(l: number, slot: number): void {
    if (this.list[slot] === l && this.tail[l] === slot) return;
    this.unlink(slot);
    this.push(l, slot);
  }
}
