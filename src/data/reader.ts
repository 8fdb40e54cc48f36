// Streaming reader for every input the detector takes: bytes → the format's
// reader → validated columnar batches. CSV (KDD files and flow-meter exports)
// goes text → csv-parse → rows; captures and Zeek logs have readers of their own.

import { batchFromRecords, concatBatches, type RecordBatch } from './batch.ts';
import { InputError } from './errors.ts';
import type { InputLayout } from './format.ts';
import { MAX_LINE } from './plain-records.ts';
import { plainThenCsvParse, textRecordBatches } from './text-csv.ts';
import { textChunks, type CsvInput } from './text.ts';
import { firstLine, sniff } from './sniff.ts';
import { gunzip, isGzip } from './gzip.ts';
import { CsvBatcher, type SourceBatch } from './csv-rows.ts';
import { byteCsvBatches } from './byte-csv.ts';
import type { LineCore } from './module-lines.ts';
import { isCapture, readCaptureConnections } from '../capture/index.ts';
import { connectionBatches } from '../flows/connection-batches.ts';
import { ZEEK_LACKS } from '../flows/kdd-headers.ts';
import { isZeekConnLog, readZeekConnections } from '../flows/zeek.ts';

export type { CsvInput } from './text.ts';

export interface ReadOptions {
  /** Name used in error messages, e.g. the file name. */
  source?: string;
  /** Records per yielded batch; default 8192. */
  batchSize?: number;
  /**
   * A live feed (a followed log, a pipe): rows are scored as they arrive, a partial
   * batch whenever the input pauses (see idle.ts), and Zeek lines are not held back
   * to be put in start order.
   */
  live?: boolean;
  /**
   * CSV read as bytes goes through the byte reader (default); false sends it through the
   * text path (csv-parse behind the plain-line splitter), which the byte reader must
   * agree with exactly: the reference in tests and benchmarks.
   */
  fastBytes?: boolean;
  /**
   * A compute core (an Engine's `core`) in which the byte reader parses plain KDD lines:
   * the same rows, in compiled code from the first line on. Without one they are parsed in
   * JavaScript.
   */
  core?: LineCore;
}

export const DEFAULT_BATCH_SIZE = 8192;

export type { SourceBatch } from './csv-rows.ts';
export { CsvRecords } from './text-csv.ts';

/**
 * Yield validated batches of at most batchSize records while consuming the input
 * chunk by chunk, so memory stays bounded by one chunk plus one batch (plus, for
 * captures and Zeek logs, the open connections and the feature windows).
 */
export async function* readBatches(input: CsvInput, opts: ReadOptions = {}): AsyncGenerator<SourceBatch> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  let sniffed = await sniff(input);
  if (isGzip(sniffed.head)) sniffed = await sniff(gunzip(sniffed.input, opts.source));
  const reader = chooseReader(sniffed.head);
  yield* reader(sniffed.input, { ...opts, batchSize, bytes: sniffed.head instanceof Uint8Array });
}

/** `bytes`: the input begins as bytes, not text. */
type ReaderOptions = ReadOptions & { batchSize: number; bytes: boolean };
type BatchReader = (input: CsvInput, opts: ReaderOptions) => AsyncGenerator<SourceBatch>;

