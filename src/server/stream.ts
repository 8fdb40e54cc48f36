// Live streaming detection: a feed in, alerts out as they are scored. One core
// (liveJob) behind two transports — POST /api/stream here (ndjson over a chunked
// response) and GET /api/stream/ws (stream-ws.ts). The core is the same reader and
// detector as /api/detect, in live mode: partial batches are scored whenever the
// input pauses (at most `latency` ms after a line arrives), and there is no overall
// deadline — the stream ends with the client's input, or after the idle limit.

import type { Context } from 'hono';
import { ecsAlert } from '../alerts/ecs.ts';
import { eveAlert } from '../alerts/eve.ts';
import { modelContext, type AlertContext } from '../alerts/context.ts';
import { withIdleTicks } from '../data/idle.ts';
import { InputError } from '../data/errors.ts';
import type { DetectionRecord } from '../detect/report.ts';
import { runDetection } from '../detect/run.ts';
import { Detector } from '../detect/detector.ts';
import { requestBody } from './body.ts';
import { asProblem, CSV_TYPES, measured, NDJSON, streamNdjson, TRAFFIC_TYPES, type DetectSettings, type Job } from './detect.ts';
import { HttpProblem } from './problem.ts';
import { isTrue, type StreamQuery } from './schemas.ts';

export interface StreamSettings extends DetectSettings {
  idleMs: number;
}

export const DEFAULT_LATENCY_MS = 1000;

/**
 * Live detection over `input` (the bytes of a feed, in any chunking): ticks for the
 * latency bound, the idle limit (the input simply ends), metrics, and the alert
 * format of `query.alerts` applied to each reported record. The transport supplies
 * where records go and the gate that holds the reading back (backpressure).
 */
export function liveJob(input: AsyncIterable<Uint8Array>, query: StreamQuery, s: StreamSettings): Job {
  const latency = query.latency ?? DEFAULT_LATENCY_MS;
  const ticks = (async function* () {
    let quiet = 0;
    for await (const chunk of withIdleTicks(input, latency)) {
      quiet = chunk.length === 0 ? quiet + latency : 0;
      if (quiet >= s.idleMs) return;
      yield chunk as Uint8Array;
    }
  })();
  const format = query.alerts;
  let context: AlertContext = { model: '', threshold: 0, source: 'stream' };
  const line = (r: DetectionRecord): DetectionRecord | object =>
    format === 'ecs' ? ecsAlert(r, { ...context, now: new Date() }) : format === 'eve' ? eveAlert(r, { ...context, now: new Date() }) : r;

  const job: Job = measured((onRecord, gate, onBatch) =>
    runDetection(s.detector, gated(ticks, gate), {
      all: isTrue(query.all), source: 'stream', live: true,
      onRecord,
      onProgress: onBatch,
      onDetector: (d: Detector) => { context = modelContext(d.model, { source: 'stream' }); },
    }), s.metrics);
  // Alert formats are applied after the metrics have seen the detection record.
  return format ? (onRecord, gate, onBatch) => job((r) => onRecord(line(r) as DetectionRecord), gate, onBatch) : job;
}

const STREAM_TYPES = [...new Set([NDJSON, 'application/jsonl', ...CSV_TYPES, ...TRAFFIC_TYPES])];

/** POST /api/stream: the request body in, an ndjson response out (backpressure from the response stream). */
export async function stream(c: Context, query: StreamQuery, s: StreamSettings): Promise<Response> {
  const contentType = c.req.header('content-type');
  const media = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (!STREAM_TYPES.includes(media)) {
    throw new HttpProblem(415, `${contentType ? `Content-Type ${contentType} is not accepted` : 'The request has no Content-Type'} on /api/stream. Send newline-delimited records as application/x-ndjson (Zeek conn.log JSON lines or KDD records), or CSV lines as text/csv.`, {
      headers: { 'accept-post': `${NDJSON}, text/csv, text/x-zeek-conn-log` },
    });
  }
  // No size limit (memory is bounded by the streaming) and no deadline; idleness ends it.
  const body = requestBody(c.req.raw, undefined, { limit: Number.POSITIVE_INFINITY });
  try {
    return await streamNdjson(liveJob(body, query, s), { signal: undefined, clear() {} }, s.log);
  } catch (err) {
    await body.return(undefined).catch(() => {});
    throw err instanceof InputError ? asProblem(err, false) : err;
  }
}

async function* gated(chunks: AsyncIterable<Uint8Array>, gate: () => Promise<void>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    await gate();
    yield c;
  }
}
