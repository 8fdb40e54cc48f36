// POST /api/detect: CSV (raw or as a form upload) is streamed through runDetection,
// exactly as the CLI does; JSON records go through batchFromRecords → scoreBatch →
// ReportBuilder. The output is the CLI's `--format json` document, or its ndjson lines.

import type { Context } from 'hono';
import { batchFromRecords, sliceBatch } from '../data/batch.ts';
import { InputError } from '../data/errors.ts';
import { Detector } from '../detect/detector.ts';
import type { DetectorChoice } from '../detect/choice.ts';
import type { DetectionRecord, DetectionReport } from '../detect/report.ts';
import { ReportBuilder, runDetection, type RunOptions } from '../detect/run.ts';
import { deadline, readAllBytes, requestBody, tooLarge } from './body.ts';
import { findJsonError } from './json-error.ts';
import { JsonSpool } from './json-spool.ts';
import { boundaryOf, formFile } from './multipart.ts';
import { HttpProblem, inputProblem, ProblemTypes, toProblem } from './problem.ts';
import type { DetectorMetrics } from '../observe/detector-metrics.ts';
import { DetectJsonSchema, isTrue, type DetectQuery } from './schemas.ts';

export const NDJSON = 'application/x-ndjson';
/**
 * Rows per scored batch of a request (CSV, captures, logs and JSON records alike). The server
 * returns to the event loop between batches, so this bounds how long one upload holds up every
 * other request: under `npm run bench -- load` (single records on 50 connections beside two
 * KDDTest+ uploads), 1,024 rows instead of the readers' 8,192 took the single records' p99
 * from about 220 ms to 60 ms and their rate from about 650 to 1,500 a second. Throughput
 * does not suffer (0.23 s per KDDTest+ upload alone, against 0.24), and the memory of the
 * batch in hand (its arrays, the matrix, the core's workspace) is an eighth.
 */
export const REQUEST_BATCH_SIZE = 1024;
/** Bytes of ndjson output queued ahead of the client before the input is paused. */
const NDJSON_BUFFER = 1 << 20;
export const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
/** Captures and Zeek logs: streamed through the same reader, which recognises the format from the content. */
export const TRAFFIC_TYPES = [
  'application/vnd.tcpdump.pcap', 'application/vnd.tcpdump.pcap-ng', 'application/x-pcapng', 'application/octet-stream',
  'text/x-zeek-conn-log', 'text/tab-separated-values', 'application/x-ndjson', 'application/jsonl',
];
const STREAM_TYPES = [...CSV_TYPES, ...TRAFFIC_TYPES];

export interface DetectSettings {
  /** One model, or several tried in order (the first whose input schema fits the records). */
  detector: Detector | DetectorChoice;
  bodyLimit: number;
  timeoutMs: number;
  /** Prometheus metrics (GET /metrics): rows, alerts by severity, batch latency, input errors. */
  metrics?: DetectorMetrics;
  /** Logs errors that end an already-started ndjson stream. */
  log: (message: string, err?: unknown) => void;
}

type Input =
  | { kind: 'csv'; chunks: AsyncIterable<Uint8Array>; source: string }
  | { kind: 'json'; records: unknown[] };

/**
 * Runs one detection, sending each reported record to onRecord; `gate` is awaited
 * before each input chunk or JSON batch (backpressure), onBatch runs after each batch.
 */
export type Job = (onRecord: (r: DetectionRecord) => void, gate: () => Promise<void>, onBatch: (rowsSoFar: number) => void) => Promise<DetectionReport>;

/** The job, counted in the metrics: rows and latency per batch, alerts by severity, input errors. */
export function measured(job: Job, m: DetectorMetrics | undefined): Job {
  if (!m) return job;
  return async (onRecord, gate, onBatch) => {
    let last = performance.now();
    let rows = 0;
    try {
      return await job(
        (r) => { if (r.anomaly) m.alert(r.severity); onRecord(r); },
        gate,
        (sofar) => {
          const now = performance.now();
          m.batchScored(sofar - rows, (now - last) / 1000);
          rows = sofar;
          last = now;
          onBatch(sofar);
        },
      );
    } catch (err) {
      if (err instanceof InputError || (err instanceof HttpProblem && err.status < 500)) m.inputError();
      throw err;
    }
  };
}

