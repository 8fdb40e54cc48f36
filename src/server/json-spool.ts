// The records of a JSON response wait for the summary, which comes first in the
// document. Kept as one string each, an upload's records (about 4 MB for KDDTest+)
// sat in the collected heap until the response went out, and the old generation rose
// and fell by that much with every upload. Here they are encoded as they come into
// 64 kB blocks of UTF-8, which the response then sends as they are.

const BLOCK = 1 << 16;
const enc = new TextEncoder();

export class JsonSpool {
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(BLOCK);
  private used = 0;
  /** Bytes spooled. */
  size = 0;
  private count = 0;

  /** Appends one JSON value as the next element of the array (commas in between). */
  add(json: string): void {
    if (this.count++ > 0) {
      if (this.used === this.block.length) this.flush();
      this.block[this.used++] = 0x2c; // the comma, without a string for it
      this.size++;
    }
    this.write(json);
  }

  /** The spooled bytes in order (the last block cut to its end); the spool is empty after. */
  take(): Uint8Array[] {
    if (this.used > 0) this.blocks.push(this.block.subarray(0, this.used));
    const out = this.blocks.splice(0);
    this.block = new Uint8Array(0);
    this.used = 0;
    return out;
  }

  private write(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (s.length * 3 > BLOCK) {
      const bytes = enc.encode(s);
      this.flush();
      this.blocks.push(bytes);
      this.size += bytes.length;
      return;
    }
    if (s.length * 3 > this.block.length - this.used) this.flush();
    const { written } = enc.encodeInto(s, this.block.subarray(this.used));
    this.used += written;
    this.size += written;
  }

  private flush(): void {
    if (this.used > 0) this.blocks.push(this.block.subarray(0, this.used));
    this.block = new Uint8Array(BLOCK);
    this.used = 0;
  }
}
