// POST /api/stream: a live feed in, alerts out as they are scored. The same
// reader and detector as /api/detect, in live mode: partial batches are scored
// whenever the input pauses (at most `latency` ms after a line arrives), the
// response is ndjson with backpressure, and there is no overall deadline — the
// stream ends with the client's body, or after the idle limit without input.

import type { Context } from 'hono';
import { ecsAlert } from '../alerts/ecs.ts';
import { eveAlert } from '../alerts/eve.ts';
import { withIdleTicks } from '../data/idle.ts';
import { InputError } from '../data/errors.ts';
import type { DetectionRecord } from '../detect/report.ts';
import { runDetection } from '../detect/run.ts';
import { Detector } from '../detect/detector.ts';
import { requestBody } from './body.ts';
import { asProblem, CSV_TYPES, measured, NDJSON, streamNdjson, TRAFFIC_TYPES, type DetectSettings, type Job } from './detect.ts';
import { HttpProblem } from './problem.ts';
import type { StreamQuery } from './schemas.ts';

export interface StreamSettings extends DetectSettings {
  idleMs: number;
}

const STREAM_TYPES = [...new Set([NDJSON, 'application/jsonl', ...CSV_TYPES, ...TRAFFIC_TYPES])];

export async function stream(c: Context, query: StreamQuery, s: StreamSettings): Promise<Response> {
  const contentType = c.req.header('content-type');
  const media = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (!STREAM_TYPES.includes(media)) {
    throw new HttpProblem(415, `${contentType ? `Content-Type ${contentType} is not accepted` : 'The request has no Content-Type'} on /api/stream. Send newline-delimited records as application/x-ndjson (Zeek conn.log JSON lines or KDD records), or CSV lines as text/csv.`, {
      headers: { 'accept-post': `${NDJSON}, text/csv, text/x-zeek-conn-log` },
    });
  }
  const latency = query.latency ?? 1000;
  // No size limit (memory is bounded by the streaming) and no deadline; idleness ends it.
  const body = requestBody(c.req.raw, undefined, { limit: Number.POSITIVE_INFINITY });
  const idle = new AbortController();
  const ticks = (async function* () {
    let quiet = 0;
    for await (const chunk of withIdleTicks(body, latency)) {
      quiet = chunk.length === 0 ? quiet + latency : 0;
      if (quiet >= s.idleMs) { idle.abort(); return; }
      yield chunk as Uint8Array;
    }
  })();
  const format = query.alerts;
  let context = { model: '', threshold: 0, source: 'stream' };
  const line = (r: DetectionRecord): DetectionRecord | object =>
    format === 'ecs' ? ecsAlert(r, { ...context, now: new Date() }) : format === 'eve' ? eveAlert(r, { ...context, now: new Date() }) : r;

  const job: Job = measured((onRecord, gate, onBatch) =>
    runDetection(s.detector, gated(ticks, gate), {
      all: query.all !== undefined && ['1', 'true', 'yes'].includes(query.all), source: 'stream', live: true,
      onRecord,
      onProgress: onBatch,
      onDetector: (d: Detector) => { context = { model: d.model.id, threshold: d.model.scoring.threshold, source: 'stream' }; },
    }), s.metrics);
  // Alert formats are applied after the metrics have seen the detection record.
  const formatted: Job = format ? (onRecord, gate, onBatch) => job((r) => onRecord(line(r) as DetectionRecord), gate, onBatch) : job;
  try {
    return await streamNdjson(formatted, { signal: undefined, clear() {} }, s.log);
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