export async function detect(c: Context, query: DetectQuery, s: DetectSettings): Promise<Response> {
  const length = c.req.header('content-length');
  if (length !== undefined && Number(length) > s.bodyLimit) throw tooLarge(s.bodyLimit);
  const contentType = c.req.header('content-type');
  const media = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  const isJson = media === 'application/json' || /^application\/[\w.-]+\+json$/.test(media);
  if (!isJson && !STREAM_TYPES.includes(media) && media !== 'multipart/form-data') throw unsupported(contentType);

  const ndjson = query.format === 'ndjson' || (query.format === undefined && (c.req.header('accept') ?? '').includes(NDJSON));
  const runOpts: RunOptions = { all: isTrue(query.all), rocCurve: isTrue(query.roc), batchSize: REQUEST_BATCH_SIZE };
  const time = deadline(s.timeoutMs);
  const body = requestBody(c.req.raw, length === undefined ? undefined : Number(length), { limit: s.bodyLimit, signal: time.signal });
  try {
    let input: Input;
    if (isJson) input = { kind: 'json', records: await readJsonRecords(body) };
    else if (media === 'multipart/form-data') {
      const file = await formFile(body, boundaryOf(contentType!), 'file');
      input = { kind: 'csv', chunks: file.content, source: file.filename ?? 'file' };
    } else input = { kind: 'csv', chunks: body, source: 'request body' };

    // The deadline also covers scoring: it is checked after every batch.
    const inTime = (onBatch: (rows: number) => void) => (rows: number) => {
      if (time.signal?.aborted) throw time.signal.reason;
      onBatch(rows);
    };
    const job: Job = measured((onRecord, gate, onBatch) =>
      input.kind === 'csv'
        ? runDetection(s.detector, gated(input.chunks, gate), { ...runOpts, source: input.source, onRecord, onProgress: inTime(onBatch), afterBatch: nextTurn })
        : detectRecords(s.detector, input.records, { ...runOpts, onRecord }, gate, inTime(onBatch)), s.metrics);

    if (ndjson) return await streamNdjson(job, time, s.log);
    try {
      const records = new JsonSpool();
      const report = await job((r) => records.add(JSON.stringify(r)), noGate, () => {});
      return reportResponse(report, records);
    } finally {
      time.clear();
    }
  } catch (err) {
    time.clear();
    await body.return(undefined).catch(() => {});
    if (err instanceof HttpProblem && err.status < 500 && isJson) s.metrics?.inputError(); // JSON problems found before any job ran
    throw err instanceof InputError ? asProblem(err, isJson) : err;
  }
}

const noGate = () => Promise.resolve();

/**
 * Back to the event loop between batches: a body that is already buffered would otherwise be
 * scored in one go, holding up every other request and the deadline's own timer.
 */
const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0));

async function* gated(chunks: AsyncIterable<Uint8Array>, gate: () => Promise<void>): AsyncGenerator<Uint8Array> {
  if (gate === noGate) return yield* chunks;
  for await (const c of chunks) {
    await gate();
    yield c;
  }
}

export function asProblem(err: InputError, json: boolean): HttpProblem {
  const p = inputProblem(err, json);
  const { type, title, status, detail, ...ext } = p;
  return new HttpProblem(status, detail, { type, title, extensions: ext });
}

function unsupported(contentType: string | undefined): HttpProblem {
  const got = contentType ? `Content-Type ${contentType} is not accepted` : 'The request has no Content-Type';
  return new HttpProblem(415, `${got}. Send KDD or flow-meter CSV as text/csv (e.g. \`curl -H 'Content-Type: text/csv' --data-binary @traffic.csv\`), a capture as application/vnd.tcpdump.pcap, a Zeek conn.log as text/x-zeek-conn-log, a form upload as multipart/form-data with the file in the field "file", or JSON records as application/json ({"records": [...]}).`, {
    headers: { 'accept-post': 'text/csv, application/vnd.tcpdump.pcap, text/x-zeek-conn-log, multipart/form-data, application/json' },
  });
}