function chooseReader(head: Uint8Array | string): BatchReader {
  if (head instanceof Uint8Array && isCapture(head)) return captureBatches;
  const first = firstLine(head);
  if (isZeekConnLog(first)) return zeekBatches;
  if (/^\s*[[{]/.test(first)) return jsonLineBatches;
  return csvBatches;
}

/**
 * JSON lines of KDD records (an array of the 41 values [+ label [+ difficulty]], or an
 * object keyed by feature name [+ label]) — what a streaming client sends, one record
 * per line. Same rules as the API's {"records": [...]} body (batchFromRecords).
 */
async function* jsonLineBatches(input: CsvInput, opts: ReaderOptions): AsyncGenerator<SourceBatch> {
  const { source, batchSize } = opts;
  let records: unknown[] = [];
  let lines: number[] = [];
  let carry = '';
  let line = 0;
  let labeled: boolean | null = null;
  const take = (): SourceBatch => {
    let batch: RecordBatch;
    try {
      batch = batchFromRecords(records, source);
    } catch (err) {
      if (!(err instanceof InputError) || err.line === undefined) throw err;
      // batchFromRecords counts records of this batch; the user counts lines of the input.
      throw new InputError(err.problem, { source, line: lines[err.line - 1], column: err.column, hint: err.hint });
    }
    if (labeled === null) labeled = batch.labels !== null;
    else if (labeled !== (batch.labels !== null)) {
      throw new InputError(`this record ${labeled ? 'has no label but the first one has one' : 'has a label but the first one has none'}`, { source, line: lines[0], hint: 'Label every record or none.' });
    }
    batch.firstLine = lines[0];
    records = [];
    lines = [];
    return { ...batch, format: 'json-lines' };
  };
  const parseLine = (text: string) => {
    line++;
    const t = text.trim();
    if (t === '') return;
    try {
      records.push(JSON.parse(t));
    } catch (err) {
      throw new InputError(`this line is not a JSON record (${(err as Error).message})`, {
        source, line, kind: 'syntax', hint: 'Send one JSON record per line: an array of the 41 KDD values or an object keyed by feature name.',
      });
    }
    lines.push(line);
  };
  for await (const chunk of textChunks(input, source)) {
    if (chunk === '') { // a live input's idle tick (idle.ts)
      if (records.length > 0) yield take();
      continue;
    }
    const text = carry + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      parseLine(text.slice(from, nl));
      from = nl + 1;
      if (records.length >= batchSize) yield take();
    }
    carry = text.slice(from);
    if (carry.length > MAX_LINE) throw new InputError(`a line is longer than ${MAX_LINE >> 20} MiB`, { source, line: line + 1, kind: 'syntax', hint: '' });
  }
  if (carry !== '') parseLine(carry);
  if (records.length > 0) yield take();
  else if (line === 0) throw new InputError('the input is empty', { source, hint: '', kind: 'syntax' });
}

/** pcap/pcapng: packets → connections (flow assembler) → KDD header features. */
async function* captureBatches(input: CsvInput, opts: ReaderOptions): AsyncGenerator<SourceBatch> {
  const bytes = onlyBytes(input as AsyncIterable<Uint8Array | string>);
  let format = 'pcap';
  const chunks = (async function* () {
    for await (const b of readCaptureConnections(bytes, { source: opts.source })) {
      format = b.stats.format ?? format;
      yield { connections: b.connections, watermark: b.watermark };
    }
  })();
  for await (const batch of connectionBatches(chunks, { batchSize: opts.batchSize, format: 'pcap' })) yield { ...batch, format };
}

/** Zeek conn.log (TSV or JSON lines): connections → KDD header features, less the two conn.log lacks. */
async function* zeekBatches(input: CsvInput, opts: ReaderOptions): AsyncGenerator<SourceBatch> {
  const live = opts.live === true;
  const chunks = (async function* () {
    for await (const connections of readZeekConnections(input, { source: opts.source, batchSize: opts.batchSize })) {
      yield { connections, flush: live && connections.length < opts.batchSize };
    }
  })();
  // Live: a line is scored as it comes, against the windows as they stand (no waiting to reorder).
  yield* connectionBatches(chunks, { batchSize: opts.batchSize, format: 'zeek', lacks: ZEEK_LACKS, ...(live ? { horizon: 0 } : {}) });
}

async function* onlyBytes(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const c of input) {
    if (typeof c === 'string') throw new InputError('a capture must be read as bytes, not text', { kind: 'syntax', hint: '' });
    yield c;
  }
}

/**
 * KDD CSV files and flow-meter CSV exports, told apart by their first record. Bytes go
 * to the byte reader (byte-csv.ts), which scores plain KDD lines without making strings
 * of their fields and hands everything else to the text path below.
 */
async function* csvBatches(input: CsvInput, opts: ReaderOptions): AsyncGenerator<SourceBatch> {
  if (opts.bytes && opts.fastBytes !== false) {
    return yield* byteCsvBatches(input as AsyncIterable<Uint8Array | string>, { source: opts.source, batchSize: opts.batchSize, core: opts.core });
  }
  const batcher = new CsvBatcher(opts.source, opts.batchSize);
  yield* textRecordBatches(textChunks(input, opts.source), plainThenCsvParse(opts.source), batcher);
}

/** Read everything into one batch (for training). */
export async function readAll(
  input: CsvInput, opts: ReadOptions & { onBatch?: (rows: number) => void } = {},
): Promise<{ batch: RecordBatch; layout: InputLayout | undefined; format: string }> {
  const batches: RecordBatch[] = [];
  let layout: InputLayout | undefined;
  let format = '';
  // Large batches mean fewer copies when concatenating.
  for await (const b of readBatches(input, { batchSize: 65536, ...opts })) {
    layout = b.layout;
    format = b.format;
    batches.push(b);
    opts.onBatch?.(b.count);
  }
  return { batch: concatBatches(batches), layout, format };
}
