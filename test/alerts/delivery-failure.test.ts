// What the transports tell their onError hook besides the message: the fields of
// the "alert delivery failed" log line (sink, target, attempt, what happens next).

import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryFailure } from '../../src/alerts/delivery-failure.ts';
import { StreamChannel } from '../../src/alerts/stream-channel.ts';
import { UdpChannel } from '../../src/alerts/udp-channel.ts';
import { WebhookChannel } from '../../src/alerts/webhook-channel.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const FAST = { backoffMinMs: 10, backoffMaxMs: 50, flushIntervalMs: 20, random: () => 0.5 };

describe('delivery failures as fields', () => {
  it('webhook: each failed attempt with its status, the wait before the next, then the batch given up', async () => {
    const srv = createHttpServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(503).end('busy')); }).listen(0, '127.0.0.1');
    await once(srv, 'listening');
    cleanup.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
    const seen: [string, DeliveryFailure | undefined][] = [];
    const ch = new WebhookChannel(url, { ...FAST, maxAttempts: 3, onError: (m, f) => seen.push([m, f]) });
    ch.send('{}');
    ch.send('{}');
    await ch.flush();
    await ch.close();
    expect(seen.map(([m]) => m)).toEqual(Array(3).fill(`webhook ${url}: HTTP 503 Service Unavailable: busy`));
    expect(seen.map(([, f]) => f)).toEqual([
      { sink: 'webhook', target: url, error: 'HTTP 503 Service Unavailable: busy', status: 503, attempt: 1, maxAttempts: 3, alerts: 2, outcome: 'retrying', retryInMs: 8 },
      { sink: 'webhook', target: url, error: 'HTTP 503 Service Unavailable: busy', status: 503, attempt: 2, maxAttempts: 3, alerts: 2, outcome: 'retrying', retryInMs: 15 },
      { sink: 'webhook', target: url, error: 'HTTP 503 Service Unavailable: busy', status: 503, attempt: 3, maxAttempts: 3, alerts: 2, outcome: 'retries-exhausted' },
    ]);
  });

  it('webhook: a refused connection carries its errno code', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const seen: DeliveryFailure[] = [];
    const ch = new WebhookChannel(url, { ...FAST, maxAttempts: 1, onError: (_m, f) => seen.push(f!) });
    ch.send('{}');
    await ch.close();
    expect(seen).toEqual([{ sink: 'webhook', target: url, error: 'ECONNREFUSED', code: 'ECONNREFUSED', attempt: 1, maxAttempts: 1, alerts: 1, outcome: 'retries-exhausted' }]);
  });

  it('syslog over TCP: a refused connection, reconnecting, with what waits in the queue', async () => {
    const port = await closedPort();
    const seen: DeliveryFailure[] = [];
    const ch = new StreamChannel({ host: '127.0.0.1', port }, { framing: 'lf', reconnectMinMs: 1000, closeTimeoutMs: 50, onError: (_m, f) => seen.push(f!) });
    cleanup.push(() => ch.close());
    ch.send('a');
    ch.send('b');
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(1);
    expect(seen[0]).toMatchObject({ sink: 'syslog', target: `tcp://127.0.0.1:${port}`, code: 'ECONNREFUSED', alerts: 2, outcome: 'reconnecting' });
    expect(seen[0].error).toMatch(/ECONNREFUSED/);
  });

  it('syslog over UDP: one report per run of failures, not one per datagram', async () => {
    const seen: DeliveryFailure[] = [];
    const ch = new UdpChannel('127.0.0.1', 9, (_m, f) => seen.push(f!));
    ch.send('x'.repeat(70_000)); // over the datagram limit: EMSGSIZE
    ch.send('x'.repeat(70_000));
    await ch.flush();
    ch.send('fits');
    await ch.flush();
    ch.send('x'.repeat(70_000));
    await ch.flush();
    await ch.close();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ sink: 'syslog', target: 'udp://127.0.0.1:9', code: 'EMSGSIZE', alerts: 1, outcome: 'dropped' });
    expect(ch.stats().dropped).toEqual({ 'send-error': 3 });
  });
});
