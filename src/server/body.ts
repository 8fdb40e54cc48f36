// Request bodies as bounded streams: bytes are counted as they arrive (413 the moment
// the limit is passed, whatever Content-Length claimed) and every read races the
// request's deadline, so neither a huge nor a stalled upload can pin the server.

import { HttpProblem } from './problem.ts';

export interface BodyLimits {
  /** Maximum body size in bytes. */
  limit: number;
  /** Aborted when the request runs out of time; its reason is thrown. */
  signal?: AbortSignal;
}

export function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(413, `The request body is larger than the server's limit of ${formatBytes(limit)}. Split the file, or raise the limit with ANOMALYZE_BODY_LIMIT (bytes) where you run the server.`, {
    extensions: { limit },
    headers: { connection: 'close' },
  });
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** Bodies up to this size with a Content-Length are read in one go (cheaper per request). */
export const SMALL_BODY = 1 << 20;

/**
 * The body as chunks: small bodies of declared length through arrayBuffer() (which
 * runtimes optimise; @hono/node-server reads the socket directly), others streamed.
 */
export function requestBody(req: Request, length: number | undefined, limits: BodyLimits): AsyncGenerator<Uint8Array> {
  if (length === undefined || !(length <= SMALL_BODY)) return limitedChunks(req.body, limits);
  return (async function* () {
    let buf: ArrayBuffer;
    try {
      buf = limits.signal ? await raceAbort(req.arrayBuffer(), limits.signal) : await req.arrayBuffer();
    } catch (err) {
      throw err instanceof HttpProblem ? err : brokenOff();
    }
    if (buf.byteLength > limits.limit) throw tooLarge(limits.limit);
    if (buf.byteLength > 0) yield new Uint8Array(buf);
  })();
}

function brokenOff(): HttpProblem {
  return new HttpProblem(400, 'The request body could not be read to the end: the upload was broken off. Send it again.', {
    headers: { connection: 'close' },
  });
}

/** The body's chunks, counted against the limit; cancels the stream if the consumer stops early. */
export async function* limitedChunks(body: ReadableStream<Uint8Array> | null, opts: BodyLimits): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const { limit, signal } = opts;
  const reader = body.getReader();
  let total = 0;
  let finished = false;
  try {
    while (true) {
      signal?.throwIfAborted();
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = signal ? await raceAbort(reader.read(), signal) : await reader.read();
      } catch (err) {
        throw err instanceof HttpProblem ? err : brokenOff();
      }
      if (r.done) {
        finished = true;
        return;
      }
      const chunk = r.value;
      total += chunk.byteLength;
      if (total > limit) throw tooLarge(limit);
      if (chunk.byteLength > 0) yield chunk;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** Settles like p, or rejects with the signal's reason once it aborts. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

/** A whole (limited) body as bytes; for JSON, which cannot be parsed incrementally. */
export async function readAllBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    parts.push(c);
    size += c.byteLength;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * A per-request deadline: aborts with a 408 problem after `ms` (0 or less: never).
 * Call clear() when the request is done.
 */
export function deadline(ms: number): { signal: AbortSignal | undefined; clear(): void } {
  if (!(ms > 0) || !Number.isFinite(ms)) return { signal: undefined, clear() {} };
  const ac = new AbortController();
  const timer = setTimeout(() => {
    ac.abort(new HttpProblem(408, `The request took longer than ${formatDuration(ms)} to upload and analyse, so the server stopped it. Send a smaller file, or raise the limit with ANOMALYZE_TIMEOUT_MS where you run the server.`, {
      headers: { connection: 'close' },
    }));
  }, ms);
  return { signal: ac.signal, clear: () => clearTimeout(timer) };
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
