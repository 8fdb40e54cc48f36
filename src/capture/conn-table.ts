// Open connections by bidirectional key, in typed arrays: an open-addressing
// hash index (linear probing, backward-shift deletion) over slots whose keys
// are 10 words each — two addresses of 4 words (IPv4 uses the first), both
// ports, and protocol/version/kind. No object or string per packet.

export const KEY_WORDS = 10;

export class ConnectionTable {
  /** The key to find or insert; filled by the caller. */
  readonly key = new Uint32Array(KEY_WORDS);
  capacity: number;
  keys: Uint32Array;
  private hashes: Int32Array;
  /** slot + 1 per bucket, 0 for empty; twice the capacity, so at most half full. */
  private index: Int32Array;
  private mask: number;
  private free: Int32Array;
  private freeCount: number;

  /** Called after the slot capacity grew, so per-slot arrays can follow. */
  constructor(initialCapacity: number, private readonly onGrow: (capacity: number) => void) {
    this.capacity = initialCapacity;
    this.keys = new Uint32Array(initialCapacity * KEY_WORDS);
    this.hashes = new Int32Array(initialCapacity);
    this.index = new Int32Array(initialCapacity * 2);
    this.mask = initialCapacity * 2 - 1;
    this.free = new Int32Array(initialCapacity);
    for (let i = 0; i < initialCapacity; i++) this.free[i] = initialCapacity - 1 - i;
    this.freeCount = initialCapacity;
  }

  get size(): number {
    return this.capacity - this.freeCount;
  }

  /** Hash of `key`. */
  hash(): number {
    const k = this.key;
    let h = 0x9747b28c;
    for (let i = 0; i < KEY_WORDS; i++) {
      h = Math.imul(h ^ k[i], 0x5bd1e995);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Slot holding `key`, or -1. */
  find(hash: number): number {
    const index = this.index;
    const mask = this.mask;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const entry = index[b];
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.sameKey(slot)) return slot;
    }
  }

  /** A new slot for `key` (which must not be present). */
  insert(hash: number): number {
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount];
    this.keys.set(this.key, slot * KEY_WORDS);
    this.hashes[slot] = hash;
    this.place(slot);
    return slot;
  }

  remove(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let hole = this.hashes[slot] & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    index[hole] = 0;
    // Backward shift: pull later entries of the probe run into the hole when their home allows it.
    for (let b = (hole + 1) & mask; index[b] !== 0; b = (b + 1) & mask) {
      const home = this.hashes[index[b] - 1] & mask;
      const stays = hole <= b ? hole < home && home <= b : hole < home || home <= b;
      if (!stays) {
        index[hole] = index[b];
        index[b] = 0;
        hole = b;
      }
    }
    this.free[this.freeCount++] = slot;
  }

  private sameKey(slot: number): boolean {
    const keys = this.keys;
    const k = this.key;
    const o = slot * KEY_WORDS;
    for (let i = 0; i < KEY_WORDS; i++) if (keys[o + i] !== k[i]) return false;
    return true;
  }

  private place(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let b = this.hashes[slot] & mask;
    while (index[b] !== 0) b = (b + 1) & mask;
    index[b] = slot + 1;
  }

  private grow(): void {
    const old = this.capacity;
    const capacity = old * 2;
    const keys = new Uint32Array(capacity * KEY_WORDS);
    keys.set(this.keys);
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.keys = keys;
    this.hashes = hashes;
    this.capacity = capacity;
    this.index = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    // Every old slot is in use (the free list was empty): re-index them all.
    for (let s = 0; s < old; s++) this.place(s);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < old; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = old;
    this.onGrow(capacity);
  }
}

/** Grow a typed array to `n` elements, keeping its contents. */
export function grown<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
