// GET /api/stream/ws on a real Node server (startServer on loopback) with the ws client:
// alerts for the anomalous rows whatever the message split, the same problems as
// POST /api/stream as close codes, auth, the idle limit, the client's close, and
// backpressure measured on the server's own row counter.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateTraffic } from '../../src/data/synthetic.ts';
import type { DetectionRecord, DetectionReport } from '../../src/detect/report.ts';
import { startServer, type RunningServer } from '../../src/server/node-server.ts';
import { makeApp } from './helpers.ts';

/** A client that keeps every message (parsed) and the close code and reason. */
interface Client {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` messages have arrived. */
  received(n: number): Promise<void>;
}

function connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, opts);
  const messages: Record<string, unknown>[] = [];
  const waiters: { n: number; done: () => void }[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters.filter((w) => messages.length >= w.n)) w.done();
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({
      ws, messages, closed,
      received: (n) => new Promise<void>((done) => { if (messages.length >= n) done(); else waiters.push({ n, done }); }),
    }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers })));
  });
}

/** The handshake's refusal: its HTTP status. */
async function refused(url: string, opts: WebSocket.ClientOptions = {}): Promise<number> {
  try {
    const c = await connect(url, opts);
    c.ws.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

function rowsScored(metrics: string): number {
  return metrics.split('\n').filter((l) => l.startsWith('anomalyze_rows_scored_total')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

let server: RunningServer;
let base = '';
const scored = async () => rowsScored(await (await fetch(`${server.url}/metrics`)).text());

beforeAll(async () => {
  server = await startServer({ port: 0, options: { streamIdleMs: 600 }, log: () => {} });
  base = server.url.replace(/^http/, 'ws');
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/stream/ws', () => {
  it('sends one message per anomaly, the same as /api/detect finds, with messages split mid-line; then the summary and close 1000', async () => {
    const csv = generateTraffic({ rows: 500, seed: 5, attackRate: 0.3 });
    const expected = (await (await fetch(`${server.url}/api/detect`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })).json()) as DetectionReport;
    expect(expected.summary.anomalies).toBeGreaterThan(50);
    const before = await scored();

    const c = await connect(`${base}/api/stream/ws?latency=50`);
    for (let i = 0; i < csv.length; i += 97) c.ws.send(csv.slice(i, i + 97)); // 97 bytes: never a whole line
    c.ws.send('');
    const { code, reason } = await c.closed;
    expect(code).toBe(1000);
    expect(reason).toBe('end of input');
    const alerts = c.messages.slice(0, -1) as unknown as DetectionRecord[];
    expect(alerts.map((a) => [a.row, a.score, a.severity])).toEqual(expected.records.map((r) => [r.row, r.score, r.severity]));
    expect(c.messages.at(-1)).toMatchObject({ summary: { rows: 500, anomalies: expected.summary.anomalies } });
    expect(await scored() - before).toBe(500); // GET /metrics counts WebSocket rows
  });

  it('answers while the feed is open (latency), takes binary messages and writes ECS with alerts=ecs', async () => {
    const rows = generateTraffic({ rows: 200, seed: 8, attackRate: 0.5 }).trimEnd().split('\n').map((l) => `${l}\n`);
    const c = await connect(`${base}/api/stream/ws?alerts=ecs&latency=50`);
    c.ws.send(Buffer.from(rows.slice(0, 100).join('')));
    await c.received(10); // alerts for the first half arrive before the second is sent
    expect(c.messages.every((m) => (m as { event?: { kind?: string } }).event?.kind === 'alert')).toBe(true);
    c.ws.send(Buffer.from(rows.slice(100).join('')));
    c.ws.send(Buffer.alloc(0));
    expect((await c.closed).code).toBe(1000);
    const summary = c.messages.at(-1) as { summary: { rows: number; anomalies: number } };
    expect(summary.summary.rows).toBe(200);
    expect(c.messages.length - 1).toBe(summary.summary.anomalies);
  });

  it('records that do not fit: a {problem} message worded as POST /api/stream words it, then close 1007', async () => {
    const bad = generateTraffic({ rows: 3, seed: 1 }) + '0,tcp,http,SF,abc\n';
    const http = await fetch(`${server.url}/api/stream`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: bad });
    expect(http.status).toBe(422);
    const { instance: _instance, ...problem } = (await http.json()) as Record<string, unknown>;

    const c = await connect(`${base}/api/stream/ws`);
    c.ws.send(bad);
    c.ws.send('');
    const { code, reason } = await c.closed;
    expect(code).toBe(1007);
    expect(reason).toBe('Invalid records');
    expect(c.messages.at(-1)).toEqual({ problem });
  });

  it('a message over 1 MiB is refused by the socket (1009), and the server keeps serving', async () => {
    const c = await connect(`${base}/api/stream/ws`);
    c.ws.send('x'.repeat((1 << 20) + 1));
    expect((await c.closed).code).toBe(1009);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('ends after the idle limit like POST /api/stream: the alerts so far, the summary, close 1000', async () => {
    const c = await connect(`${base}/api/stream/ws?latency=50`);
    c.ws.send(generateTraffic({ rows: 20, seed: 4 }));
    const { code, reason } = await c.closed; // nothing more sent: the 600 ms idle limit ends it
    expect(code).toBe(1000);
    expect(reason).toBe('no input for 0.6 s');
    expect(c.messages.at(-1)).toMatchObject({ summary: { rows: 20 } });
  });

  it('when the client closes, the rows it sent are still scored (the last partial batch is flushed)', async () => {
    const before = await scored();
    // A latency of a minute: nothing would be scored before the close but for the flush.
    const c = await connect(`${base}/api/stream/ws?latency=60000`);
    c.ws.send(generateTraffic({ rows: 120, seed: 6 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(await scored() - before).toBe(0);
    c.ws.close(1000);
    await c.closed;
    const until = Date.now() + 10_000;
    while (await scored() - before < 120 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await scored() - before).toBe(120);
  });

  it('before the upgrade: 426 for a plain GET, 400 for a bad query parameter', async () => {
    const plain = await fetch(`${server.url}/api/stream/ws`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    expect(((await plain.json()) as { detail: string }).detail).toMatch(/WebSocket client.*POST the feed to \/api\/stream/);
    expect(await refused(`${base}/api/stream/ws?latency=1`)).toBe(400);
  });

  it('refuses a page from another origin unless ANOMALYZE_CORS_ORIGINS allows it', async () => {
    expect(await refused(`${base}/api/stream/ws`, { origin: 'http://elsewhere.example' })).toBe(403);
    expect(await refused(`${base}/api/stream/ws`, { origin: server.url })).toBe(101);
  });

  it('backpressure: a client that does not read stops the server reading and scoring; reading again resumes it', async () => {
    const N = 100_000;
    const csv = generateTraffic({ rows: N, seed: 3, attackRate: 0.2 });
    const before = await scored();
    const c = await connect(`${base}/api/stream/ws?all=1&latency=50`); // every row answered: ~18 MB of messages
    c.ws.pause(); // the client stops reading its socket
    for (let i = 0; i < csv.length; i += 1 << 16) c.ws.send(csv.slice(i, i + (1 << 16)));
    c.ws.send('');

    // The server's row counter stops moving well short of the input…
    let last = -1;
    let still = 0;
    const until = Date.now() + 30_000;
    while (still < 4 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await scored() - before;
      still = now === last ? still + 1 : 0;
      last = now;
    }
    expect(still).toBe(4); // unchanged for a second
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(N / 2);
    // …and it stopped reading the socket too: the client's input waits on the client's side.
    expect(c.ws.bufferedAmount).toBeGreaterThan(1 << 20);

    c.ws.resume();
    const { code } = await c.closed;
    expect(code).toBe(1000);
    expect(c.messages).toHaveLength(N + 1);
    expect(c.messages.at(-1)).toMatchObject({ summary: { rows: N } });
    expect(await scored() - before).toBe(N);
  });
});

describe('GET /api/stream/ws with an API key', () => {
  let keyed: RunningServer;
  let url = '';
  beforeAll(async () => {
    keyed = await startServer({ port: 0, options: { apiKey: 's3cret-key', streamIdleMs: 2000 }, log: () => {} });
    url = `${keyed.url.replace(/^http/, 'ws')}/api/stream/ws`;
  });
  afterAll(async () => {
    await keyed?.close();
  });

  it('refuses the upgrade with 401 without the key or with a wrong one', async () => {
    expect(await refused(url)).toBe(401);
    expect(await refused(url, { headers: { authorization: 'Bearer wrong' } })).toBe(401);
    expect(await refused(`${url}?access_token=wrong`)).toBe(401);
    // The refusal's problem body (the upgrade refusal on Node carries the status only).
    const res = await fetch(`${keyed.url}/api/stream/ws`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/Authorization: Bearer <key>.*access_token=<key>/);
  });

  it('accepts the key as a Bearer header or, for browsers, as access_token', async () => {
    for (const c of [
      await connect(url, { headers: { authorization: 'Bearer s3cret-key' } }),
      await connect(`${url}?access_token=s3cret-key`),
    ]) {
      c.ws.send(generateTraffic({ rows: 30, seed: 2 }));
      c.ws.send('');
      expect((await c.closed).code).toBe(1000);
      expect(c.messages.at(-1)).toMatchObject({ summary: { rows: 30 } });
    }
  });
});

describe('GET /api/stream/ws in the portable app', () => {
  it('501 when the runtime entry hands in no upgradeWebSocket; 405 for POST', async () => {
    const app = await makeApp();
    const res = await app.request('/api/stream/ws', { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/without WebSocket support.*POST the feed to \/api\/stream/);
    const post = await app.request('/api/stream/ws', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('is described in the OpenAPI document: 101, the message contract, and the access_token scheme', async () => {
    const doc = (await (await (await makeApp()).request('/api/openapi.json')).json()) as {
      paths: Record<string, { get?: { description: string; responses: Record<string, unknown>; parameters: { name: string }[] } }>;
      components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
    };
    const op = doc.paths['/api/stream/ws'].get!;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['101', '401', '426']));
    expect(op.description).toMatch(/empty message ends the input/);
    expect(op.parameters.map((p) => p.name).sort()).toEqual(['access_token', 'alerts', 'all', 'latency']);
    expect(doc.components.securitySchemes.accessToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'access_token' });
  });
});
