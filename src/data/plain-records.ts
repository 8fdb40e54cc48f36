// A fast path in front of csv-parse. KDD exports are plain comma-separated
// lines without quotes; splitting those ourselves is several times faster than
// a general CSV state machine (csv-parse reads KDDTest+ at ~14 MB/s). At the
// first quote or lone carriage return, the rest of the input goes to csv-parse,
// so quoting, its errors and their positions stay exactly csv-parse's.
// Same results as csv-parse with trim, skip_empty_lines and relax_column_count
// (fields trimmed, blank lines skipped, exact line numbers), except that each
// line may end in LF or CRLF independently: csv-parse fixes the line ending from
// the first line and would fuse the lines of a file that mixes them.

import { InputError } from './errors.ts';

/** What the reader needs from a tokenizer: text in, records with their lines out. */
export interface RecordSource {
  write(text: string): Promise<void>;
  end(): Promise<void>;
  take(): { fields: string[][]; lines: number[]; error: InputError | null };
  destroy(): void;
}

export class PlainRecords implements RecordSource {
  private fields: string[][] = [];
  private lines: number[] = [];
  private carry = '';
  /** Physical lines consumed so far. */
  private line: number;
  private fallback: RecordSource | null = null;

  /**
   * `general(lineOffset)` makes the csv-parse tokenizer that takes over; `lineOffset`:
   * physical lines before the first one this tokenizer sees.
   */
  constructor(private readonly source: string | undefined, private readonly general: (lineOffset: number) => RecordSource, lineOffset = 0) {
    this.line = lineOffset;
  }

  async write(text: string): Promise<void> {
    if (this.fallback) return this.fallback.write(text);
    const data = this.carry + text;
    // The carry holds no newline and nothing special but maybe a final CR, so
    // only the new text is scanned (a line without end stays linear, not quadratic).
    const from = Math.max(0, this.carry.length - 1);
    const stop = firstSpecial(data, from);
    const lastNl = text.lastIndexOf('\n');
    const end = stop < 0 ? (lastNl < 0 ? 0 : this.carry.length + lastNl + 1) : data.lastIndexOf('\n', stop) + 1;
    this.split(data, end);
    if (stop < 0) {
      this.carry = data.slice(end);
      if (this.carry.length > MAX_LINE) {
        throw new InputError(`the line is longer than ${MAX_LINE >> 20} MiB without a line break; KDD records are a few hundred bytes`, {
          source: this.source, line: this.line + 1, kind: 'syntax',
        });
      }
    } else {
      this.carry = '';
      this.fallback = this.general(this.line);
      await this.fallback.write(data.slice(end));
    }
  }

  async end(): Promise<void> {
    if (this.fallback) return this.fallback.end();
    if (this.carry !== '') {
      // A CR at the very end of the input ends the last line, as in csv-parse.
      this.addLine(this.carry.endsWith('\r') ? this.carry.slice(0, -1) : this.carry);
      this.carry = '';
    }
  }

  take(): { fields: string[][]; lines: number[]; error: InputError | null } {
    let out = { fields: this.fields, lines: this.lines, error: null as InputError | null };
    this.fields = [];
    this.lines = [];
    if (this.fallback) {
      const rest = this.fallback.take();
      out = out.fields.length === 0 ? rest : { fields: out.fields.concat(rest.fields), lines: out.lines.concat(rest.lines), error: rest.error };
    }
    return out;
  }

  destroy(): void {
    this.fallback?.destroy();
  }

  /** Records of data[0, end), which holds whole lines only. */
  private split(data: string, end: number): void {
    let start = 0;
    while (start < end) {
      const nl = data.indexOf('\n', start);
      this.addLine(data.slice(start, nl > 0 && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
      start = nl + 1;
    }
  }

  private addLine(text: string): void {
    this.line++;
    const record = plainFields(text);
    if (record === null) return;
    this.fields.push(record);
    this.lines.push(this.line);
  }
}

/**
 * The fields of one plain line (no quotes, no line end), trimmed as csv-parse's `trim`
 * does; null for a line csv-parse skips (empty or whitespace only).
 */
export function plainFields(text: string): string[] | null {
  if (text.length === 0) return null; // csv-parse's skip_empty_lines
  const record = text.split(',');
  for (let i = 0; i < record.length; i++) {
    const f = record[i];
    if (f.length > 0 && (maybeSpace(f.charCodeAt(0)) || maybeSpace(f.charCodeAt(f.length - 1)))) record[i] = f.trim();
  }
  if (record.length === 1 && record[0] === '') return null; // whitespace only: skipped, as csv-parse does
  return record;
}

/** Longest line the plain path buffers (csv-parse gets the same max_record_size). */
export const MAX_LINE = 1 << 20;

/** Index of the first character from `from` on that the plain path does not handle: a quote or a lone CR. */
function firstSpecial(s: string, from: number): number {
  const quote = s.indexOf('"', from);
  let cr = s.indexOf('\r', from);
  while (cr >= 0 && s.charCodeAt(cr + 1) === 10) cr = s.indexOf('\r', cr + 1);
  // A CR at the very end may be the first half of a CRLF split across chunks.
  if (cr === s.length - 1) cr = -1;
  if (quote < 0) return cr;
  return cr < 0 ? quote : Math.min(quote, cr);
}

/** Cheap pre-check before String.prototype.trim (ASCII controls and space, NBSP, the Unicode spaces). */
function maybeSpace(c: number): boolean {
  return c <= 32 || c === 160 || c >= 0x1680;
}
