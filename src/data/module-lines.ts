// The byte reader's plain KDD lines parsed in the compute core (assembly/kdd-lines.ts):
// a chunk is copied into the module once and its plain lines are taken in compiled
// code, up to a batch at a time; their words come back as dictionary numbers, so a
// string is made once per distinct value. The rules are KddByteRows.append's, and where
// the module stops (a line that is not plain) the byte reader goes on as without it.

import type { BatchBuilder } from './batch.ts';
import { normalizeLabel } from './schema.ts';

/** What this needs of the compute core (src/engine/core.ts's CoreExports has it). */
export interface LineCore {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  kddDictionary(): number;
  kddLines(buf: number, pos: number, n: number, final: number, role: number, columns: number, width: number,
    maxRows: number, numeric: number, rowsOut: number, dict: number, result: number): number;
}

/** Integers per row the module writes (assembly/kdd-lines.ts ROW_INTS). */
const ROW_INTS = 14;
/** assembly/kdd-lines.ts's reason for stopping when the batch is full. */
const FULL = 1;
const FIELDS = 4; // three categorical features, then the label

export interface LineStep {
  /** Where the byte reader goes on: after the lines taken, or at the line the module declined. */
  pos: number;
  /** Physical lines consumed (rows and skipped empty lines). */
  lines: number;
  rows: number;
  /** Stopped because the batch is full (take it and call again). */
  full: boolean;
}

const asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class ModuleLines {
  private readonly role: number;
  private readonly dict: number;
  private readonly numeric: number;
  private readonly rowsOut: number;
  private readonly result: number;
  private buf = 0;
  private bufBytes = 0;
  private loaded: Uint8Array | null = null;
  /** Per field, the value of each dictionary number seen so far. */
  private readonly values: (string | undefined)[][] = Array.from({ length: FIELDS }, () => []);
  private disposed = false;
  private readonly columns: number;

  constructor(private readonly core: LineCore, role: Int32Array, private readonly width: number, private readonly maxRows: number) {
    this.role = core.alloc(role.length * 4);
    new Int32Array(core.memory.buffer, this.role, role.length).set(role);
    this.columns = role.length;
    this.dict = core.kddDictionary();
    this.numeric = core.alloc(Math.max(16, maxRows * width * 8));
    this.rowsOut = core.alloc(Math.max(16, maxRows * ROW_INTS * 4));
    this.result = core.alloc(16);
  }

  /**
   * Takes the plain lines of data from `pos` (a line start) into `b`, at most until it is
   * full; `line` is the number of lines before `pos`. `data` is copied into the module
   * when it is not the chunk copied last.
   */
  take(b: BatchBuilder, data: Uint8Array, pos: number, final: boolean, line: number): LineStep {
    const core = this.core;
    if (this.loaded !== data) this.load(data);
    const room = Math.min(this.maxRows, b.capacity - b.count);
    let rows = core.kddLines(this.buf, pos, data.length, final ? 1 : 0, this.role, this.columns, this.width,
      room, this.numeric, this.rowsOut, this.dict, this.result);
    const heap = core.memory.buffer;
    const result = new Int32Array(heap, this.result, 3);
    let next = result[0];
    let lines = result[1];
    const reason = result[2];
    const out = new Int32Array(heap, this.rowsOut, rows * ROW_INTS);
    const [c0, c1, c2] = b.categorical;
    const labels = b.labels;
    for (let r = 0; r < rows; r++) {
      const o = r * ROW_INTS;
      let label = '';
      if (labels) {
        label = this.word(3, out[o + 11], out[o + 12], out[o + 13], data);
        if (label === '') { // "." and the like: the text path says what is wrong with it
          next = out[o];
          lines = out[o + 1];
          rows = r;
          break;
        }
      }
      c0.push(this.word(0, out[o + 2], out[o + 3], out[o + 4], data));
      c1.push(this.word(1, out[o + 5], out[o + 6], out[o + 7], data));
      c2.push(this.word(2, out[o + 8], out[o + 9], out[o + 10], data));
      if (labels) labels.push(label);
    }
    if (rows > 0) {
      if (b.count === 0) b.firstLine = line + out[1] + 1;
      b.reserve(rows);
      b.numeric.set(new Float64Array(heap, this.numeric, rows * this.width), b.count * this.width);
      b.count += rows;
    }
    return { pos: next, lines, rows, full: reason === FULL && rows === room };
  }

  /** The next chunk may reuse the last one's buffer: copy it in again. */
  forget(): void {
    this.loaded = null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of [this.role, this.dict, this.numeric, this.rowsOut, this.result]) this.core.free(p);
    if (this.buf !== 0) this.core.free(this.buf);
  }

  private load(data: Uint8Array): void {
    if (data.length > this.bufBytes) {
      if (this.buf !== 0) this.core.free(this.buf);
      this.bufBytes = Math.max(data.length, 1 << 16);
      this.buf = this.core.alloc(this.bufBytes);
    }
    new Uint8Array(this.core.memory.buffer, this.buf, data.length).set(data);
    this.loaded = data;
  }

  /** The value of a word the module numbered (or, past its dictionary's room, −1: made afresh). */
  private word(field: number, id: number, from: number, to: number, data: Uint8Array): string {
    const values = this.values[field];
    if (id >= 0) {
      const known = values[id];
      if (known !== undefined) return known;
    }
    const raw = asciiDecoder.decode(data.subarray(from, to));
    const value = field === 3 ? normalizeLabel(raw) : raw;
    if (id >= 0) values[id] = value;
    return value;
  }
}
