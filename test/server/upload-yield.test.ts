// Found by `npm run bench -- load`: a CSV upload whose body is already buffered (loopback, or
// any fast client) was scored batch after batch without returning to the event loop, so every
// other request — single records, health checks — and the request deadline's own timer waited
// for the whole upload (hundreds of ms for KDDTest+'s size). JSON records already yielded
// between batches; CSV uploads now do too.

import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_SIZE } from '../../src/data/reader.ts';
import { makeApp, syntheticCsv } from './helpers.ts';

// Three batches' worth of rows.
const ROWS = 3 * DEFAULT_BATCH_SIZE - 100;
let csv: string;
beforeAll(() => { csv = syntheticCsv(ROWS, 5); });

const post = (app: Awaited<ReturnType<typeof makeApp>>, body: string) =>
  app.request('/api/detect', { method: 'POST', headers: { 'content-type': 'text/csv' }, body });

describe('POST /api/detect with a buffered multi-batch CSV body', () => {
  it('lets timers and other requests run between batches', async () => {
    const app = await makeApp();
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 0);
    try {
      const res = await post(app, csv);
      const ticksAtResponse = ticks;
      expect(res.status).toBe(200);
      const report = (await res.json()) as { summary: { rows: number } };
      expect(report.summary.rows).toBe(ROWS);
      // At least one turn of the event loop between each two of the three batches.
      expect(ticksAtResponse).toBeGreaterThanOrEqual(2);
    } finally {
      clearInterval(ticker);
    }
  });

  it('is stopped by the deadline while it is being scored (408), not answered after it', async () => {
    const app = await makeApp({ timeoutMs: 20 });
    const res = await post(app, csv);
    expect(res.status).toBe(408);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/longer than 20 ms/);
  });
});