// ------------------------------------------------------------------ JSON records

async function readJsonRecords(body: AsyncIterable<Uint8Array>): Promise<unknown[]> {
  const bytes = await readAllBytes(body);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpProblem(400, 'The JSON body is not valid UTF-8 text. Send it encoded as UTF-8.', {
      type: ProblemTypes.malformedJson, title: 'Malformed JSON',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw jsonSyntaxProblem(text);
  }
  const parsed = DetectJsonSchema.safeParse(value);
  if (!parsed.success) throw schemaProblem(parsed.error.issues, value);
  return parsed.data.records;
}

function jsonSyntaxProblem(text: string): HttpProblem {
  const hint = 'Send {"records": [...]} with each record an array of the 41 KDD values or an object keyed by feature name.';
  const type = ProblemTypes.malformedJson;
  if (text.trim() === '') return new HttpProblem(400, `The body is empty. ${hint}`, { type, title: 'Malformed JSON' });
  const e = findJsonError(text);
  if (!e) return new HttpProblem(400, `The body is not valid JSON. ${hint}`, { type, title: 'Malformed JSON' });
  return new HttpProblem(400, `The body is not valid JSON: line ${e.line}, column ${e.column}: ${e.message}. ${hint}`, {
    type, title: 'Malformed JSON', extensions: { line: e.line, column: e.column },
  });
}

interface Issue { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] }

/** Zod issues → a 422 naming the first problem (by record) and listing them all. */
function schemaProblem(issues: readonly Issue[], value: unknown): HttpProblem {
  const flat = issues.flatMap((i) => narrowUnion(i, value));
  const errors = flat.slice(0, 50).map((i) => ({ path: pathString(i.path), message: i.message }));
  const first = flat[0];
  const rec = first.path[0] === 'records' && typeof first.path[1] === 'number' ? first.path[1] + 1 : undefined;
  let what = first.message;
  if (rec !== undefined) {
    const field = first.path[2];
    what = `record ${rec}` + (field === undefined ? '' : typeof field === 'number' ? `, value ${field + 1}` : `, ${String(field)}`) + `: ${what}`;
  }
  const more = flat.length > 1 ? ` (${flat.length - 1} more problem${flat.length > 2 ? 's' : ''} in "errors")` : '';
  return new HttpProblem(422, `${what.charAt(0).toUpperCase()}${what.slice(1)}${more}. Send {"records": [...]} with each record an array of the 41 KDD values (optionally then label and difficulty) or an object keyed by feature name; see /api/openapi.json.`, {
    type: ProblemTypes.invalidRecords,
    title: 'Invalid records',
    extensions: { ...(rec !== undefined ? { record: rec } : {}), errors },
  });
}

/** A record that matches neither form: report the issues of the form it was meant to be. */
function narrowUnion(issue: Issue, root: unknown): Issue[] {
  const isRecord = issue.path.length === 2 && issue.path[0] === 'records';
  if (issue.code !== 'invalid_union' || !isRecord || !issue.errors?.length) return [issue];
  const target = (root as { records: unknown[] }).records[issue.path[1] as number];
  const branch = Array.isArray(target) ? issue.errors[0] : target !== null && typeof target === 'object' ? issue.errors[1] : undefined;
  if (!branch) return [issue];
  return branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

function pathString(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** JSON records in CLI-sized batches through the same Detector and ReportBuilder. */
async function detectRecords(
  models: Detector | DetectorChoice, records: unknown[], opts: RunOptions, gate: () => Promise<void>, onBatch: (rows: number) => void,
): Promise<DetectionReport> {
  const all = batchFromRecords(records, 'request body');
  const detector = models instanceof Detector ? models : models.forSchema(all.schema, 'request body');
  const builder = new ReportBuilder(detector, opts);
  builder.setFormat('json');
  for (let start = 0; start < all.count; start += REQUEST_BATCH_SIZE) {
    if (start > 0) {
      await gate();
      // Let other requests in between batches.
      await new Promise((r) => setTimeout(r, 0));
    }
    const batch = all.count <= REQUEST_BATCH_SIZE ? all : sliceBatch(all, start, Math.min(all.count, start + REQUEST_BATCH_SIZE));
    builder.add(detector.scoreBatch(batch));
    onBatch(builder.rowCount);
  }
  return builder.finish();
}

// ------------------------------------------------------------------ responses

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

/** Byte for byte JSON.stringify(report) (the CLI's output without its newline), streamed when large. */
function reportResponse(report: DetectionReport, records: JsonSpool): Response {
  const enc = new TextEncoder();
  const head = enc.encode(`{"summary":${JSON.stringify(report.summary)},"metrics":${JSON.stringify(report.metrics)},"records":[`);
  const tail = enc.encode(']}');
  const size = records.size;
  const blocks = [head, ...records.take(), tail];
  if (size < 1 << 20) {
    const body = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of blocks) { body.set(b, at); at += b.length; }
    return new Response(body, { headers: JSON_HEADERS });
  }
  // Larger documents go out block by block (64 kB each), as the client reads them.
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(blocks[i]);
      blocks[i++] = tail; // release as we go
      if (i === blocks.length) controller.close();
    },
  });
  return new Response(stream, { headers: JSON_HEADERS });
}

