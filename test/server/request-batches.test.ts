// POST /api/detect scores a request in batches of REQUEST_BATCH_SIZE (1,024) rows, whatever its
// form, returning to the event loop between them: with the readers' 8,192, an upload held every
// other request up for a whole batch (single-record p99 about 220 ms under the load benchmark,
// 60 ms with 1,024).

import { describe, expect, it } from 'vitest';
import { REQUEST_BATCH_SIZE } from '../../src/server/detect.ts';
import { makeApp, syntheticCsv } from './helpers.ts';

type App = Awaited<ReturnType<typeof makeApp>>;

/** Batches scored so far (the count of the batch-latency histogram). */
async function batches(app: App): Promise<number> {
  const text = await (await app.request('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith('anomalyze_batch_latency_seconds_count'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('POST /api/detect batches', () => {
  it('are of 1,024 rows', () => {
    expect(REQUEST_BATCH_SIZE).toBe(1024);
  });

  it('a CSV upload of 2.5 batches is scored in 3', async () => {
    const app = await makeApp();
    const rows = Math.round(2.5 * REQUEST_BATCH_SIZE);
    const before = await batches(app);
    const res = await app.request('/api/detect', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: syntheticCsv(rows, 3) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { summary: { rows: number } }).summary.rows).toBe(rows);
    expect(await batches(app) - before).toBe(3);
  });

  it('JSON records too', async () => {
    const app = await makeApp();
    const rows = 2 * REQUEST_BATCH_SIZE + 1;
    const records = syntheticCsv(rows, 4, { labels: false }).trimEnd().split('\n')
      .map((l) => l.split(',').map((v, i) => (i >= 1 && i <= 3 ? v : Number(v))));
    const before = await batches(app);
    const res = await app.request('/api/detect', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { summary: { rows: number } }).summary.rows).toBe(rows);
    expect(await batches(app) - before).toBe(3);
  });
});
