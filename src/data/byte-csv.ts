// The byte reader for CSV. A KDD export is plain ASCII: comma-separated numbers and
// a few short words per line. Such lines are parsed straight from the bytes into the
// batch (numbers without a string per field, the words through a small cache of the
// values seen), which is what makes detection fast and keeps uploads from making
// tens of megabytes of short-lived strings. Every other line is decoded and read by
// the text path's own functions, and at anything the text path itself hands to
// csv-parse (a quote, a lone CR) — or a flow-meter CSV, or a file whose lines are
// mostly not plain — the rest of the input goes to the text path. So what is read,
// the numbers (the same arithmetic as parseNumeric's) and every error with its line
// are exactly the text path's: test/data/byte-csv.test.ts compares them.

import { POW10, type BatchBuilder } from './batch.ts';
import { InputError } from './errors.ts';
import type { InputLayout } from './format.ts';
import { CATEGORICAL_FEATURE_INDEX, NUMERIC_FEATURE_INDEX, normalizeLabel } from './schema.ts';
import { CsvBatcher, type RowWriter, type SourceBatch } from './csv-rows.ts';
import { MAX_LINE, plainFields, type RecordSource } from './plain-records.ts';
import { CsvRecords, plainThenCsvParse, textRecordBatches } from './text-csv.ts';
import { checkText, textChunks } from './text.ts';
import { ModuleLines, type LineCore } from './module-lines.ts';

export interface ByteCsvOptions {
  source?: string;
  batchSize: number;
  /** A compute core to parse plain KDD lines in (module-lines.ts); without one they are parsed here. */
  core?: LineCore;
}

/** CSV bytes → batches; see the top of this file. */
export async function* byteCsvBatches(input: AsyncIterable<Uint8Array | string>, opts: ByteCsvOptions): AsyncGenerator<SourceBatch> {
  const { source } = opts;
  const batcher = new CsvBatcher(source, opts.batchSize);
  const lines = new ByteLines(source, batcher, opts.core ?? null);
  const it = input[Symbol.asyncIterator]();
  let ended = false; // the input has been read to its end
  let owned = true; // whether this function still has to release the input when stopped early
  try {
    let handOver: ChunkResult['handOver'];
    while (!handOver) {
      const r = await it.next();
      let out: ChunkResult;
      if (r.done) {
        ended = true;
        out = lines.end();
      } else if (typeof r.value === 'string') {
        // Text after bytes (an iterable that mixes them): the text path reads the rest.
        out = { batches: [], handOver: { rest: lines.carry, then: r.value, csvParse: false } };
      } else if (r.value.length === 0) {
        // A live input's idle tick (see idle.ts): score the rows read so far now.
        const partial = batcher.take();
        if (partial) yield partial;
        continue;
      } else {
        out = lines.chunk(r.value);
      }
      for (const b of out.batches) yield b;
      if (out.error) throw out.error;
      handOver = out.handOver;
      if (ended && !handOver) {
        const last = batcher.end();
        if (last) yield last;
        return;
      }
    }
    const { rest, then, csvParse } = handOver;
    const line = lines.line;
    const tokenizer: RecordSource = csvParse ? new CsvRecords(source, line) : plainThenCsvParse(source, line);
    const inputEnded = ended;
    const restOfInput = (async function* () {
      let finished = inputEnded;
      try {
        if (rest.length > 0) yield rest;
        if (then !== undefined) yield then;
        while (!finished) {
          const r = await it.next();
          if (r.done) finished = true;
          else yield r.value;
        }
      } finally {
        if (!finished) await it.return?.(undefined);
      }
    })();
    owned = false; // restOfInput releases it now
    yield* textRecordBatches(textChunks(restOfInput, source, { fromLine: line + 1, leadingBom: !lines.started }), tokenizer, batcher);
  } finally {
    lines.dispose();
    // Stopped early (error or consumer break): release the underlying input.
    if (owned && !ended) await it.return?.(undefined);
  }
}

interface ChunkResult {
  /** Batches the chunk filled, to be yielded before anything else happens. */
  batches: SourceBatch[];
  /** A row error, thrown after the batches (as the text path throws it after the rows before it). */
  error?: InputError;
  /** The text path reads on from `rest` (then `then`, then the rest of the input). */
  handOver?: { rest: Uint8Array; then?: string; csvParse: boolean };
}

const EMPTY = new Uint8Array(0);
const BOM = [0xef, 0xbb, 0xbf];
const LF = 10, CR = 13, QUOTE = 34;
/** Declined lines after which a file that is mostly not plain goes to the text path. */
const DECLINES_BEFORE_HANDOVER = 64;

