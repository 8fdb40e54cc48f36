// The access log as a Hono middleware, through app.request() with a captured JSON logger.

import { beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createLogger } from '../../src/observe/logger.ts';
import { accessLog } from '../../src/server/access-log.ts';
import { makeApp, syntheticCsv } from './helpers.ts';

function captured() {
  const lines: string[] = [];
  const logger = createLogger({ stream: { write: (s: string) => lines.push(s) }, level: 'info' });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('access log', () => {
  let log: ReturnType<typeof captured>;
  let app: Awaited<ReturnType<typeof makeApp>>;
  beforeAll(async () => {
    log = captured();
    app = await makeApp({}, { accessLog: log.logger });
  });

  it('writes one JSON line per request: id, method, path, status, duration, bytes in', async () => {
    log.lines.length = 0;
    const csv = syntheticCsv(50, 3);
    const res = await app.request('/api/detect', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv', 'content-length': String(Buffer.byteLength(csv)) } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const [e] = log.entries();
    expect(log.lines).toHaveLength(1);
    expect(e).toMatchObject({ level: 'info', msg: 'request', method: 'POST', path: '/api/detect', status: 200, bytesIn: Buffer.byteLength(csv) });
    expect(typeof e.time).toBe('string');
    expect(e.ms).toEqual(expect.any(Number));
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(e.requestId);
  });

  it('keeps a sane X-Request-Id from the client and replaces one that is not', async () => {
    log.lines.length = 0;
    const a = await app.request('/api/health', { headers: { 'x-request-id': 'req-42.a' } });
    const b = await app.request('/api/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(a.headers.get('x-request-id')).toBe('req-42.a');
    expect(b.headers.get('x-request-id')).not.toBe('bad id\twith spaces');
    expect(log.entries().map((e) => e.requestId)).toEqual(['req-42.a', b.headers.get('x-request-id')]);
  });

  it('logs error responses with their status: 404 problem, 405', async () => {
    log.lines.length = 0;
    await app.request('/api/nothing');
    await app.request('/api/detect', { method: 'GET' });
    expect(log.entries().map((e) => [e.level, e.path, e.status])).toEqual([['info', '/api/nothing', 404], ['info', '/api/detect', 405]]);
  });

  it('logs a streamed ndjson response when its body ends, with the bytes sent', async () => {
    log.lines.length = 0;
    const res = await app.request('/api/detect?format=ndjson&all=1', { method: 'POST', body: syntheticCsv(120, 5), headers: { 'content-type': 'text/csv' } });
    expect(res.headers.get('content-type')).toMatch(/ndjson/);
    expect(log.lines).toHaveLength(0); // not before the body is read
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBeGreaterThan(0);
    const [e] = log.entries();
    expect(e).toMatchObject({ path: '/api/detect', status: 200, streamed: 'complete', bytesOut: body.byteLength });
    expect(new TextDecoder().decode(body).trim().split('\n')).toHaveLength(121); // the body itself is untouched
  });

  it('says when a client leaves a stream early', async () => {
    log.lines.length = 0;
    const res = await app.request('/api/detect?format=ndjson&all=1', { method: 'POST', body: syntheticCsv(2000, 6), headers: { 'content-type': 'text/csv' } });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => log.lines.length).toBe(1);
    expect(log.entries()[0]).toMatchObject({ status: 200, streamed: 'aborted' });
  });

  it('logs 5xx at error level; an app without the option has no access log', async () => {
    const c = captured();
    const bare = new Hono();
    bare.use(accessLog(c.logger, { now: () => 0, newId: () => 'id-1' }));
    bare.get('/boom', () => { throw new Error('boom'); });
    bare.onError((_err, ctx) => ctx.text('failed', 500));
    const res = await bare.request('/boom');
    expect(res.status).toBe(500);
    expect(c.entries()).toEqual([{ time: expect.any(String), level: 'error', msg: 'request', requestId: 'id-1', method: 'GET', path: '/boom', status: 500, ms: 0 }]);

    // Without the option the middleware is not there at all (text logs: no access log).
    const plain = await makeApp();
    expect((await plain.request('/api/health')).headers.get('x-request-id')).toBeNull();
  });
});
