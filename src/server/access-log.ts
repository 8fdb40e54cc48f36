// One log line per request: method, path, status, duration, bytes in and out when
// known, and a request id (the client's X-Request-Id when it is a sane token, else a
// new UUID; echoed in the response). Streamed responses (ndjson from /api/detect
// and /api/stream) are logged when their body ends, so that a stream that ran for
// an hour says so. Web APIs only, so Node, Deno and workers can all use it.

import type { MiddlewareHandler } from 'hono';
import type { LogFields, Logger } from '../observe/logger.ts';

export interface AccessLogOptions {
  /** ms; injected by tests. Default performance.now. */
  now?: () => number;
  newId?: () => string;
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;
const STREAMED = /^(application\/x-ndjson|text\/event-stream)\b/i;

export function accessLog(logger: Logger, opts: AccessLogOptions = {}): MiddlewareHandler {
  const now = opts.now ?? (() => performance.now());
  const newId = opts.newId ?? (() => crypto.randomUUID());
  return async (c, next) => {
    const started = now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : newId();
    const fields: LogFields = { requestId, method: c.req.method, path: c.req.path };
    const bytesIn = length(c.req.header('content-length'));
    if (bytesIn !== undefined) fields.bytesIn = bytesIn;

    await next();

    const res = c.res;
    try {
      res.headers.set('x-request-id', requestId);
    } catch {
      // Immutable headers (a fetched response passed through): the id is still logged.
    }
    const done = (extra: LogFields): void => {
      const line = { ...fields, status: res.status, ms: Math.round((now() - started) * 10) / 10, ...extra };
      if (res.status >= 500) logger.error('request', line);
      else logger.info('request', line);
    };
    const bytesOut = length(res.headers.get('content-length'));
    if (!res.body || bytesOut !== undefined || c.req.method === 'HEAD' || !STREAMED.test(res.headers.get('content-type') ?? '')) {
      done(bytesOut !== undefined ? { bytesOut } : {});
      return;
    }
    c.res = new Response(counted(res.body, (bytes, outcome) => done({ bytesOut: bytes, streamed: outcome })), res);
  };
}

/** The body, byte-counted; `end` once, when it completes, fails or the client goes away. Pulls only as the client reads. */
function counted(body: ReadableStream<Uint8Array>, end: (bytes: number, outcome: 'complete' | 'aborted' | 'error') => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let bytes = 0;
  let ended = false;
  const finish = (outcome: 'complete' | 'aborted' | 'error'): void => {
    if (!ended) { ended = true; end(bytes, outcome); }
  };
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const { done, value } = await reader.read();
        if (done) { ctl.close(); finish('complete'); return; }
        bytes += value.byteLength;
        ctl.enqueue(value);
      } catch (err) {
        finish('error');
        ctl.error(err);
      }
    },
    cancel(reason) {
      finish('aborted');
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

function length(header: string | null | undefined): number | undefined {
  if (!header || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}