/** Splits bytes into lines and sends each to the KDD byte path or the text path's functions. */
class ByteLines {
  /** Physical lines consumed so far. */
  line = 0;
  /** The bytes after the last line end (a line not yet complete). */
  carry: Uint8Array = EMPTY;
  /**
   * Whether anything but byte order marks has been seen: until then, the text path's
   * first text may still begin with a U+FEFF that it drops (see dropBoms).
   */
  started = false;
  private boms = 0;
  private fast: KddByteRows | null = null;
  /** The plain lines parsed in the compute core, once the layout is known (when a core was given). */
  private module: ModuleLines | null = null;
  private accepted = 0;
  private declined = 0;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(private readonly source: string | undefined, private readonly batcher: CsvBatcher, private readonly core: LineCore | null) {}

  /** Frees what the compute core holds for this reader. */
  dispose(): void {
    this.module?.dispose();
    this.module = null;
  }

  chunk(bytes: Uint8Array): ChunkResult {
    let data = bytes;
    if (this.carry.length > 0) {
      data = new Uint8Array(this.carry.length + bytes.length);
      data.set(this.carry);
      data.set(bytes, this.carry.length);
    }
    this.carry = EMPTY;
    if (!this.started) {
      data = this.dropBoms(data, false);
      if (!this.started) { this.carry = copyOf(data); return { batches: [] }; }
    }
    return this.lines(data, false);
  }

  /** The input has ended: its last line, if it had no line end. */
  end(): ChunkResult {
    let data = this.carry;
    this.carry = EMPTY;
    if (!this.started) data = this.dropBoms(data, true);
    return this.lines(data, true);
  }

  /**
   * The text path drops up to two U+FEFF at the start of the input: its decoder the BOM,
   * then textChunks a U+FEFF that begins its first text. Bytes that may still become one
   * wait for the next chunk (unless the input has ended).
   */
  private dropBoms(data: Uint8Array, final: boolean): Uint8Array {
    while (this.boms < 2) {
      const n = Math.min(data.length, 3);
      let prefix = true;
      for (let i = 0; i < n; i++) if (data[i] !== BOM[i]) prefix = false;
      if (!prefix) break;
      if (n < 3) {
        if (final) break;
        return data; // all of it may be the start of a BOM: not started yet
      }
      data = data.subarray(3);
      this.boms++;
    }
    this.started = true;
    return data;
  }

  /**
   * The lines of `data`, which starts at a line start. Errors come in the text path's order:
   * a binary byte anywhere in the chunk first (the text path checks a chunk before reading
   * it), then an over-long last line, then row errors, after the rows before them.
   */
  private lines(data: Uint8Array, final: boolean): ChunkResult {
    const batches: SourceBatch[] = [];
    const batcher = this.batcher;
    const n = data.length;
    let checked = false;
    let pos = 0;
    this.module?.forget();
    while (pos < n) {
      const module = this.module;
      if (module !== null) {
        // As many plain lines as the batch takes, in the module; the line it stops at (if it
        // is not plain, or the last without a line end) is read below as without it.
        const step = module.take(batcher.kddBuilder(), data, pos, final, this.line);
        this.line += step.lines;
        pos = step.pos;
        this.accepted += step.rows;
        batcher.kdd!.appended += step.rows;
        const full = batcher.takeFull();
        if (full) batches.push(full);
        if (step.full) continue;
        if (pos >= n) break;
      }
      let nl = data.indexOf(LF, pos);
      if (nl < 0) {
        if (!final) break; // the carry
        nl = n;
      }
      // A CR before the LF ends the line too; at the very end of the input, a final CR does.
      const end = nl > pos && data[nl - 1] === CR ? nl - 1 : nl;
      const lineNo = this.line + 1;
      if (end === pos) { this.line++; pos = nl + 1; continue; } // csv-parse's skip_empty_lines
      const fast = this.fast;
      if (fast !== null && fast.append(batcher.kddBuilder(), data, pos, end, lineNo)) {
        this.line++;
        pos = nl + 1;
        this.accepted++;
        const full = batcher.takeFull();
        if (full) batches.push(full);
        continue;
      }
      // Not a plain KDD line: the text path's checks and functions decide, from here on.
      if (!checked) { checked = true; this.checkRest(data, pos, final); }
      if (hasSpecial(data, pos, end)) return { batches, handOver: { rest: copyOf(data.subarray(pos)), csvParse: true } };
      if (++this.declined > DECLINES_BEFORE_HANDOVER && this.declined > this.accepted) {
        // The text path refuses an over-long last line before it reads any row of the chunk.
        const long = final ? null : this.tooLongLastLine(data, pos);
        if (long) return { batches: [], error: long };
        return { batches, handOver: { rest: copyOf(data.subarray(pos)), csvParse: false } };
      }
      const record = plainFields(this.decoder.decode(data.subarray(pos, end)));
      this.line++;
      pos = nl + 1;
      if (record === null) continue;
      try {
        const full = batcher.add(record, lineNo);
        if (full) batches.push(full);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const long = final ? null : this.tooLongLastLine(data, pos);
        return long ? { batches: [], error: long } : { batches, error: err };
      }
      if (this.fast === null && batcher.kdd) {
        this.fast = KddByteRows.of(batcher.kdd);
        if (this.fast !== null && this.core !== null) {
          const b = batcher.kddBuilder();
          this.module = new ModuleLines(this.core, this.fast.role, b.width, b.capacity);
        }
      }
      else if (batcher.started && !batcher.kdd) return { batches, handOver: { rest: copyOf(data.subarray(pos)), csvParse: false } };
    }
    if (pos < n) {
      // The last, incomplete line: checked as the text path checks it, then kept for the next chunk.
      const tail = data.subarray(pos);
      if (!checked && !isPlain(tail)) { checked = true; this.checkRest(data, pos, false); }
      if (hasSpecial(data, pos, tail[tail.length - 1] === CR ? n - 1 : n)) return { batches, handOver: { rest: copyOf(tail), csvParse: true } };
      const long = this.tooLongLastLine(data, pos);
      if (long) return { batches: [], error: long };
      this.carry = copyOf(tail); // the chunk itself is not kept (and a producer may reuse it)
    }
    return { batches };
  }

