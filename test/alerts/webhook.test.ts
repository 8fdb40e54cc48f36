// The webhook against a real HTTP server on 127.0.0.1 that fails before it succeeds.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertSink } from '../../src/alerts/create-sink.ts';
import { retryAfter, WebhookChannel } from '../../src/alerts/webhook-channel.ts';
import { CTX, FLOW_RECORD, KDD_RECORD } from './fixtures.ts';

interface Received { body: string; headers: IncomingMessage['headers'] }

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A server answering each request with the next status in `plan` (the last one repeats). */
async function server(plan: (number | 'hang')[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  let i = 0;
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      const step = plan[Math.min(i++, plan.length - 1)];
      if (step === 'hang') return; // never answers: the client's timeout must fire
      res.writeHead(step, { 'content-type': 'text/plain' }).end(step >= 400 ? `status ${step}` : 'ok');
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  cleanup.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, received };
}

const FAST = { backoffMinMs: 10, backoffMaxMs: 50, flushIntervalMs: 20, random: () => 0.5 };

describe('webhook', () => {
  it('retries a batch after two failures and delivers it once', async () => {
    const s = await server([503, 500, 200]);
    const errors: string[] = [];
    const sink = createAlertSink(`webhook:${s.url}`, CTX, { webhook: { ...FAST, onError: (m) => errors.push(m) } });
    sink.write(FLOW_RECORD);
    sink.write(KDD_RECORD);
    await sink.close();
    expect(s.received).toHaveLength(3);
    expect(new Set(s.received.map((r) => r.body)).size).toBe(1); // the same batch each time
    const body = JSON.parse(s.received[2].body);
    expect(body.alerts).toHaveLength(2);
    expect(body.alerts[0]).toMatchObject({ event: { kind: 'alert', dataset: 'anomalyze.alert' }, source: { ip: '10.0.0.5' } });
    expect(body.alerts[1].anomalyze.row).toBe(3);
    expect(s.received[0].headers['content-type']).toBe('application/json');
    expect(errors).toEqual([`webhook ${s.url}: HTTP 503 Service Unavailable: status 503`, `webhook ${s.url}: HTTP 500 Internal Server Error: status 500`]);
    expect(sink.stats()).toEqual({ written: 2, delivered: 2, dropped: {}, pending: 0, lastError: errors[1] });
  });

  it('does not retry a 4xx rejection, and says so', async () => {
    const s = await server([400]);
    const ch = new WebhookChannel(s.url, FAST);
    ch.send('{"a":1}');
    await ch.close();
    expect(s.received).toHaveLength(1);
    expect(ch.stats()).toMatchObject({ delivered: 0, dropped: { rejected: 1 }, lastError: `webhook ${s.url}: HTTP 400 Bad Request: status 400` });
  });

  it('gives up after maxAttempts and counts the batch as retries-exhausted', async () => {
    const s = await server([500]);
    const ch = new WebhookChannel(s.url, { ...FAST, maxAttempts: 3 });
    ch.send('{}');
    await ch.flush();
    expect(s.received).toHaveLength(3);
    expect(ch.stats().dropped).toEqual({ 'retries-exhausted': 1 });
    expect(ch.requestStats()).toEqual({ attempts: 3, retries: 2 });
    await ch.close();
  });

  it('times out an attempt that gets no answer, then retries', async () => {
    const s = await server(['hang', 200]);
    const ch = new WebhookChannel(s.url, { ...FAST, timeoutMs: 200 });
    ch.send('{}');
    await ch.flush();
    expect(s.received).toHaveLength(2);
    expect(ch.stats()).toMatchObject({ delivered: 1, lastError: `webhook ${s.url}: no response within 200 ms` });
    await ch.close();
  });

  it('batches by size, keeps order, and bounds its queue by dropping the oldest', async () => {
    const s = await server([200]);
    const ch = new WebhookChannel(s.url, { ...FAST, batchSize: 3, maxQueued: 4, flushIntervalMs: 60_000 });
    // All sent synchronously: the first full batch leaves at once, the queue then holds at most 4.
    for (let i = 1; i <= 10; i++) ch.send(String(i));
    await ch.close();
    const delivered = s.received.flatMap((r) => JSON.parse(r.body).alerts as number[]);
    const dropped = ch.stats().dropped['queue-full'] ?? 0;
    expect(delivered.length + dropped).toBe(10);
    expect(dropped).toBeGreaterThan(0);
    expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
    expect(delivered.at(-1)).toBe(10); // the newest survive
    expect(s.received.every((r) => JSON.parse(r.body).alerts.length <= 3)).toBe(true);
  });

  it('sends a partial batch after the flush interval without being asked', async () => {
    const s = await server([200]);
    const ch = new WebhookChannel(s.url, { ...FAST, flushIntervalMs: 30 });
    cleanup.push(() => ch.close());
    ch.send('{"x":1}');
    await expect.poll(() => s.received.length, { timeout: 5000 }).toBe(1);
    expect(JSON.parse(s.received[0].body)).toEqual({ alerts: [{ x: 1 }] });
  });

  it('close() keeps its deadline against an endpoint that keeps failing', async () => {
    const s = await server([503]);
    const ch = new WebhookChannel(s.url, { ...FAST, backoffMinMs: 10_000, backoffMaxMs: 10_000, closeTimeoutMs: 200, maxAttempts: 100 });
    ch.send('{}');
    ch.send('{}');
    const started = Date.now();
    await ch.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ch.stats()).toMatchObject({ delivered: 0, pending: 0, dropped: { deadline: 2 } });
    ch.send('{}');
    expect(ch.stats().dropped.closed).toBe(1);
  });

  it('moves credentials from the URL to a Basic authorization header', async () => {
    const s = await server([200]);
    const ch = new WebhookChannel(s.url.replace('http://', 'http://user:p%40ss@'), FAST);
    ch.send('{}');
    await ch.close();
    expect(s.received[0].headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfter('3')).toBe(3000);
    expect(retryAfter('Wed, 03 Dec 2026 10:00:05 GMT', Date.parse('2026-12-03T10:00:00Z'))).toBe(5000);
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter(null)).toBeUndefined();
  });
});
