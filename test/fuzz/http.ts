// Fuzz helpers for the HTTP API: sending a body in-process (buffered or streamed) and
// the one property every response must have.

import { expect } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { inTime } from './support.ts';

export interface Sent {
  path?: string;
  contentType?: string;
  body: Uint8Array;
  /** Stream the body in pieces of this size (no Content-Length), or send it whole. */
  streamPiece?: number;
  /** Content-Length header to send: the true one, or a wrong claim. */
  contentLength?: number;
  accept?: string;
}

export function send(app: OpenAPIHono, s: Sent): Promise<Response> {
  const headers: Record<string, string> = {};
  if (s.contentType !== undefined) headers['content-type'] = s.contentType;
  if (s.contentLength !== undefined) headers['content-length'] = String(s.contentLength);
  if (s.accept) headers.accept = s.accept;
  let body: BodyInit = s.body as unknown as BodyInit;
  if (s.streamPiece) {
    const piece = s.streamPiece;
    let i = 0;
    body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i >= s.body.length) { c.close(); return; }
        c.enqueue(s.body.slice(i, i + piece));
        i += piece;
      },
    });
  }
  return Promise.resolve(app.request(s.path ?? '/api/detect', { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
}

export interface Checked { status: number; body: unknown }

/**
 * 200 with a report (or ndjson lines ending in a summary, or in a problem line when a
 * later batch fails), or a 4xx application/problem+json with a detail. Never 5xx.
 */
export async function checkResponse(res: Response, where: string): Promise<Checked> {
  const ct = res.headers.get('content-type') ?? '';
  if (res.status === 200) {
    if (ct.startsWith('application/x-ndjson')) {
      let text = '';
      let broken = false;
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      try {
        while (true) {
          const r = await reader.read();
          if (r.done) break;
          text += dec.decode(r.value, { stream: true });
        }
      } catch { broken = true; }
      const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = lines[lines.length - 1];
      if (broken) {
        // A failure after the first batch: the stream ends with a {"problem": …} line, then aborts.
        const p = last?.problem as Record<string, unknown> | undefined;
        expect(p, `${where}: an aborted ndjson stream ends with a problem line`).toBeDefined();
        expect(p!.status as number, `${where}: ndjson problem status`).toBeGreaterThanOrEqual(400);
        expect(p!.status as number, `${where}: ndjson problem status (5xx = internal error) ${p!.detail}`).toBeLessThan(500);
        return { status: p!.status as number, body: p };
      }
      expect(last && typeof last.summary === 'object', `${where}: ndjson ends with the summary`).toBe(true);
      return { status: 200, body: last };
    }
    expect(ct, `${where}: content type of a 200`).toMatch(/^application\/json/);
    const body = await res.json() as { summary: { rows: number; anomalies: number }; records: unknown[] };
    expect(Number.isInteger(body.summary.rows), `${where}: summary.rows`).toBe(true);
    expect(body.summary.anomalies, `${where}: anomalies ≤ rows`).toBeLessThanOrEqual(body.summary.rows);
    expect(Array.isArray(body.records), `${where}: records`).toBe(true);
    return { status: 200, body };
  }
  const text = await res.text();
  expect(res.status, `${where}: status ${res.status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${where}: status ${res.status} (a 5xx is an internal error) ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(ct, `${where}: problem content type`).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(text) as { status: number; detail: string; title: string; type: string };
  expect(p.status, `${where}: problem status`).toBe(res.status);
  expect(typeof p.detail === 'string' && p.detail.trim().length > 0, `${where}: problem detail`).toBe(true);
  expect(typeof p.title === 'string' && p.title.length > 0, `${where}: problem title`).toBe(true);
  return { status: res.status, body: p };
}

export function request(app: OpenAPIHono, s: Sent, where: string): Promise<Checked> {
  return inTime(async () => checkResponse(await send(app, s), where), where);
}
