// What a reader says about an input, for comparing the byte reader with the text path.

import { InputError } from '../../src/data/errors.ts';
import { readBatches } from '../../src/data/reader.ts';
import { loadEngine } from '../../src/engine/node.ts';

/**
 * Everything readBatches says about an input, in order: each batch's contents, then the
 * error. `reader`: false for the text path, true for the byte reader, 'module' for the
 * byte reader with its plain lines parsed in the compute core (module-lines.ts).
 */
export async function transcript(input: AsyncIterable<Uint8Array | string>, reader: boolean | 'module', batchSize: number): Promise<unknown[]> {
  const out: unknown[] = [];
  const core = reader === 'module' ? (await loadEngine()).core : undefined;
  try {
    for await (const b of readBatches(input, { source: 'in.csv', batchSize, fastBytes: reader !== false, core })) {
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
