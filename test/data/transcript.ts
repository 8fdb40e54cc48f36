// What a reader says about an input, for comparing the byte reader with the text path.

import { InputError } from '../../src/data/errors.ts';
import { readBatches } from '../../src/data/reader.ts';

/** Everything readBatches says about an input, in order: each batch's contents, then the error. */
export async function transcript(input: AsyncIterable<Uint8Array | string>, fastBytes: boolean, batchSize: number): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    for await (const b of readBatches(input, { source: 'in.csv', batchSize, fastBytes })) {
      out.push({
        format: b.format, schema: b.schema.name, count: b.count, firstLine: b.firstLine, layout: b.layout ?? null,
        // Bit for bit: the bytes of the float64 values, not their printed form.
        numeric: Buffer.from(b.numeric.buffer, b.numeric.byteOffset, b.numeric.byteLength).toString('base64'),
        categorical: b.categorical, labels: b.labels, identity: b.identity,
      });
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    out.push({ error: err.message, line: err.line ?? null, column: err.column ?? null });
  }
  return out;
}
