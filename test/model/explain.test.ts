import { describe, expect, it } from 'vitest';
import { KMeans, matrix, withSubspaces } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { contributions, featureIndexOf } from '../../src/model/explain.ts';

describe('explanations', () => {
  const columns = ['duration', 'src_bytes', 'protocol_type=tcp', 'protocol_type=udp', 'service=http', 'service=private'];
  const index = featureIndexOf(columns);
  const rawRow = FEATURE_NAMES.map((f) => (f === 'service' ? 'private' : f === 'protocol_type' ? 'udp' : 7));
  const raw = (f: number) => rawRow[f];

  /** The module's top-3 ranking of one row whose column shares are `shares`: one member, its centroid at the origin. */
  async function rank(shares: number[]) {
    const engine = await loadEngine();
    const x = shares.map(Math.sqrt);
    const X = matrix(Float32Array.from([...x, ...x.map((v) => -v)]), shares.length); // mean 0: the one centroid
    const model = new KMeans(engine, { nClusters: 1, seed: 1, nInit: 1 }).fit(X);
    const all = Int32Array.from(shares, (_, c) => c);
    const top = withSubspaces(engine, X, [{ model, columns: all, weight: 1 }], (r) => r.topFeatures(Int32Array.of(0), index, FEATURE_NAMES.length, 3));
    return contributions(top, 0, 3, raw);
  }

  it('folds one-hot columns into their feature and ranks by share', async () => {
    const top = await rank([0.1, 0.2, 0.05, 0.05, 0.3, 0.3]);
    expect(top.map((t) => t.feature)).toEqual(['service', 'src_bytes', 'duration']);
    expect(top[0]).toEqual({ feature: 'service', value: 'private', share: 0.6 });
    expect(top[1].share).toBeCloseTo(0.2, 4);
  });

  it('returns fewer entries when fewer features contribute, none for a zero distance', async () => {
    expect(await rank([0, 1, 0, 0, 0, 0])).toEqual([{ feature: 'src_bytes', value: 7, share: 1 }]);
    expect(await rank([0, 0, 0, 0, 0, 0])).toEqual([]);
  });

  it('reads the ranking as the module writes it: total, then (feature, share) pairs, −1 past the last', () => {
    expect(contributions(Float64Array.of(0.5, 40, 0.3, 1, 0.2, -1, 0), 0, 3, raw)).toEqual([
      { feature: 'dst_host_srv_rerror_rate', value: 7, share: 0.6 },
      { feature: 'protocol_type', value: 'udp', share: 0.4 },
    ]);
    expect(contributions(Float64Array.of(9, 0, 9, 0.5, -1, 0, -1, 0), 1, 3, raw)).toEqual([]);
    expect(contributions(Float64Array.of(3, 2, 1), 0, 1, raw)).toEqual([{ feature: 'service', value: 'private', share: 0.3333 }]);
  });

  it('rejects a column that names no input feature', () => {
    expect(() => featureIndexOf(['nonsense'])).toThrow(/names no input feature/);
  });
});
