// Compressed inputs: Zeek rotates its logs into conn.*.log.gz and captures are
// often kept as .pcap.gz, so gzip is undone on the fly (DecompressionStream is
// in Node, Deno, workerd and browsers alike) and the content sniffed again.

import { InputError } from './errors.ts';

export function isGzip(head: Uint8Array | string): boolean {
  return head instanceof Uint8Array && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export async function* gunzip(input: AsyncIterable<Uint8Array | string>, source?: string): AsyncGenerator<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(typeof r.value === 'string' ? new TextEncoder().encode(r.value) : r.value);
    },
    async cancel() { await it.return?.(undefined); },
  });
  const reader = compressed.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  let done = false;
  try {
    while (true) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        throw new InputError(`the gzip-compressed input is damaged or cut short (${(err as Error).message})`, {
          source, kind: 'syntax', hint: 'Check the file with `gzip -t`, or decompress it first.', cause: err,
        });
      }
      if (r.done) { done = true; return; }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}
