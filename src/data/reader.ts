// Streaming reader for every input the detector takes: bytes → the format's
// reader → validated columnar batches. CSV (KDD files and flow-meter exports)
// goes text → csv-parse → rows; captures and Zeek logs have readers of their own.

import { parse } from 'csv-parse';
import { batchFromRecords, BatchBuilder, concatBatches, parseNumeric, type RecordBatch } from './batch.ts';
import { DEFAULT_HINT, InputError, quoteValue } from './errors.ts';
import { describeColumns, detectLayout, type InputLayout } from './format.ts';
import { CATEGORICAL_FEATURES, CATEGORICAL_FEATURE_INDEX, FEATURE_NAMES, NUMERIC_FEATURE_INDEX, normalizeLabel } from './schema.ts';
import { MAX_LINE, PlainRecords, type RecordSource } from './plain-records.ts';
import { textChunks, type CsvInput } from './text.ts';
import { firstLine, sniff } from './sniff.ts';
import { gunzip, isGzip } from './gzip.ts';
import { emptyIdentity } from './identity.ts';
import { schemaLayout } from './input-schema.ts';
import { appendFlowRow, detectFlowCsv, type FlowCsvLayout, type FlowRowOutput } from '../flows/flow-csv.ts';
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
}

export const DEFAULT_BATCH_SIZE = 8192;

/** A batch and the input format it came from ('nsl-kdd', 'cicflowmeter', 'pcap', 'zeek', …). */
export type SourceBatch = RecordBatch & {
  format: string;
  /** The KDD column layout (KDD CSV files only). */
  layout?: InputLayout;
};

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
  yield* reader(sniffed.input, { ...opts, batchSize });
}

