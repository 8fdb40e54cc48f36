// Any byte source → Uint8Array chunks of bounded size, so that one huge buffer
// is processed (and yields batches) piece by piece like a stream would be.

export type CaptureInput =
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>
  | ReadableStream<Uint8Array>
  | Uint8Array;

/** Largest piece handed to the parser at once. */
const PIECE = 1 << 20;

export async function* byteChunks(input: CaptureInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield* pieces(input);
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
        yield* pieces(checkChunk(r.value));
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  } else {
    for await (const chunk of input as AsyncIterable<Uint8Array>) yield* pieces(checkChunk(chunk));
  }
}

function* pieces(bytes: Uint8Array): Generator<Uint8Array> {
  if (bytes.length <= PIECE) {
    if (bytes.length > 0) yield bytes;
    return;
  }
  for (let i = 0; i < bytes.length; i += PIECE) yield bytes.subarray(i, i + PIECE);
}

function checkChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`readCaptureConnections: expected Uint8Array chunks, got ${chunk === null ? 'null' : typeof chunk}`);
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof (x as ReadableStream | null)?.getReader === 'function';
}
