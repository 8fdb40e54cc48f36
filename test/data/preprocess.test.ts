import { describe, expect, it } from 'vitest';
import { batchFromRecords, type RecordBatch } from '../../src/data/batch.ts';
import { Preprocessor, normalMaskFromLabels, type PreprocessorState } from '../../src/data/preprocess.ts';
import { LOG_FEATURES, NUMERIC_FEATURES } from '../../src/data/schema.ts';
import { ROWS, randomRows, row, type Row } from './fixtures.ts';

const toBatch = (rows: Row[]): RecordBatch => batchFromRecords(rows.map((r) => [...r.values, r.label]));
const train = toBatch(randomRows(300, 11));
const mask = normalMaskFromLabels(train.labels!);

/** Same vocabulary, but mean 0 / scale 1: transform shows the pre-standardisation values. */
function unscaled(p: Preprocessor): Preprocessor {
  const s = p.state;
  return new Preprocessor({ ...s, mean: s.mean.map(() => 0), scale: s.scale.map(() => 1) });
}

function columnStats(m: Float32Array, dim: number, rows: number[], j: number): { mean: number; std: number } {
  let sum = 0;
  for (const i of rows) sum += m[i * dim + j];
  const mean = sum / rows.length;
  let sq = 0;
  for (const i of rows) sq += (m[i * dim + j] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / rows.length) };
}

