// Byte chunks → lines (without their "\n" or "\r\n"), decoding UTF-8 per line:
// "\n" never occurs inside a multi-byte character, so splitting bytes first is safe.

export interface LineOptions {
  /** Longer lines are skipped (up to the next "\n") and reported, so that one bad line cannot exhaust memory. Default 1 MiB. */
  maxLineBytes?: number;
  onOversizedLine?: (bytes: number) => void;
}

export async function* splitLines(chunks: AsyncIterable<Uint8Array>, opts: LineOptions = {}): AsyncGenerator<string> {
  const max = opts.maxLineBytes ?? 1024 * 1024;
  const decoder = new TextDecoder('utf-8');
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let skipping = false; // inside an oversized line
  let skipped = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (skipping) {
        skipped += end - start;
      } else if (partBytes + end - start > max) {
        skipping = true;
        skipped = partBytes + end - start;
        parts = [];
        partBytes = 0;
      } else if (end > start) {
        parts.push(chunk.subarray(start, end));
        partBytes += end - start;
      }
      if (nl < 0) break;
      if (skipping) {
        opts.onOversizedLine?.(skipped);
        skipping = false;
      } else {
        yield decodeLine(decoder, parts, partBytes);
      }
      parts = [];
      partBytes = 0;
      start = nl + 1;
    }
  }
  if (skipping) opts.onOversizedLine?.(skipped);
  else if (partBytes > 0) yield decodeLine(decoder, parts, partBytes); // last line without "\n"
}

function decodeLine(decoder: TextDecoder, parts: Uint8Array[], bytes: number): string {
  let whole: Uint8Array;
  if (parts.length === 1) whole = parts[0];
  else {
    whole = new Uint8Array(bytes);
    let o = 0;
    for (const p of parts) {
      whole.set(p, o);
      o += p.length;
    }
  }
  const text = decoder.decode(whole);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
