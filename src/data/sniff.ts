// Looking at the start of an input before choosing its reader: a capture is
// told by its magic bytes, a Zeek log by its first line, everything else is CSV.
// The bytes looked at are handed on, so nothing is read twice.

import { rawChunks, type CsvInput } from './text.ts';

/** Enough for any magic number and a first line (a CICFlowMeter header is ~1.5 KB). */
const HEAD_BYTES = 64 * 1024;

export interface Sniffed {
  /** The first bytes (or characters, for string input), possibly fewer than HEAD_BYTES. */
  head: Uint8Array | string;
  /** The whole input again, from its first byte. */
  input: AsyncIterable<Uint8Array | string>;
}

export async function sniff(input: CsvInput): Promise<Sniffed> {
  const it = rawChunks(input)[Symbol.asyncIterator]();
  const seen: (Uint8Array | string)[] = [];
  let size = 0;
  let ended = false;
  // Read until a line end or HEAD_BYTES: enough to tell the format.
  while (size < HEAD_BYTES) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    seen.push(r.value);
    size += r.value.length;
    if (hasNewline(r.value) && size >= 16) break;
  }
  const head = seen.length > 0 && typeof seen[0] === 'string' ? seen.filter((c) => typeof c === 'string').join('') : concat(seen);
  async function* replay(): AsyncGenerator<Uint8Array | string> {
    try {
      yield* seen;
      if (ended) return;
      while (true) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // Stopped early: release the underlying input.
      if (!ended) await it.return?.(undefined);
    }
  }
  return { head, input: replay() };
}

/** The head's first line as text (bytes decoded leniently), without its line end. */
export function firstLine(head: Uint8Array | string): string {
  const text = typeof head === 'string' ? head : new TextDecoder().decode(head);
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '').replace(/^\uFEFF/, '');
}

function hasNewline(c: Uint8Array | string): boolean {
  return typeof c === 'string' ? c.includes('\n') : c.includes(10);
}

function concat(chunks: (Uint8Array | string)[]): Uint8Array {
  const bytes = chunks.filter((c): c is Uint8Array => c instanceof Uint8Array);
  if (bytes.length === 1) return bytes[0];
  const out = new Uint8Array(bytes.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of bytes) { out.set(c, o); o += c.length; }
  return out;
}
