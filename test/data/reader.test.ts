import { describe, expect, it } from 'vitest';
import { rowValues, type RecordBatch } from '../../src/data/batch.ts';
import { readAll, readBatches } from '../../src/data/reader.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { ROWS, byteChunks, randomRows, toCsv, toHeaderCsv } from './fixtures.ts';

const plain = (b: RecordBatch) => ({ ...b, numeric: Array.from(b.numeric) });

describe('readAll', () => {
  it('reads NSL-KDD rows into columns', async () => {
    const { batch, layout } = await readAll(toCsv(ROWS), { source: 'fixture.csv' });
    expect(layout!.format).toBe('nsl-kdd');
    expect(batch.count).toBe(6);
    expect(batch.firstLine).toBe(1);
    expect(batch.numeric).toHaveLength(6 * 38);
    expect(batch.categorical[0]).toEqual(['tcp', 'udp', 'tcp', 'icmp', 'tcp', 'tcp']);
    expect(batch.categorical[2][2]).toBe('S0');
    expect(batch.labels).toEqual(['normal', 'normal', 'neptune', 'smurf', 'normal', 'portsweep']);
    for (let i = 0; i < ROWS.length; i++) expect(rowValues(batch, i)).toEqual(ROWS[i].values);
  });

  it('reads KDD Cup 99 rows and strips the label dot', async () => {
    const { batch, layout } = await readAll(toCsv(ROWS, 'kdd99'));
    expect(layout!.format).toBe('kdd99');
    expect(batch.labels).toEqual(['normal', 'normal', 'neptune', 'smurf', 'normal', 'portsweep']);
  });

  it('reads unlabeled rows with labels = null', async () => {
    const { batch, layout } = await readAll(toCsv(ROWS, 'unlabeled'));
    expect(layout!.format).toBe('unlabeled');
    expect(batch.labels).toBeNull();
    expect(batch.count).toBe(6);
  });

  it('reads a header file in shuffled order like the headerless one', async () => {
    const columns = ['attack_type', ...[...FEATURE_NAMES].reverse()];
    const { batch, layout } = await readAll(toHeaderCsv(ROWS, columns, 'attack_type'));
    expect(layout!.format).toBe('header');
    const ref = (await readAll(toCsv(ROWS))).batch;
    expect(plain(batch)).toEqual({ ...plain(ref), firstLine: 2 });
  });

  it('handles CRLF, blank and whitespace-only lines, padded fields and a missing final newline', async () => {
    const lines = toCsv(ROWS.slice(0, 3), 'nsl-kdd', '\r\n').split('\r\n');
    const text = `\r\n${lines[0]}\r\n\r\n   \r\n${lines[1].replace(/,/g, ' , ')}\r\n\r\n${lines[2]}`;
    const { batch } = await readAll(text);
    expect(plain(batch)).toEqual({ ...plain((await readAll(toCsv(ROWS.slice(0, 3)))).batch), firstLine: 2 });
  });

  it('keeps exact line numbers across blank lines (batch firstLine)', async () => {
    const [a, b, c] = toCsv(ROWS.slice(0, 3), 'nsl-kdd', '\r\n').split('\r\n');
    const text = [a, '', b, '', '', c, ''].join('\r\n');
    const firsts = [];
    for await (const batch of readBatches(text, { batchSize: 1 })) firsts.push(batch.firstLine);
    expect(firsts).toEqual([1, 3, 6]);
  });

  it('gives the same result in 7-byte chunks as in one chunk', async () => {
    const text = toCsv(randomRows(40, 7), 'nsl-kdd', '\r\n');
    const whole = await readAll(text);
    const chunked = await readAll(byteChunks(text, 7));
    expect(plain(chunked.batch)).toEqual(plain(whole.batch));
    expect(chunked.layout).toEqual(whole.layout);
  });

  it('accepts a ReadableStream and string chunks', async () => {
    const text = toCsv(ROWS);
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        for await (const c of byteChunks(text, 50)) controller.enqueue(c);
        controller.close();
      },
    });
    const ref = plain((await readAll(text)).batch);
    expect(plain((await readAll(stream)).batch)).toEqual(ref);
    expect(plain((await readAll([text.slice(0, 333), text.slice(333)])).batch)).toEqual(ref);
  });
});

describe('readBatches', () => {
  it('yields batches of batchSize records with their first lines', async () => {
    const text = toCsv(randomRows(10, 3));
    const got = [];
    for await (const b of readBatches(text, { batchSize: 4 })) {
      got.push([b.count, b.firstLine, b.numeric.length, b.labels!.length, b.layout!.format]);
    }
    expect(got).toEqual([
      [4, 1, 4 * 38, 4, 'nsl-kdd'],
      [4, 5, 4 * 38, 4, 'nsl-kdd'],
      [2, 9, 2 * 38, 2, 'nsl-kdd'],
    ]);
  });

  it('fills batches larger than the initial allocation', async () => {
    const rows = randomRows(3000, 9);
    const text = toCsv(rows);
    const got = [];
    for await (const b of readBatches(text, { batchSize: 2500 })) got.push(b);
    expect(got.map((b) => [b.count, b.firstLine, b.numeric.length])).toEqual([
      [2500, 1, 2500 * 38],
      [500, 2501, 500 * 38],
    ]);
    expect(rowValues(got[0], 2499)).toEqual(rows[2499].values);
    expect(rowValues(got[1], 499)).toEqual(rows[2999].values);
  });

  it('yields batches before a later error and stops there', async () => {
    const text = toCsv(randomRows(6, 4)) + '1,2,3\n';
    const counts: number[] = [];
    await expect(
      (async () => {
        for await (const b of readBatches(text, { batchSize: 2 })) counts.push(b.count);
      })(),
    ).rejects.toThrow(/^line 7: expected 43 columns/);
    expect(counts).toEqual([2, 2, 2]);
  });

  it('cancels the input when the consumer stops early', async () => {
    let cancelled = false;
    const text = toCsv(randomRows(20, 5));
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(new TextEncoder().encode(text));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const b of readBatches(stream, { batchSize: 5 })) {
      expect(b.count).toBe(5);
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('rejects a bad batchSize', async () => {
    await expect(readBatches('', { batchSize: 0 }).next()).rejects.toThrow(RangeError);
  });
});
