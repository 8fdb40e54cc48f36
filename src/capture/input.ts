// Any byte source → Uint8Array chunks of bounded size, so that one huge buffer
// is processed (and yields batches) piece by piece like a stream would be.
// The source handling (streams, iterables, one buffer) is the text reader's.

import { rawChunks } from '../data/text.ts';

export type CaptureInput =
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>
  | ReadableStream<Uint8Array>
  | Uint8Array;

export async function* byteChunks(input: CaptureInput): AsyncGenerator<Uint8Array> {
  for await (const chunk of rawChunks(input)) {
    if (typeof chunk === 'string') throw new TypeError('readCaptureConnections: expected Uint8Array chunks, got a string');
    if (chunk.length > 0) yield chunk; // empty chunks are idle ticks of live inputs: nothing to parse
  }
}
