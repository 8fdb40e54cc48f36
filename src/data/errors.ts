// User-facing input errors: one line, "<where>: <what was wrong>. <what to do>".

export const DEFAULT_HINT = 'Check that the file is a KDD/NSL-KDD CSV export.';

export interface InputErrorOptions {
  source?: string;
  /** 1-based physical line (or record index when `unit` is 'record'). */
  line?: number;
  /** 1-based field index (CSV column number). */
  column?: number;
  /** What the user should do; defaults to DEFAULT_HINT, '' for none. */
  hint?: string;
  /** 'record' for JSON input: the location reads "record N" instead of "N:col". */
  unit?: 'line' | 'record';
  /** See InputErrorKind; defaults to 'content'. */
  kind?: InputErrorKind;
  cause?: unknown;
}

/**
 * 'syntax': the bytes are not well-formed CSV text (binary data, invalid UTF-8, broken
 * quoting, nothing at all); 'content': well-formed, but the columns, values or header do
 * not fit the KDD schema. The HTTP API answers 400 for the first and 422 for the second.
 */
export type InputErrorKind = 'syntax' | 'content';

export class InputError extends Error {
  readonly source?: string;
  readonly line?: number;
  readonly column?: number;
  /** The problem alone, without location or hint. */
  readonly problem: string;
  readonly hint: string;
  readonly kind: InputErrorKind;
  /** Whether `line` counts physical lines or JSON records. */
  readonly unit: 'line' | 'record';

  constructor(problem: string, opts: InputErrorOptions = {}) {
    const hint = opts.hint ?? DEFAULT_HINT;
    super(formatMessage(problem, hint, opts), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'InputError';
    this.source = opts.source;
    this.line = opts.line;
    this.column = opts.column;
    this.problem = problem;
    this.hint = hint;
    this.kind = opts.kind ?? 'content';
    this.unit = opts.unit ?? 'line';
  }
}

function formatMessage(problem: string, hint: string, o: InputErrorOptions): string {
  let where: string;
  if (o.unit === 'record') {
    const rec = o.line !== undefined ? `record ${o.line}` : '';
    where = [o.source, rec].filter(Boolean).join(': ');
  } else if (o.source !== undefined) {
    where = [o.source, o.line, o.line !== undefined ? o.column : undefined]
      .filter((p) => p !== undefined)
      .join(':');
  } else if (o.line !== undefined) {
    where = `line ${o.line}` + (o.column !== undefined ? `, column ${o.column}` : '');
  } else {
    where = '';
  }
  const text = (where ? `${where}: ` : '') + sentence(problem) + (hint ? ` ${hint}` : '');
  // Keep the message on one line whatever the offending value contained.
  return text.replace(/[\r\n]+/g, ' ');
}

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Quote a user-supplied value for a message: JSON-escaped and truncated. */
export function quoteValue(v: unknown, max = 40): string {
  const s = typeof v === 'string' ? v : String(v);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(cut);
}

/** "a, b, c and 5 more" for long lists of names. */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
