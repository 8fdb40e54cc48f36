// Input normalisation: any byte/string source → checked UTF-8 text chunks.

import { InputError } from './errors.ts';

export type CsvInput =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | Uint8Array
  | string;

/** Pieces handed to the parser; bounds memory when given one huge string or buffer. */
const PIECE = 1 << 20;

// NUL and C0 controls other than \t \n \v \f \r never occur in a CSV text file; U+FFFD is
// what the decoder substitutes for bytes that are not valid UTF-8.
const BINARY_RE = /[\0-\x08\x0e-\x1f\uFFFD]/;

const BINARY_HINT =
  'If it is compressed (.gz, .zip), decompress it first; save spreadsheets and UTF-16 text as plain UTF-8 CSV.';

/**
 * Throws the "not a text file" error when `text` holds a NUL, another C0 control or a
 * U+FFFD; `line` is the physical line `text` starts on.
 */
export function checkText(text: string, line: number, source?: string): void {
  const m = BINARY_RE.exec(text);
  if (!m) return;
  const what =
    m[0] === '\0' ? 'a NUL byte' : m[0] === '\uFFFD' ? 'bytes that are not valid UTF-8' : `control character 0x${m[0].charCodeAt(0).toString(16).padStart(2, '0')}`;
  throw new InputError(`the input does not look like a text CSV file (found ${what})`, {
    source,
    line: line + countNewlines(text, m.index),
    hint: BINARY_HINT,
    kind: 'syntax',
  });
}

export interface TextChunkOptions {
  /**
   * The input is the rest of one already begun (the byte reader's hand-over):
   * counting starts at this physical line and a leading U+FEFF is not a BOM.
   */
  fromLine?: number;
  /** With fromLine: nothing but byte order marks came before, so a U+FEFF that begins the first text is dropped still. */
  leadingBom?: boolean;
}

/** Decode input to text chunks, rejecting binary content with the line where it starts. */
export async function* textChunks(input: CsvInput, source?: string, opts: TextChunkOptions = {}): AsyncGenerator<string> {
  const midStream = opts.fromLine !== undefined;
  // Non-fatal: bad bytes become U+FFFD, reported by checkText.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: midStream });
  let line = opts.fromLine ?? 1; // physical line at the start of the next chunk
  let first = !midStream || opts.leadingBom === true;
  const emit = (text: string): string => {
    if (first && text !== '') {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM in string input
    }
    checkText(text, line, source);
    line += countNewlines(text, text.length);
    return text;
  };
  for await (const chunk of rawChunks(input)) {
    // An empty chunk is a live input's idle tick (see idle.ts): passed on, so readers flush.
    if (chunk.length === 0) { yield ''; continue; }
    const text = typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    if (text !== '') yield emit(text);
  }
  const tail = decoder.decode();
  if (tail !== '') yield emit(tail);
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export async function* rawChunks(input: CsvInput): AsyncGenerator<Uint8Array | string> {
  if (typeof input === 'string') {
    yield* splitString(input);
  } else if (input instanceof Uint8Array) {
    for (let i = 0; i < input.length; i += PIECE) yield input.subarray(i, i + PIECE);
  } else if (isReadableStream(input)) {
    // getReader() rather than for-await: not every browser makes streams async-iterable.
    const reader = input.getReader();
    let done = false;
    try {
      while (true) {
        const r = await reader.read();
        if (r.done) {
          done = true;
          break;
        }
        yield* checkChunk(r.value);
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  } else {
    for await (const chunk of input) yield* checkChunk(chunk);
  }
}

function* checkChunk(chunk: unknown): Generator<Uint8Array | string> {
  if (typeof chunk === 'string') yield* splitString(chunk);
  else if (chunk instanceof Uint8Array) yield chunk;
  else if (chunk instanceof ArrayBuffer) yield new Uint8Array(chunk);
  else throw new TypeError(`readBatches: expected string or Uint8Array chunks, got ${chunk === null ? 'null' : typeof chunk}`);
}

function* splitString(s: string): Generator<string> {
  for (let i = 0; i < s.length; ) {
    let end = Math.min(i + PIECE, s.length);
    // Never split a surrogate pair.
    if (end < s.length && (s.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
    yield s.slice(i, end);
    i = end;
  }
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof (x as ReadableStream | null)?.getReader === 'function';
}