type BatchReader = (input: CsvInput, opts: ReadOptions & { batchSize: number }) => AsyncGenerator<SourceBatch>;

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
async function* jsonLineBatches(input: CsvInput, opts: ReadOptions & { batchSize: number }): AsyncGenerator<SourceBatch> {
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
async function* captureBatches(input: CsvInput, opts: ReadOptions & { batchSize: number }): AsyncGenerator<SourceBatch> {
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
async function* zeekBatches(input: CsvInput, opts: ReadOptions & { batchSize: number }): AsyncGenerator<SourceBatch> {
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

/** KDD CSV files and flow-meter CSV exports, told apart by their first record. */
async function* csvBatches(input: CsvInput, opts: ReadOptions & { batchSize: number }): AsyncGenerator<SourceBatch> {
  const { source, batchSize } = opts;
  const csv = new PlainRecords(source, (offset) => new CsvRecords(source, offset));
  let rows: RowSink | null = null;
  let format = '';
  let builder: BatchBuilder | null = null;
  let sawHeader = false;

  const chunks = textChunks(input, source);
  let ended = false;
  try {
    while (!ended) {
      const next = await chunks.next();
      if (next.done) {
        await csv.end();
        ended = true;
      } else if (next.value === '') {
        // A live input's idle tick (see idle.ts): score the rows read so far now.
        if (builder && builder.count > 0) {
          yield rows!.finish(builder, format);
          builder = null;
        }
        continue;
      } else {
        await csv.write(next.value);
      }
      const { fields, lines, error } = csv.take();
      for (let i = 0; i < fields.length; i++) {
        const record = fields[i];
        const line = lines[i];
        // Whitespace-only lines come through as a single empty field.
        if (record.length === 1 && record[0] === '') continue;
        if (!rows) {
          const flow = detectFlowCsv(record, source);
          if (flow) {
            rows = new FlowRowSink(flow, source);
            format = flow.format;
            sawHeader = true;
            continue;
          }
          const layout = detectLayout(record, source);
          rows = new RowWriter(layout, source);
          format = layout.format;
          if (layout.hasHeader) {
            sawHeader = true;
            continue;
          }
        }
        if (!builder) builder = rows.builder(batchSize, record, line);
        rows.append(builder, record, line);
        if (builder.full) {
          yield rows.finish(builder, format);
          builder = null;
        }
      }
      if (error) throw error;
    }
  } finally {
    csv.destroy();
    // Stopped early (error or consumer break): release the underlying input.
    if (!ended) await chunks.return(undefined);
  }

  if (builder && builder.count > 0) yield rows!.finish(builder, format);
  else if (!rows) {
    throw new InputError('the input is empty; expected KDD-format CSV rows', { source, hint: '', kind: 'syntax' });
  } else if (sawHeader && !rows.appended) {
    throw new InputError('the input has a header row but no data rows', { source, hint: '' });
  }
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

/** What turns CSV records into batch rows, for one input layout. */
interface RowSink {
  appended: number;
  /** A builder for the rows that follow `record` (the first row of a batch). */
  builder(capacity: number, record: string[], line: number): BatchBuilder;
  append(b: BatchBuilder, record: string[], line: number): void;
  finish(b: BatchBuilder, format: string): SourceBatch;
}

/**
 * Flow-meter CSV rows (CICFlowMeter, Argus, nfdump). Whether the input is labelled
 * is decided by its first data row (CICFlowMeter writes "No Label" in an unlabelled
 * export); a later row that differs is an error rather than a silent mix.
 */
class FlowRowSink implements RowSink {
  appended = 0;
  private labeled: boolean | null = null;
  private readonly labelScratch: (string | null)[] = [];

  constructor(private readonly layout: FlowCsvLayout, private readonly source: string | undefined) {}

  builder(capacity: number, record: string[], line: number): BatchBuilder {
    if (this.labeled === null) {
      const probe: FlowRowOutput = {
        numeric: new Float64Array(schemaLayout(this.layout.schema).numeric.length), offset: 0,
        categorical: schemaLayout(this.layout.schema).categorical.map(() => []),
        labels: this.layout.hasLabel ? [] : null, identity: emptyIdentity(),
      };
      const counts = { ...this.layout.counts }; // the row is written again below: count it once
      appendFlowRow(this.layout, record, line, probe, this.source);
      Object.assign(this.layout.counts, counts);
      this.labeled = probe.labels !== null && probe.labels.length > 0 && probe.labels[0] !== null;
    }
    return new BatchBuilder(capacity, this.labeled, this.layout.schema, true);
  }

  append(b: BatchBuilder, record: string[], line: number): void {
    b.reserve();
    const labels = this.layout.hasLabel ? this.labelScratch : null;
    if (labels) labels.length = 0;
    const wrote = appendFlowRow(this.layout, record, line, {
      numeric: b.numeric, offset: b.count * b.width, categorical: b.categorical, labels, identity: b.identity!,
    }, this.source);
    if (!wrote) return; // not a flow record (argus management records, nfdump's summary)
    if (b.labels) {
      const label = labels?.[0] ?? null;
      if (label === null) {
        throw new InputError('this row has no label, but the first row of the file has one', { source: this.source, line, hint: 'Label every row or none.' });
      }
      b.labels.push(label);
    }
    if (b.count === 0) b.firstLine = line;
    b.count++;
    this.appended++;
  }

  finish(b: BatchBuilder, format: string): SourceBatch {
    return { ...b.finish(), format };
  }
}

/** Validates KDD CSV records against a layout and writes them into a BatchBuilder. */
class RowWriter implements RowSink {
  appended = 0;
  private readonly numCols: Int32Array;
  private readonly catCols: Int32Array;

  constructor(
    private readonly layout: InputLayout,
    private readonly source: string | undefined,
  ) {
    this.numCols = NUMERIC_FEATURE_INDEX.map((f) => layout.featureColumns[f]);
    this.catCols = CATEGORICAL_FEATURE_INDEX.map((f) => layout.featureColumns[f]);
  }

  builder(capacity: number): BatchBuilder {
    return new BatchBuilder(capacity, this.layout.labelColumn >= 0);
  }

  finish(b: BatchBuilder, format: string): SourceBatch {
    return { ...b.finish(), format, layout: this.layout };
  }

  append(b: BatchBuilder, record: string[], line: number): void {
    const { layout, numCols, catCols } = this;
    if (record.length !== layout.columnCount) {
      throw new InputError(`expected ${describeColumns(layout)} as on the first row, found ${record.length}`, {
        source: this.source,
        line,
      });
    }
    b.reserve();
    const n = b.count;
    const numeric = b.numeric;
    const base = n * numCols.length;
    for (let j = 0; j < numCols.length; j++) {
      const col = numCols[j];
      const v = parseNumeric(record[col]);
      if (v !== v) this.numberError(record[col], NUMERIC_FEATURE_INDEX[j], col, line);
      numeric[base + j] = v;
    }
    for (let c = 0; c < 3; c++) {
      const v = record[catCols[c]];
      if (v === '') this.fail(`expected a value for ${CATEGORICAL_FEATURES[c]}, got an empty field`, catCols[c], line);
      b.categorical[c].push(v);
    }
    if (b.labels) {
      const label = normalizeLabel(record[layout.labelColumn]);
      if (label === '') this.fail('expected a label such as "normal" or an attack name, got an empty field', layout.labelColumn, line);
      b.labels.push(label);
    }
    if (n === 0) b.firstLine = line;
    b.count = n + 1;
    this.appended++;
  }

  private numberError(value: string, feature: number, col: number, line: number): never {
    const got = value === '' ? 'an empty field' : quoteValue(value);
    // A data-looking first row with text in it is usually a header with unknown names.
    const hint =
      line === 1 && !this.layout.hasHeader
        ? `${DEFAULT_HINT} If line 1 is a header row, it must use the KDD feature names (duration, protocol_type, service, ...).`
        : undefined;
    throw new InputError(`expected a number for ${FEATURE_NAMES[feature]}, got ${got}`, {
      source: this.source,
      line,
      column: col + 1,
      hint,
    });
  }

  private fail(problem: string, col: number, line: number): never {
    throw new InputError(problem, { source: this.source, line, column: col + 1 });
  }
}

/**
 * Push-style wrapper around csv-parse's stream parser. Records are captured in
 * on_record and syntax errors in on_skip (with skip_records_with_error), both
 * synchronously during write(), so draining never depends on stream event timing
 * (Node streams and the browser build's polyfill schedule events differently).
 */
export class CsvRecords implements RecordSource {
  private fields: string[][] = [];
  private lines: number[] = [];
  private prevEndLine = 0;
  private prevEmptyLines = 0;
  /** First parse error; records after it are dropped. */
  private error: InputError | null = null;
  private readonly parser: ReturnType<typeof parse>;
  private readonly finished: Promise<void>;

  /** `lineOffset`: physical lines before the first one this parser sees. */
  constructor(private readonly source: string | undefined, private readonly lineOffset = 0) {
    this.parser = parse({
      max_record_size: MAX_LINE,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true, // column counts are checked against the layout, with better messages
      skip_records_with_error: true, // errors arrive in on_skip, in order with the records
      on_skip: (err) => {
        this.error ??= this.convertError(err);
      },
      on_record: (record: string[], info) => {
        if (this.error) return null;
        // info.lines is the record's last line; blank lines skipped since the previous
        // record give the exact first line even with CRLF and quoted newlines.
        this.fields.push(record);
        this.lines.push(this.lineOffset + this.prevEndLine + 1 + (info.empty_lines - this.prevEmptyLines));
        this.prevEndLine = info.lines;
        this.prevEmptyLines = info.empty_lines;
        return null; // nothing goes to the readable side
      },
    });
    this.finished = new Promise((resolve) => {
      this.parser.once('end', resolve);
      this.parser.once('close', resolve);
      this.parser.once('error', (err: unknown) => {
        this.error ??= this.convertError(err);
        resolve();
      });
    });
    this.parser.resume(); // flowing mode so that 'end' fires
  }

  /** Parse a text chunk; its records are then available from take(). */
  async write(text: string): Promise<void> {
    if (this.error) return;
    if (!this.parser.write(text)) {
      // Backpressure (only if the implementation processes asynchronously).
      await new Promise<void>((resolve) => {
        this.parser.once('drain', resolve);
        void this.finished.then(resolve);
      });
    }
  }

  async end(): Promise<void> {
    this.parser.end();
    await this.finished;
  }

  /** Records parsed so far with their 1-based start lines, then the error that stopped parsing. */
  take(): { fields: string[][]; lines: number[]; error: InputError | null } {
    const out = { fields: this.fields, lines: this.lines, error: this.error };
    this.fields = [];
    this.lines = [];
    return out;
  }

  destroy(): void {
    // The browser build's stream polyfill predates destroy().
    if (typeof this.parser.destroy === 'function') this.parser.destroy();
  }

  /** csv-parse errors → InputError with our own wording (no codes, no stacks). */
  private convertError(err: unknown): InputError {
    const e = err as { code?: string; lines?: number; column?: unknown; empty_lines?: number };
    const column = typeof e.column === 'number' ? e.column + 1 : undefined;
    let line = typeof e.lines === 'number' ? e.lines : undefined;
    let problem: string;
    switch (e.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        // Reported at the end of input; the quote opened in the record after the last good one.
        line = this.prevEndLine + 1 + ((e.empty_lines ?? this.prevEmptyLines) - this.prevEmptyLines);
        problem = 'a quoted field is never closed (an opening " has no matching closing ")';
        break;
      case 'INVALID_OPENING_QUOTE':
        problem = 'a quote character (") appears inside an unquoted field';
        break;
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        problem = 'unexpected text after a closing quote (")';
        break;
      case 'CSV_MAX_RECORD_SIZE':
        problem = `a record is longer than ${MAX_LINE >> 20} MiB; KDD records are a few hundred bytes`;
        break;
      default:
        problem = 'the CSV structure is malformed here';
    }
    return new InputError(problem, {
      source: this.source,
      line: line === undefined ? undefined : line + this.lineOffset,
      column,
      hint: 'Check the quoting: KDD CSV files normally contain no quotes at all.',
      kind: 'syntax',
      cause: err,
    });
  }
}
