import { describe, expect, it } from 'vitest';
import { batchFromRecords, concatBatches, rowValues, sliceBatch } from '../../src/data/batch.ts';
import { InputError } from '../../src/data/errors.ts';
import { readAll } from '../../src/data/reader.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { ROWS, randomRows, toCsv } from './fixtures.ts';

const plain = <T extends { numeric: Float64Array }>(b: T) => ({ ...b, numeric: Array.from(b.numeric) });
const reference = async () => (await readAll(toCsv(ROWS))).batch;

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('concatBatches / sliceBatch', () => {
  it('slices and concatenates back to the original', async () => {
    const b = await reference();
    const parts = [sliceBatch(b, 0, 2), sliceBatch(b, 2, 2), sliceBatch(b, 2, 6)];
    expect(parts.map((p) => [p.count, p.firstLine])).toEqual([[2, 1], [0, 3], [4, 3]]);
    expect(rowValues(parts[2], 0)).toEqual(ROWS[2].values);
    const { numeric, ...rest } = concatBatches(parts);
    expect({ ...rest, numeric: Array.from(numeric) }).toEqual(plain(b));
  });

  it('copies, so slices do not alias the source', async () => {
    const b = await reference();
    const s = sliceBatch(b, 1, 3);
    s.numeric[0] = -1;
    s.categorical[0][0] = 'x';
    expect(b.numeric[38]).not.toBe(-1);
    expect(b.categorical[0][1]).toBe('udp');
  });

  it('rejects bad ranges and mixed labeled/unlabeled batches', async () => {
    const b = await reference();
    expect(() => sliceBatch(b, 3, 2)).toThrow(RangeError);
    expect(() => sliceBatch(b, 0, 7)).toThrow(RangeError);
    expect(() => concatBatches([b, { ...b, labels: null }])).toThrow(/mix labeled and unlabeled/);
    expect(concatBatches([]).count).toBe(0);
  });
});

describe('batchFromRecords', () => {
  it('accepts arrays of values with label and difficulty, numbers as strings', async () => {
    const records = ROWS.map((r) => [...r.values.map((v, i) => (i % 2 ? String(v) : v)), r.label.toUpperCase() + '.', r.difficulty]);
    expect(plain(batchFromRecords(records))).toEqual(plain(await reference()));
  });

  it('accepts objects keyed by feature name, extra keys ignored', async () => {
    const records = ROWS.map((r) => ({ id: 7, ...Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, r.values[i]])), label: r.label }));
    expect(plain(batchFromRecords(records))).toEqual(plain(await reference()));
  });

  it('handles more records than one initial allocation', () => {
    const rows = randomRows(1500, 2);
    const b = batchFromRecords(rows.map((r) => r.values));
    expect(b.count).toBe(1500);
    expect(rowValues(b, 1499)).toEqual(rows[1499].values);
  });

  it('returns labels = null for unlabeled records', () => {
    const b = batchFromRecords(ROWS.map((r) => r.values));
    expect(b.labels).toBeNull();
    expect(b.count).toBe(6);
  });

  it('names the record and field of a bad value', () => {
    const records: unknown[] = ROWS.map((r) => [...r.values]);
    (records[2] as unknown[])[4] = 'abc';
    const e = thrown(() => batchFromRecords(records, 'request body'));
    expect([e.line, e.column]).toEqual([3, 5]);
    expect(e.message).toMatch(/^request body: record 3: expected a number for src_bytes, got "abc"\./);

    const objects = [Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, ROWS[0].values[i]]))];
    objects[0].count = Infinity as never;
    expect(thrown(() => batchFromRecords(objects)).message).toMatch(/^record 1: expected a number for count, got Infinity/);
  });

  it('reports missing fields, wrong lengths, wrong types and inconsistent labels', () => {
    const obj = Object.fromEntries(FEATURE_NAMES.filter((f) => f !== 'flag').map((f) => [f, 0]));
    expect(thrown(() => batchFromRecords([obj])).message).toMatch(/record 1: missing the field flag/);
    expect(thrown(() => batchFromRecords([ROWS[0].values, [1, 2, 3]])).message).toMatch(/record 2: expected 41 feature values.*found 3/);
    expect(thrown(() => batchFromRecords([ROWS[0].values, 'x'])).message).toMatch(/record 2: expected an array or an object, got string/);
    const cat = [...ROWS[0].values];
    cat[1] = 6;
    expect(thrown(() => batchFromRecords([cat])).message).toMatch(/record 1: expected a non-empty string for protocol_type, got 6/);
    expect(thrown(() => batchFromRecords([[...ROWS[0].values, 'normal'], ROWS[1].values])).message).toMatch(
      /record 2: has no label but record 1 has one/,
    );
    expect(thrown(() => batchFromRecords({} as unknown[])).message).toMatch(/expected an array of records, got object/);
  });
});

describe('parseNumeric', () => {
  it('equals Number() on plain decimals and handles everything else through it', async () => {
    const { parseNumeric } = await import('../../src/data/batch.ts');
    const { mulberry32 } = await import('../../src/data/random.ts');
    const rnd = mulberry32(3);
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + Math.floor(rnd() * 15);
      let s = '';
      for (let d = 0; d < digits; d++) s += Math.floor(rnd() * 10);
      const dot = Math.floor(rnd() * (digits + 2)) - 1;
      if (dot >= 0) s = s.slice(0, dot) + '.' + s.slice(dot);
      expect(parseNumeric(s)).toBe(Number(s));
    }
    for (const s of ['0', '0.00', '1.', '.5', '255', '-3', '1e5', '1E-3', ' 7', '0x1f', 'Infinity']) {
      const v = Number(s);
      expect(parseNumeric(s)).toBe(Number.isFinite(v) ? v : NaN);
    }
    for (const s of ['', '.', 'abc', '1.2.3', '--1', '12345678901234567890']) {
      const v = Number(s);
      expect(parseNumeric(s)).toEqual(s === '' || !Number.isFinite(v) ? NaN : v);
    }
  });
});