describe('Preprocessor', () => {
  it('applies log1p (negatives clamped to 0) to LOG_FEATURES only', () => {
    const b = toBatch([row({ duration: -5, src_bytes: 1000, count: 7, serror_rate: 0.25, same_srv_rate: -0.5, land: 1 })]);
    const p = unscaled(Preprocessor.fit(b, null));
    const { matrix } = p.transform(b);
    NUMERIC_FEATURES.forEach((f, j) => {
      const x = b.numeric[j];
      const want = LOG_FEATURES.includes(f) ? Math.log1p(Math.max(x, 0)) : x;
      expect(matrix[j], f).toBe(Math.fround(want));
    });
    expect(matrix[NUMERIC_FEATURES.indexOf('src_bytes')]).toBeCloseTo(Math.log(1001), 5);
    expect(matrix[NUMERIC_FEATURES.indexOf('same_srv_rate')]).toBe(-0.5);
  });

  it('one-hot encodes over the sorted training vocabulary', () => {
    const p = Preprocessor.fit(toBatch(ROWS), null);
    expect(p.state.categories).toEqual({
      protocol_type: ['icmp', 'tcp', 'udp'],
      service: ['domain_u', 'ecr_i', 'http', 'private', 'smtp'],
      flag: ['REJ', 'S0', 'SF'],
    });
    expect(p.dim).toBe(38 + 3 + 5 + 3);
    expect(p.state.columns.slice(38, 42)).toEqual(['protocol_type=icmp', 'protocol_type=tcp', 'protocol_type=udp', 'service=domain_u']);
    expect(p.featureOf(39)).toBe('protocol_type');
    const { matrix } = unscaled(p).transform(toBatch([ROWS[3]])); // icmp, ecr_i, SF
    expect(Array.from(matrix.slice(38))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('maps unseen categories to an all-zero block and counts them', () => {
    const p = Preprocessor.fit(toBatch(ROWS), null);
    const b = toBatch([
      row({ protocol_type: 'sctp', service: 'gopher' }),
      row({ service: 'gopher' }),
      row({ service: 'http', flag: 'SF' }),
    ]);
    const raw = unscaled(p).transform(b);
    expect(raw.unknown).toBe(2);
    expect(raw.unknownValues).toEqual({ protocol_type: { sctp: 1 }, service: { gopher: 2 } });
    expect(Array.from(raw.matrix.slice(38, p.dim))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Known columns keep their codes: row 2 (tcp) still lights protocol_type=tcp.
    expect(raw.matrix[p.dim + 39]).toBe(1);
    const scaled = p.transform(b);
    expect(scaled.matrix.every(Number.isFinite)).toBe(true);
  });

  it('standardises with statistics from the normal rows only', () => {
    const p = Preprocessor.fit(train, mask);
    const { matrix } = p.transform(train);
    const normal = [...mask.keys()].filter((i) => mask[i] === 1);
    const raw = unscaled(p).transform(train).matrix;
    let checked = 0;
    for (let j = 0; j < p.dim; j++) {
      if (columnStats(raw, p.dim, normal, j).std < 0.05) continue; // floored columns: see below
      const s = columnStats(matrix, p.dim, normal, j);
      expect(Math.abs(s.mean), p.state.columns[j]).toBeLessThan(1e-5);
      expect(s.std, p.state.columns[j]).toBeCloseTo(1, 4);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    // Attack-only services were never seen on normal rows: far from 0 on all rows.
    const j = p.state.columns.indexOf('service=private');
    expect(columnStats(matrix, p.dim, [...mask.keys()], j).mean).toBeGreaterThan(1);
  });

  it('keeps (near-)zero-variance columns finite, floored at minScale', () => {
    const rows = [row({ land: 0 }), row({ land: 0, src_bytes: 10 }), row({ land: 1, service: 'telnet' }, 'land')];
    const b = toBatch(rows);
    const p = Preprocessor.fit(b, normalMaskFromLabels(b.labels!));
    const land = NUMERIC_FEATURES.indexOf('land');
    expect(p.state.scale[land]).toBe(1e-2);
    const { matrix } = p.transform(b);
    expect(matrix.every(Number.isFinite)).toBe(true);
    expect(matrix[2 * p.dim + land]).toBeCloseTo(100, 4);
    expect(matrix[2 * p.dim + p.state.columns.indexOf('service=telnet')]).toBeCloseTo(100, 4);
    const loose = Preprocessor.fit(b, normalMaskFromLabels(b.labels!), { minScale: 1 });
    expect(loose.transform(b).matrix[2 * p.dim + land]).toBe(1);
  });

  it('round-trips its state through JSON to identical output', () => {
    const p = Preprocessor.fit(train, mask);
    const q = new Preprocessor(JSON.parse(JSON.stringify(p.state)) as PreprocessorState);
    expect(q.state).toEqual(p.state);
    expect(Array.from(q.transform(train).matrix)).toEqual(Array.from(p.transform(train).matrix));
  });

  it('reuses a caller-provided output buffer', () => {
    const p = Preprocessor.fit(train, mask);
    const b = toBatch(ROWS);
    const out = new Float32Array(p.dim * 10);
    const { matrix } = p.transform(b, out);
    expect(matrix.buffer).toBe(out.buffer);
    expect(matrix.length).toBe(6 * p.dim);
    expect(Array.from(matrix)).toEqual(Array.from(p.transform(b).matrix));
    expect(() => p.transform(b, new Float32Array(3))).toThrow(RangeError);
  });

  it('returns raw row values for explanations', () => {
    const p = Preprocessor.fit(toBatch(ROWS), null);
    expect(p.rawValues(toBatch(ROWS), 2)).toEqual(ROWS[2].values);
  });

  it('validates a loaded state', () => {
    const s = Preprocessor.fit(toBatch(ROWS), null).state;
    const bad = (patch: Partial<PreprocessorState>) => () => new Preprocessor({ ...s, ...patch });
    expect(bad({ mean: s.mean.slice(1) })).toThrow(/invalid preprocessor state: mean must have 49 entries/);
    expect(bad({ scale: s.scale.map((v, j) => (j === 3 ? 0 : v)) })).toThrow(/scale\[3\] \(.*\) must be a finite number > 0/);
    expect(bad({ mean: s.mean.map((v, j) => (j === 0 ? NaN : v)) })).toThrow(/mean\[0\]/);
    expect(bad({ columns: [...s.columns].reverse() })).toThrow(/columns\[0\]/);
    expect(bad({ logFeatures: ['service'] })).toThrow(/not a numeric feature/);
    expect(bad({ categories: { ...s.categories, flag: ['SF', 'SF'] } })).toThrow(/duplicates/);
  });

  it('refuses to fit without normal rows or with a mismatched mask', () => {
    const b = toBatch(ROWS);
    expect(() => Preprocessor.fit(b, new Uint8Array(6))).toThrow(/no training rows are marked normal/);
    expect(() => Preprocessor.fit(b, new Uint8Array(5))).toThrow(/5 entries but the batch has 6 rows/);
  });
});

describe('absurd values', () => {
  it('stay finite after preprocessing (clamped to ±MAX_Z)', async () => {
    const { Preprocessor, MAX_Z } = await import('../../src/data/preprocess.ts');
    const { batchFromRecords } = await import('../../src/data/batch.ts');
    const { FEATURE_NAMES } = await import('../../src/data/schema.ts');
    const row = (rate: number) => FEATURE_NAMES.map((f) => (f === 'protocol_type' ? 'tcp' : f === 'service' ? 'http' : f === 'flag' ? 'SF' : f === 'serror_rate' ? rate : 0));
    const train = batchFromRecords([row(0), row(1), row(0.5)]);
    const pp = Preprocessor.fit(train, null);
    const out = pp.transform(batchFromRecords([row(1e38), row(-1e38)])).matrix;
    expect(out.every(Number.isFinite)).toBe(true);
    expect(Math.max(...out)).toBe(MAX_Z);
    expect(Math.min(...out)).toBe(-MAX_Z);
  });
});
