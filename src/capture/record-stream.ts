// Cuts a byte stream into length-prefixed records (pcap packet records, pcapng
// blocks) whatever the chunk boundaries. Records are handed out in place from
// the current chunk; only a record that straddles two chunks is copied, into
// one reused carry buffer, so memory stays at one chunk plus one record.

export abstract class RecordStream {
  /** Absolute byte offset of the next record, for error messages. */
  protected offset = 0;
  private carry = new Uint8Array(256);
  private carryLength = 0;

  /** Bytes needed before recordLength() can be asked. */
  protected abstract headerBytes(): number;
  /** Total length of the record starting at `off` (validated: throws on nonsense). */
  protected abstract recordLength(buf: Uint8Array, off: number): number;
  /** One complete record. */
  protected abstract record(buf: Uint8Array, off: number, length: number): void;

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.carryLength > 0) {
      pos = this.completeCarried(chunk);
      if (pos < 0) return; // still incomplete; the whole chunk went into the carry
    }
    const end = chunk.length;
    while (true) {
      const head = this.headerBytes();
      if (end - pos < head) break;
      const length = this.recordLength(chunk, pos);
      if (end - pos < length) break;
      this.record(chunk, pos, length);
      this.offset += length;
      pos += length;
    }
    if (pos < end) this.keep(chunk, pos, end);
  }

  /** Bytes of an incomplete record left when the input ended (0 if it ended cleanly). */
  get pendingBytes(): number {
    return this.carryLength;
  }

  /** Fill the carried record from `chunk`; the chunk position after it, or -1 if still short. */
  private completeCarried(chunk: Uint8Array): number {
    let pos = this.fill(chunk, 0, this.headerBytes());
    if (this.carryLength < this.headerBytes()) return -1;
    const length = this.recordLength(this.carry, 0);
    pos = this.fill(chunk, pos, length);
    if (this.carryLength < length) return -1;
    this.carryLength = 0;
    this.record(this.carry, 0, length);
    this.offset += length;
    return pos;
  }

  /** Append chunk bytes from `pos` until the carry holds `want` bytes; returns the new position. */
  private fill(chunk: Uint8Array, pos: number, want: number): number {
    const take = Math.min(want - this.carryLength, chunk.length - pos);
    if (take <= 0) return pos;
    this.reserve(this.carryLength + take);
    this.carry.set(chunk.subarray(pos, pos + take), this.carryLength);
    this.carryLength += take;
    return pos + take;
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    this.reserve(this.carryLength + to - from);
    this.carry.set(chunk.subarray(from, to), this.carryLength);
    this.carryLength += to - from;
  }

  private reserve(n: number): void {
    if (n <= this.carry.length) return;
    let size = this.carry.length;
    while (size < n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.carry.subarray(0, this.carryLength));
    this.carry = bigger;
  }
}
