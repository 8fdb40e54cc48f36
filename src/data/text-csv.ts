// The text path for CSV: text chunks → a tokenizer (the plain-line splitter in front
// of csv-parse, or csv-parse alone) → the batcher (csv-rows.ts).

import { parse } from 'csv-parse';
import { InputError } from './errors.ts';
import { MAX_LINE, PlainRecords, type RecordSource } from './plain-records.ts';
import type { CsvBatcher, SourceBatch } from './csv-rows.ts';

/**
 * The text path's tokenizer: the plain-line splitter, handing over to csv-parse at the first
 * quote or lone CR; `lineOffset`: physical lines before the first one it sees.
 */
export function plainThenCsvParse(source: string | undefined, lineOffset = 0): RecordSource {
  return new PlainRecords(source, (offset) => new CsvRecords(source, offset), lineOffset);
}

/**
 * The text path: text chunks → a tokenizer (the plain-line splitter, or csv-parse) →
 * the batcher. Also what the byte reader hands over to, mid-input.
 */
export async function* textRecordBatches(chunks: AsyncGenerator<string>, csv: RecordSource, batcher: CsvBatcher): AsyncGenerator<SourceBatch> {
  let ended = false;
  try {
    while (!ended) {
      const next = await chunks.next();
      if (next.done) {
        await csv.end();
        ended = true;
      } else if (next.value === '') {
        // A live input's idle tick (see idle.ts): score the rows read so far now.
        const partial = batcher.take();
        if (partial) yield partial;
        continue;
      } else {
        await csv.write(next.value);
      }
      const { fields, lines, error } = csv.take();
      for (let i = 0; i < fields.length; i++) {
        const full = batcher.add(fields[i], lines[i]);
        if (full) yield full;
      }
      if (error) throw error;
    }
  } finally {
    csv.destroy();
    // Stopped early (error or consumer break): release the underlying input.
    if (!ended) await chunks.return(undefined);
  }
  const last = batcher.end();
  if (last) yield last;
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
