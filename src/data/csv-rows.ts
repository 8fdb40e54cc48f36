// CSV records → validated columnar batches: the row writers for each CSV layout
// (KDD files, flow-meter exports) and the batcher that tells the layout from the
// first record, skips a header and cuts batches. Shared by the text reader (csv-parse
// and the plain-line splitter) and the byte reader's fallback lines (byte-csv.ts).

import { BatchBuilder, parseNumeric, type RecordBatch } from './batch.ts';
import { DEFAULT_HINT, InputError, quoteValue } from './errors.ts';
import { describeColumns, detectLayout, type InputLayout } from './format.ts';
import { CATEGORICAL_FEATURES, CATEGORICAL_FEATURE_INDEX, FEATURE_NAMES, NUMERIC_FEATURE_INDEX, normalizeLabel } from './schema.ts';
import { emptyIdentity } from './identity.ts';
import { schemaLayout } from './input-schema.ts';
import { appendFlowRow, detectFlowCsv, type FlowCsvLayout, type FlowRowOutput } from '../flows/flow-csv.ts';

/** A batch and the input format it came from ('nsl-kdd', 'cicflowmeter', 'pcap', 'zeek', …). */
export type SourceBatch = RecordBatch & {
  format: string;
  /** The KDD column layout (KDD CSV files only). */
  layout?: InputLayout;
};

/**
 * Records in, batches out, for one CSV input: the first record decides the layout
 * (a flow-meter header, a KDD header, or KDD data), then rows are validated and
 * appended until a batch is full.
 */
export class CsvBatcher {
  private rows: RowSink | null = null;
  private format = '';
  private builder: BatchBuilder | null = null;
  private sawHeader = false;
  /** A full batch has been taken: the next builders start at full size. */
  private large = false;

  constructor(private readonly source: string | undefined, private readonly batchSize: number) {}

  /** The KDD row writer once the layout is known to be KDD's; null before, and for flow CSVs. */
  get kdd(): RowWriter | null {
    return this.rows instanceof RowWriter ? this.rows : null;
  }

  /** Whether the layout is known (the first record has been seen). */
  get started(): boolean {
    return this.rows !== null;
  }

  /** Adds one record (a line's fields); returns the batch it filled, if it filled one. */
  add(record: string[], line: number): SourceBatch | null {
    // Whitespace-only lines come through as a single empty field.
    if (record.length === 1 && record[0] === '') return null;
    if (!this.rows) {
      const flow = detectFlowCsv(record, this.source);
      if (flow) {
        this.rows = new FlowRowSink(flow, this.source);
        this.format = flow.format;
        this.sawHeader = true;
        return null;
      }
      const layout = detectLayout(record, this.source);
      this.rows = new RowWriter(layout, this.source);
      this.format = layout.format;
      if (layout.hasHeader) {
        this.sawHeader = true;
        return null;
      }
    }
    this.builder ??= this.newBuilder(this.rows.builder(this.batchSize, record, line));
    this.rows.append(this.builder, record, line);
    return this.builder.full ? this.take() : null;
  }

  /** The builder the KDD byte path appends to (the KDD layout is known). */
  kddBuilder(): BatchBuilder {
    return (this.builder ??= this.newBuilder(this.kdd!.builder(this.batchSize)));
  }

  private newBuilder(b: BatchBuilder): BatchBuilder {
    // A builder grows by doubling so that a small input allocates little; once a batch has
    // filled, the input is large, and growing each one (7 of 8 rows copied, 15 zeroed) cost a
    // twentieth of a pooled detection's reading thread.
    if (this.large) b.presize();
    return b;
  }

  /** The batch under construction once it is full. */
  takeFull(): SourceBatch | null {
    return this.builder !== null && this.builder.full ? this.take() : null;
  }

  /** The batch under construction if it holds rows (a full one, or a live input's pause). */
  take(): SourceBatch | null {
    const b = this.builder;
    if (!b || b.count === 0) return null;
    this.builder = null;
    if (b.full) this.large = true;
    return this.rows!.finish(b, this.format);
  }

  /** The last batch at the end of the input; refuses an input without data rows. */
  end(): SourceBatch | null {
    const last = this.take();
    if (last) return last;
    if (!this.rows) throw new InputError('the input is empty; expected KDD-format CSV rows', { source: this.source, hint: '', kind: 'syntax' });
    if (this.sawHeader && !this.rows.appended) throw new InputError('the input has a header row but no data rows', { source: this.source, hint: '' });
    return null;
  }
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
export class RowWriter implements RowSink {
  appended = 0;
  private readonly numCols: Int32Array;
  private readonly catCols: Int32Array;

  constructor(
    readonly layout: InputLayout,
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

