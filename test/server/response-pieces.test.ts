// A JSON report of 1 MB or more is streamed in pieces of about 64 kB: at 256 kB each piece was a
// string in V8's large-object space and its encoding a malloc block of that size, which stood in
// the server's RSS at every peak of the load benchmark.

import { describe, expect, it } from 'vitest';
import { makeApp, syntheticCsv } from './helpers.ts';

describe('POST /api/detect, a large JSON report', () => {
  it('comes in pieces under 128 kB that make the whole report', async () => {
    const app = await makeApp();
    const res = await app.request('/api/detect?all=1', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: syntheticCsv(6000, 8) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const sizes: number[] = [];
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.byteLength);
      parts.push(value);
    }
    const total = sizes.reduce((s, n) => s + n, 0);
    expect(total).toBeGreaterThan(1 << 20); // streamed, not one string
    expect(Math.max(...sizes)).toBeLessThan(1 << 17);
    const report = JSON.parse(Buffer.concat(parts).toString('utf8')) as { summary: { rows: number }; records: unknown[] };
    expect(report.summary.rows).toBe(6000);
    expect(report.records).toHaveLength(6000);
  });
});
