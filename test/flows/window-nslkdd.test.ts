// The definitions in src/flows/window.ts, checked against NSL-KDD itself
// (skipped with a note where the data set is absent). Reads the file; copies nothing.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorClass } from '../../src/flows/window.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import type { KddFlag } from '../../src/flows/connection.ts';

const file = resolve(process.cwd(), process.env.ANOMALYZE_DATA_DIR ?? '../shared/data/nsl-kdd', 'KDDTrain+.txt');
const present = existsSync(file);
if (!present) console.warn(`[test/flows] skipping NSL-KDD window evidence: ${file} not found (set ANOMALYZE_DATA_DIR)`);

const col = (name: string) => FEATURE_NAMES.indexOf(name);

describe.skipIf(!present)('window definitions against NSL-KDD', () => {
  const rows = present ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split(',')) : [];
  const num = (r: string[], name: string) => Number(r[col(name)]);

  it('a connection alone in its window has the error rates of its own flag (it counts itself; SYN/REJ error sets)', () => {
    let checked = 0;
    for (const r of rows) {
      const cls = errorClass(r[col('flag')] as KddFlag);
      if (num(r, 'count') === 1) {
        checked++;
        expect([num(r, 'serror_rate'), num(r, 'rerror_rate')]).toEqual([cls === 1 ? 1 : 0, cls === 2 ? 1 : 0]);
      }
      if (num(r, 'dst_host_srv_count') === 1) {
        expect([num(r, 'dst_host_srv_serror_rate'), num(r, 'dst_host_srv_rerror_rate')]).toEqual([cls === 1 ? 1 : 0, cls === 2 ? 1 : 0]);
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });

  it('the host window is shared by all destinations and 255 long', () => {
    let full = 0;
    let max = 0;
    for (const r of rows) {
      const dh = num(r, 'dst_host_count');
      max = Math.max(max, dh);
      const dhs = num(r, 'dst_host_srv_count');
      // Same-host connections plus same-service connections to other hosts fit in one window.
      expect(dh + dhs * num(r, 'dst_host_srv_diff_host_rate')).toBeLessThanOrEqual(257);
      if (dh === 255) {
        full++;
        expect(Math.abs(dhs / 255 - num(r, 'dst_host_same_srv_rate'))).toBeLessThanOrEqual(0.0051);
      }
    }
    expect(full).toBeGreaterThan(10_000);
    expect(max).toBe(255);
  });
});