/**
 * ndjson: one line per reported record, then {summary, metrics} — the CLI's
 * `--format ndjson`. The response starts once the first batch is scored, so input
 * that is wrong from the start still gets a proper 400/422; a later error ends the
 * stream with a {"problem": …} line and aborts the response (never a clean 200).
 */
export async function streamNdjson(job: Job, time: { signal: AbortSignal | undefined; clear(): void }, log: DetectSettings['log']): Promise<Response> {
  const enc = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let wake: (() => void) | null = null;
  let cancelled = false;
  let pending = '';
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) { controller = c; },
      pull() { wake?.(); wake = null; },
      cancel() { cancelled = true; wake?.(); wake = null; },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: NDJSON_BUFFER }),
  );
  const flush = () => {
    if (pending && !cancelled) controller.enqueue(enc.encode(pending));
    pending = '';
  };
  // Backpressure between batches: wait until the client has taken what was sent.
  const drained = async () => {
    while (!cancelled && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => { wake = r; });
    if (cancelled) throw new HttpProblem(499, 'The client closed the connection.');
  };

  let started!: () => void;
  const firstBatch = new Promise<void>((r) => { started = r; });
  const done = job(
    (r) => { pending += JSON.stringify(r) + '\n'; if (pending.length > 1 << 16) flush(); },
    drained,
    () => { flush(); started(); },
  ).then((report) => {
    flush();
    if (!cancelled) {
      controller.enqueue(enc.encode(JSON.stringify({ summary: report.summary, metrics: report.metrics }) + '\n'));
      controller.close();
    }
  });
  // Failures before the first batch become ordinary problem responses.
  const early = await Promise.race([firstBatch.then(() => null), done.then(() => null, (err: unknown) => ({ err }))]);
  if (early) {
    time.clear();
    throw early.err;
  }
  done.then(
    () => time.clear(),
    async (err: unknown) => {
      time.clear();
      if (cancelled) return;
      const { problem, internal } = toProblem(err instanceof InputError ? asProblem(err, false) : err);
      if (internal) log('detect: error in an ndjson stream', err);
      flush();
      controller.enqueue(enc.encode(JSON.stringify({ problem }) + '\n'));
      // Let the client take everything queued (pull runs after each read), then abort the
      // transfer: erroring the stream earlier would discard the queued lines.
      const giveUp = Date.now() + 5000;
      while (!cancelled && (controller.desiredSize ?? 0) < NDJSON_BUFFER && Date.now() < giveUp) {
        await new Promise<void>((r) => { wake = r; setTimeout(r, 100); });
      }
      await new Promise((r) => setTimeout(r, 20)); // and let the runtime write it out
      controller.error(new Error(`ndjson response aborted after an error: ${problem.detail}`));
    },
  );
  return new Response(stream, { headers: { 'content-type': `${NDJSON}; charset=UTF-8`, 'x-content-type-options': 'nosniff' } });
}