  /** The text path's binary check of data[from, end) (the rest of the chunk), on the line it would name. */
  private checkRest(data: Uint8Array, from: number, final: boolean): void {
    let suspect = false;
    for (let i = from; i < data.length; i++) {
      const c = data[i];
      if (c >= 0x80 || (c < 0x20 && (c < 9 || c > 13))) { suspect = true; break; }
    }
    if (!suspect) return;
    // Bytes at the end may be the start of a character that the next chunk completes.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(data.subarray(from), { stream: !final });
    checkText(text, this.line + 1, this.source);
  }

  /** The text path's refusal of a last line over MAX_LINE characters, when data from `from` on has nothing for csv-parse. */
  private tooLongLastLine(data: Uint8Array, from: number): InputError | null {
    const lastNl = data.lastIndexOf(LF);
    const start = Math.max(from, lastNl + 1);
    if (data.length - start <= MAX_LINE) return null; // UTF-8 bytes ≥ UTF-16 code units
    if (hasSpecialAcrossLines(data, from)) return null;
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(data.subarray(start), { stream: true });
    if (text.length <= MAX_LINE) return null;
    let line = this.line;
    for (let i = data.indexOf(LF, from); i !== -1; i = data.indexOf(LF, i + 1)) line++;
    return new InputError(`the line is longer than ${MAX_LINE >> 20} MiB without a line break; KDD records are a few hundred bytes`, {
      source: this.source, line: line + 1, kind: 'syntax',
    });
  }
}

/**
 * A quote or a CR in data[from, end), a part of one line without its line end: what the
 * text path hands to csv-parse (a CR inside a line is a lone one).
 */
function hasSpecial(data: Uint8Array, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (data[i] === QUOTE || data[i] === CR) return true;
  return false;
}

/** The text path's test over data[from, end of data), lines and all: a quote, or a CR that ends no CRLF and is not the last byte. */
function hasSpecialAcrossLines(data: Uint8Array, from: number): boolean {
  if (data.indexOf(QUOTE, from) >= 0) return true;
  for (let r = data.indexOf(CR, from); r >= 0; r = data.indexOf(CR, r + 1)) {
    if (data[r + 1] !== LF && r !== data.length - 1) return true;
  }
  return false;
}

/** A copy that owns its bytes (Buffer's slice() is a view). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Printable ASCII only (no controls, no spaces, nothing above 0x7E). */
function isPlain(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] <= 0x20 || bytes[i] >= 0x7f) return false;
  return true;
}

const LABEL = -4, IGNORED = -5;

/**
 * A plain KDD line → one batch row, or false (nothing written) for a line that is not
 * plain or that the text path would refuse: the caller then gives it to the text path.
 * Plain: every field printable ASCII without quotes or spaces (so nothing to trim),
 * the layout's column count, numbers in parseNumeric's fast form (fewer than 16
 * characters, digits and at most one point), the words and the label not empty.
 */
