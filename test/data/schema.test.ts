import { describe, expect, it } from 'vitest';
import {
  CATEGORICAL_FEATURES,
  DIFFICULTY_COLUMN,
  FEATURE_NAMES,
  LABEL_COLUMN,
  LOG_FEATURES,
  NUMERIC_FEATURES,
  normalizeLabel,
} from '../../src/data/schema.ts';

describe('schema', () => {
  it('has the 41 KDD features in file order', () => {
    expect(FEATURE_NAMES).toHaveLength(41);
    expect(new Set(FEATURE_NAMES).size).toBe(41);
    expect(FEATURE_NAMES.slice(0, 5)).toEqual(['duration', 'protocol_type', 'service', 'flag', 'src_bytes']);
    expect(FEATURE_NAMES[40]).toBe('dst_host_srv_rerror_rate');
  });

  it('splits features into 3 categorical and 38 numeric, keeping file order', () => {
    expect([...CATEGORICAL_FEATURES]).toEqual(['protocol_type', 'service', 'flag']);
    expect(NUMERIC_FEATURES).toHaveLength(38);
    expect(NUMERIC_FEATURES).toEqual(FEATURE_NAMES.filter((f) => !['protocol_type', 'service', 'flag'].includes(f)));
  });

  it('log-transforms only numeric count/byte features', () => {
    expect(LOG_FEATURES).toHaveLength(16);
    for (const f of LOG_FEATURES) expect(NUMERIC_FEATURES).toContain(f);
    expect(LOG_FEATURES).not.toContain('serror_rate');
  });

  it('names the label and difficulty columns', () => {
    expect(LABEL_COLUMN).toBe('label');
    expect(DIFFICULTY_COLUMN).toBe('difficulty');
  });

  it('normalises labels from both KDD variants', () => {
    expect(normalizeLabel(' Normal. ')).toBe('normal');
    expect(normalizeLabel('smurf.')).toBe('smurf');
    expect(normalizeLabel('neptune')).toBe('neptune');
  });
});
