// POST /api/stream: a live feed in, alerts out before the feed ends; and GET /metrics.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { createApp } from '../../src/server/app.ts';
import { loadModelDir } from '../../src/model/node.ts';

let engine: Engine;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  engine = await loadEngine();
  app = createApp({ detector: new Detector(await loadModelDir(engine)), version: 'test', log: () => {}, options: { streamIdleMs: 5000 } });
});

/** A request body the test feeds by hand, and a reader of the response lines. */
function feed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start(c) { controller = c; } });
  const enc = new TextEncoder();
  return { body, send: (t: string) => controller.enqueue(enc.encode(t)), end: () => controller.close() };
}

async function* lines(res: Response): AsyncGenerator<string> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let carry = '';
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    carry += dec.decode(r.value, { stream: true });
    let nl;
    while ((nl = carry.indexOf('\n')) >= 0) { yield carry.slice(0, nl); carry = carry.slice(nl + 1); }
  }
  if (carry) yield carry;
}

describe('POST /api/stream', () => {
  it('answers records while the feed is still open, then the summary when it ends', async () => {
    const rows = generateTraffic({ rows: 40, seed: 12 }).trimEnd().split('\n').map((l) => l + '\n');
    const f = feed();
    f.send(rows.slice(0, 20).join(''));
    const res = await app.request('/api/stream?all=1&latency=50', { method: 'POST', body: f.body, headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const got: string[] = [];
    for await (const l of lines(res)) {
      got.push(l);
      if (got.length === 20) { // the first 20 came back before the rest was sent
        f.send(rows.slice(20).join(''));
        f.end();
      }
    }
    expect(got).toHaveLength(41);
    expect(JSON.parse(got[19]).row).toBe(20);
    expect(JSON.parse(got[40]).summary.rows).toBe(40);
  });

  it('writes Suricata EVE alert lines when asked (?alerts=eve), one per anomaly', async () => {
    const csv = generateTraffic({ rows: 200, seed: 7, attackRate: 0.3 });
    const plain = await (await app.request('/api/detect', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } })).json();
    const res = await app.request('/api/stream?alerts=eve', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    const out = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    const alerts = out.slice(0, -1);
    expect(alerts).toHaveLength(plain.summary.anomalies);
    expect(alerts.every((a) => a.event_type === 'alert' && a.alert.signature.startsWith('ANOMALYZE'))).toBe(true);
    expect(out.at(-1).summary.anomalies).toBe(plain.summary.anomalies);
  });

  it('a feed that fits no model gets a clear 422 before streaming starts', async () => {
    const zeek = readFileSync(new URL('../fixtures/zeek/conn.json', import.meta.url), 'utf8');
    const res = await app.request('/api/stream', { method: 'POST', body: zeek, headers: { 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toMatch(/reads 41 features \(kdd\)/);
  });

  it('ends after the idle limit while the body is still open: the records so far, then the summary', async () => {
    const quick = createApp({ detector: new Detector(await loadModelDir(engine)), version: 'test', log: () => {}, options: { streamIdleMs: 300 } });
    const f = feed();
    f.send(generateTraffic({ rows: 20, seed: 4 }));
    const res = await quick.request('/api/stream?all=1&latency=50', { method: 'POST', body: f.body, headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit);
    const got: string[] = [];
    for await (const l of lines(res)) got.push(l); // the feed is never ended: only the idle limit ends this
    expect(got).toHaveLength(21);
    expect(JSON.parse(got[20]).summary.rows).toBe(20);
  }, 10_000);

  it('415 for a content type it cannot stream', async () => {
    const res = await app.request('/api/stream', { method: 'POST', body: 'x', headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(415);
  });
});

describe('GET /metrics', () => {
  it('counts rows, alerts by severity and batches in the Prometheus text format', async () => {
    const before = await (await app.request('/metrics')).text();
    const csv = generateTraffic({ rows: 300, seed: 2, attackRate: 0.3 });
    const res = await app.request('/api/detect', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    const report = await res.json();
    const after = await (await app.request('/metrics')).text();
    const value = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
    expect(value(after, 'anomalyze_rows_scored_total') - value(before, 'anomalyze_rows_scored_total')).toBe(300);
    expect(value(after, 'anomalyze_alerts_total') - value(before, 'anomalyze_alerts_total')).toBe(report.summary.anomalies);
    expect(after).toMatch(/# TYPE anomalyze_batch_latency_seconds histogram/);
    expect(after).toMatch(/anomalyze_model_info\{model="default-[0-9a-f]{12}"\} 1/);
    await app.request('/api/detect', { method: 'POST', body: 'nonsense,1\n', headers: { 'content-type': 'text/csv' } });
    const errors = await (await app.request('/metrics')).text();
    expect(value(errors, 'anomalyze_input_errors_total')).toBeGreaterThan(value(after, 'anomalyze_input_errors_total'));
  });
});
