// Reads the real NSL-KDD test set when available; skipped (with a note) otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';

const dataDir = resolve(process.cwd(), process.env.ANOMALYZE_DATA_DIR ?? '../shared/data/nsl-kdd');
const file = resolve(dataDir, 'KDDTest+.txt');
const present = existsSync(file);
if (!present) console.warn(`[test/data] skipping real-data test: ${file} not found (set ANOMALYZE_DATA_DIR)`);

describe.skipIf(!present)('real NSL-KDD data', () => {
  it('reads KDDTest+.txt: 22,544 labelled rows, format nsl-kdd', async () => {
    const { batch, layout } = await readAll(readFileSync(file), { source: 'KDDTest+.txt', batchSize: 5000 });
    expect(layout!.format).toBe('nsl-kdd');
    expect(batch.count).toBe(22544);
    expect(batch.labels).toHaveLength(22544);
    expect(batch.labels).toContain('normal');
    expect(new Set(batch.labels).size).toBeGreaterThan(10);
    expect(batch.numeric.every(Number.isFinite)).toBe(true);
    expect(new Set(batch.categorical[0])).toEqual(new Set(['tcp', 'udp', 'icmp']));
  });
});