export class KddByteRows {
  /** Per source column: the numeric slot (≥ 0), −1 − c for categorical feature c, LABEL or IGNORED (as assembly/kdd-lines.ts reads them). */
  readonly role: Int32Array;
  private readonly words = [new WordCache(), new WordCache(), new WordCache()];
  private readonly labels = new WordCache(normalizeLabel);
  private readonly scratch: string[] = ['', '', ''];

  private constructor(private readonly writer: RowWriter, role: Int32Array) {
    this.role = role;
  }

  /** The byte path for the writer's layout, or null for a layout it does not serve. */
  static of(writer: RowWriter): KddByteRows | null {
    const layout: InputLayout = writer.layout;
    const role = new Int32Array(layout.columnCount).fill(IGNORED);
    let assigned = 0;
    const assign = (col: number, r: number) => {
      if (col < 0 || col >= role.length || role[col] !== IGNORED) return;
      role[col] = r;
      assigned++;
    };
    NUMERIC_FEATURE_INDEX.forEach((f, j) => assign(layout.featureColumns[f], j));
    CATEGORICAL_FEATURE_INDEX.forEach((f, c) => assign(layout.featureColumns[f], -1 - c));
    if (layout.labelColumn >= 0) assign(layout.labelColumn, LABEL);
    const wanted = NUMERIC_FEATURE_INDEX.length + CATEGORICAL_FEATURE_INDEX.length + (layout.labelColumn >= 0 ? 1 : 0);
    return assigned === wanted ? new KddByteRows(writer, role) : null;
  }

  append(b: BatchBuilder, buf: Uint8Array, start: number, end: number, line: number): boolean {
    const role = this.role;
    const columns = role.length;
    b.reserve();
    const numeric = b.numeric;
    const base = b.count * b.width;
    const words = this.scratch;
    let label = '';
    let col = 0;
    let i = start;
    while (true) {
      if (col >= columns) return false;
      const r = role[col];
      const from = i;
      if (r >= 0) {
        let m = 0, frac = -1, digits = 0;
        for (; i < end; i++) {
          const c = buf[i];
          if (c === 44) break;
          if (c >= 48 && c <= 57) {
            m = m * 10 + (c - 48);
            digits++;
            if (frac >= 0) frac++;
          } else if (c === 46 && frac < 0) frac = 0;
          else return false;
        }
        if (digits === 0 || i - from >= 16) return false;
        numeric[base + r] = frac > 0 ? m / POW10[frac] : m;
      } else {
        for (; i < end; i++) {
          const c = buf[i];
          if (c === 44) break;
          if (c <= 0x20 || c >= 0x7f || c === QUOTE) return false;
        }
        if (r !== IGNORED) {
          if (i === from) return false; // an empty word or label: the text path says so
          if (r === LABEL) {
            label = this.labels.get(buf, from, i);
            if (label === '') return false;
          } else words[-1 - r] = this.words[-1 - r].get(buf, from, i);
        }
      }
      col++;
      if (i >= end) break;
      i++; // the comma
    }
    if (col !== columns) return false;
    for (let c = 0; c < 3; c++) b.categorical[c].push(words[c]);
    if (b.labels) b.labels.push(label);
    if (b.count === 0) b.firstLine = line;
    b.count++;
    this.writer.appended++;
    return true;
  }
}

/** Printable-ASCII words by their bytes, so that a value seen before costs no new string. */
class WordCache {
  private readonly byHash = new Map<number, { raw: string; value: string }>();
  constructor(private readonly transform: (raw: string) => string = (s) => s) {}

  get(buf: Uint8Array, from: number, to: number): string {
    let h = 0x811c9dc5 ^ (to - from);
    for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const hit = this.byHash.get(h);
    if (hit !== undefined && sameAscii(hit.raw, buf, from, to)) return hit.value;
    const raw = asciiString(buf, from, to);
    const value = this.transform(raw);
    // A bounded cache: a stream of ever-new values (hostile input) costs a string each, not memory.
    if (hit === undefined && this.byHash.size < MAX_WORDS) this.byHash.set(h, { raw, value });
    return value;
  }
}

const MAX_WORDS = 4096;

function sameAscii(s: string, buf: Uint8Array, from: number, to: number): boolean {
  if (s.length !== to - from) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[from + i]) return false;
  return true;
}

const asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

function asciiString(buf: Uint8Array, from: number, to: number): string {
  if (to - from <= 64) {
    let s = '';
    for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return asciiDecoder.decode(buf.subarray(from, to));
}
