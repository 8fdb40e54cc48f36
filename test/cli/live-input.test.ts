// The detect CLI scores a live input (a followed file, a pipe) in batches of LIVE_BATCH_SIZE
// rows, and a file in the readers' default batches.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIVE_BATCH_SIZE, openDetectInput } from '../../src/cli/live-input.ts';

const dir = mkdtempSync(join(tmpdir(), 'anomalyze-live-input-'));
const file = join(dir, 'conn.csv');
writeFileSync(file, '0,tcp,http,SF,181,5450,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,8,8,0,0,0,0,1,0,0,9,9,1,0,0.11,0,0,0,0,0\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDetectInput', () => {
  it('plans batches of 1,024 rows for a followed file', async () => {
    const stop = new AbortController();
    const plan = await openDetectInput(file, { follow: true, fromEnd: false, latencyMs: 100, signal: stop.signal });
    stop.abort();
    expect(plan.live).toBe(true);
    expect(plan.batchSize).toBe(LIVE_BATCH_SIZE);
    expect(LIVE_BATCH_SIZE).toBe(1024);
  });

  it('leaves a file to the readers\' default', async () => {
    const plan = await openDetectInput(file, { follow: false, fromEnd: false, latencyMs: 100, signal: new AbortController().signal });
    expect(plan.live).toBe(false);
    expect(plan.batchSize).toBeUndefined();
    for await (const _ of plan.chunks) { /* drain, closing the file */ }
  });
});
