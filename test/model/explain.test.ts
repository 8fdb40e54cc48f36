import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { featureIndexOf, topFeatures } from '../../src/model/explain.ts';

describe('explanations', () => {
  const columns = ['duration', 'src_bytes', 'protocol_type=tcp', 'protocol_type=udp', 'service=http', 'service=private'];
  const index = featureIndexOf(columns);
  const rawRow = FEATURE_NAMES.map((f) => (f === 'service' ? 'private' : f === 'protocol_type' ? 'udp' : 7));
  const raw = (f: number) => rawRow[f];

  it('folds one-hot columns into their feature and ranks by share', () => {
    const top = topFeatures(Float64Array.from([0.1, 0.2, 0.05, 0.05, 0.3, 0.3]), index, raw);
    expect(top.map((t) => t.feature)).toEqual(['service', 'src_bytes', 'duration']);
    expect(top[0]).toEqual({ feature: 'service', value: 'private', share: 0.6 });
    expect(top[1].share).toBeCloseTo(0.2, 4);
  });

  it('returns fewer entries when fewer features contribute, none for a zero distance', () => {
    expect(topFeatures(Float64Array.from([0, 1, 0, 0, 0, 0]), index, raw)).toEqual([{ feature: 'src_bytes', value: 7, share: 1 }]);
    expect(topFeatures(new Float64Array(6), index, raw)).toEqual([]);
  });

  it('rejects a column that names no input feature', () => {
    expect(() => featureIndexOf(['nonsense'])).toThrow(/names no input feature/);
  });
});
