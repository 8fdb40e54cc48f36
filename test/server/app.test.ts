// The portable app through app.request(): every endpoint, every error class.

import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import type { DetectionReport } from '../../src/detect/report.ts';
import { runDetection } from '../../src/detect/run.ts';
import type { Detector } from '../../src/detect/detector.ts';
import { hasRelaxedSimd } from '../../src/engine/select.ts';
import {
  HealthSchema, ModelInfoSchema, ProblemSchema, ReportSchema, DetectionRecordSchema, SummarySchema, MetricsSchema,
} from '../../src/server/schemas.ts';
import { detector, makeApp, syntheticCsv, untimed, VERSION } from './helpers.ts';

type App = Awaited<ReturnType<typeof makeApp>>;

const CSV = { 'content-type': 'text/csv' };
const JSON_CT = { 'content-type': 'application/json' };

/** Parses with the response schema and checks nothing was stripped or coerced: docs match behaviour. */
function exact<S extends z.ZodType>(schema: S, value: unknown): void {
  const parsed = schema.parse(value);
  expect(JSON.parse(JSON.stringify(parsed))).toEqual(value);
}

async function expectProblem(res: Response, status: number, detail?: RegExp): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  exact(ProblemSchema, body);
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.detail).not.toMatch(/\n\s+at /); // never a stack trace
  if (detail) expect(body.detail).toMatch(detail);
  return body;
}

function multipart(fields: { name: string; filename?: string; content: string }[], boundary = '----anomalyzeTestBoundary7MA4YWxk'): { body: string; headers: Record<string, string> } {
  let body = 'preamble is ignored\r\n';
  for (const f of fields) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"${f.filename ? `; filename="${f.filename}"` : ''}\r\n`;
    if (f.filename) body += 'Content-Type: text/csv\r\n';
    body += `\r\n${f.content}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A ReadableStream of the given text in small chunks (no Content-Length, like a chunked upload). */
function streamOf(text: string, chunk = 4096): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

const post = (app: App, path: string, body: BodyInit, headers: Record<string, string> = CSV) =>
  app.request(path, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);

let app: App;
let det: Detector;
const csv = syntheticCsv(400, 3);
let expected: DetectionReport;
let expectedAll: DetectionReport;

beforeAll(async () => {
  det = await detector();
  app = await makeApp();
  expected = untimed(await runDetection(det, csv));
  expectedAll = untimed(await runDetection(det, csv, { all: true }));
});

describe('GET /api/health and /api/model', () => {
  it('health reports status, model id, package version and the build of the core this runtime chose', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ status: 'ok', model: det.model.id, version: VERSION, engine: hasRelaxedSimd() ? 'relaxed-simd' : 'simd' });
    exact(HealthSchema, body);
  });

  it('model returns the metadata: features, members, threshold, training metrics', async () => {
    const res = await app.request('/api/model');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual(JSON.parse(JSON.stringify(det.model.describe())));
    exact(ModelInfoSchema, body);
    expect(body.inputFeatures).toHaveLength(41);
    expect((body.members as { k: number; kind: string; weight: number; quality: unknown }[])[0]).toMatchObject({ k: expect.any(Number), kind: expect.any(String), weight: expect.any(Number), quality: expect.any(Object) });
    expect(body.threshold).toBe(det.model.scoring.threshold);
  });

  it('HEAD works where GET does', async () => {
    const res = await app.request('/api/health', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('sends security headers', async () => {
    const res = await app.request('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document generated from the validation schemas', async () => {
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(VERSION);
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/detect', '/api/health', '/api/model', '/api/stream', '/api/stream/ws']);
    const detect = doc.paths['/api/detect'].post;
    expect(Object.keys(detect.requestBody.content).sort()).toEqual(['application/json', 'application/vnd.tcpdump.pcap', 'multipart/form-data', 'text/csv', 'text/x-zeek-conn-log']);
    expect(detect.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['all', 'format', 'roc']);
    for (const code of ['400', '401', '408', '413', '415', '422']) {
      expect(detect.responses[code].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    }
    expect(detect.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Report');
    const req = doc.components.schemas.DetectRequest;
    expect(req.required).toEqual(['records']);
    expect(doc.components.schemas.ObjectRecord.required).toEqual([...FEATURE_NAMES]);
    expect(doc.components.schemas.ArrayRecord).toMatchObject({ type: 'array', minItems: 41, maxItems: 43 });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('POST /api/detect', () => {
  it('text/csv: the same report as runDetection (what the CLI prints)', async () => {
    const res = await post(app, '/api/detect', csv);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as DetectionReport;
    expect(untimed(body)).toEqual(expected);
    exact(ReportSchema, body);
    expect(body.records.length).toBe(body.summary.anomalies);
    expect(body.metrics).not.toBeNull();
  });

  it('?all=1 returns every record', async () => {
    const body = (await (await post(app, '/api/detect?all=1', csv)).json()) as DetectionReport;
    expect(untimed(body)).toEqual(expectedAll);
    expect(body.records).toHaveLength(400);
  });

  it('a streamed body without Content-Length gives the same report', async () => {
    const body = (await (await post(app, '/api/detect?all=true', streamOf(csv, 1000))).json()) as DetectionReport;
    expect(untimed(body)).toEqual(expectedAll);
  });

  it('text/plain and unlabelled input (metrics null)', async () => {
    const unlabeled = syntheticCsv(50, 5, { labels: false });
    const body = (await (await post(app, '/api/detect', unlabeled, { 'content-type': 'text/plain; charset=utf-8' })).json()) as DetectionReport;
    expect(body.summary.rows).toBe(50);
    expect(body.summary.format).toBe('unlabeled');
    expect(body.metrics).toBeNull();
    exact(ReportSchema, body);
  });

  it('?roc=1 adds the ROC curve', async () => {
    const body = (await (await post(app, '/api/detect?roc=1', csv)).json()) as DetectionReport;
    expect(body.metrics?.roc?.fpr.length).toBeGreaterThan(2);
    exact(ReportSchema, body);
  });

  it('multipart/form-data (field file) gives the same report', async () => {
    const m = multipart([{ name: 'note', content: 'hello' }, { name: 'file', filename: 'traffic.csv', content: csv }]);
    const res = await post(app, '/api/detect?all=1', m.body, m.headers);
    expect(res.status).toBe(200);
    expect(untimed((await res.json()) as DetectionReport)).toEqual(expectedAll);
  });

  it('application/json records, as arrays and as objects, give the same numbers as the CSV', async () => {
    const rows = csv.trim().split('\n').map((l) => l.split(','));
    const arrays = rows.map((r) => r.map((v, i) => (i === 1 || i === 2 || i === 3 || i === 41 ? v : Number(v))));
    const objects = rows.map((r) => ({ ...Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, arrays[rows.indexOf(r)][i]])), label: r[41] }));
    for (const records of [arrays, objects]) {
      const res = await post(app, '/api/detect?all=1', JSON.stringify({ records }), JSON_CT);
      expect(res.status).toBe(200);
      const body = untimed((await res.json()) as DetectionReport);
      expect(body.summary).toEqual({ ...expectedAll.summary, format: 'json' });
      expect(body.metrics).toEqual(expectedAll.metrics);
      expect(body.records).toEqual(expectedAll.records);
    }
  });

  it('a single JSON record', async () => {
    const values = csv.split('\n')[0].split(',').slice(0, 41);
    const res = await post(app, '/api/detect?all=1', JSON.stringify({ records: [values] }), JSON_CT);
    const body = (await res.json()) as DetectionReport;
    expect(body.summary.rows).toBe(1);
    expect(body.records).toHaveLength(1);
    expect(body.metrics).toBeNull();
    exact(ReportSchema, body);
  });

  it('?format=ndjson streams records, then {summary, metrics} (the CLI\'s ndjson)', async () => {
    const res = await post(app, '/api/detect?format=ndjson&all=1', csv);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(401);
    for (const r of lines.slice(0, -1)) DetectionRecordSchema.parse(r);
    expect(lines.slice(0, -1)).toEqual(expectedAll.records);
    const last = lines.at(-1);
    expect(Object.keys(last)).toEqual(['summary', 'metrics']);
    SummarySchema.parse(last.summary);
    MetricsSchema.parse(last.metrics);
    expect(untimed(last)).toEqual(untimed({ summary: expectedAll.summary, metrics: expectedAll.metrics }));
  });

  it('Accept: application/x-ndjson selects ndjson', async () => {
    const res = await post(app, '/api/detect', csv, { ...CSV, accept: 'application/x-ndjson' });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect((await res.text()).trim().split('\n')).toHaveLength(expected.records.length + 1);
  });

  it('ndjson reads the upload only as fast as the client reads results (bounded memory)', async () => {
    const line = csv.split('\n')[0] + '\n';
    const total = 200_000; // ~30 MB if it were all read
    let sent = 0;
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        c.enqueue(new TextEncoder().encode(line.repeat(500)));
        sent += 500;
      },
      cancel() { cancelled = true; },
    }, { highWaterMark: 0 });
    const res = await post(app, '/api/detect?format=ndjson&all=1', source);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 300));
    const sentWhileStalled = sent;
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toBe(sentWhileStalled); // stalled: nothing more is read while the client waits
    expect(sent).toBeLessThan(total / 4);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 100));
    expect(cancelled).toBe(true);
  });
});

describe('errors are problem+json', () => {
  it('400: malformed CSV with line and column', async () => {
    const bad = csv.split('\n').slice(0, 3).join('\n') + '\n0,tcp,"http,SF\n';
    const body = await expectProblem(await post(app, '/api/detect', bad), 400, /quoted field is never closed/);
    expect(body).toMatchObject({ type: 'urn:anomalyze:problem:malformed-csv', title: 'Malformed CSV', line: 4, column: 3, instance: '/api/detect' });
    expect(body.detail).toMatch(/^request body:4:3: /);
  });

  it('400: binary data, invalid UTF-8, a damaged gzip stream, an empty body', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x9c, 0x81]);
    await expectProblem(await post(app, '/api/detect', zip), 400, /does not look like a text CSV file/);
    const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x9c, 0x81]);
    await expectProblem(await post(app, '/api/detect', gz), 400, /gzip-compressed input is damaged or cut short/);
    await expectProblem(await post(app, '/api/detect', 'a,b\0c\n'), 400, /NUL byte/);
    await expectProblem(await post(app, '/api/detect', ''), 400, /the input is empty/);
  });

  it('400: malformed JSON, with line and column', async () => {
    const body = await expectProblem(await post(app, '/api/detect', '{"records": [\n  [1, 2,]\n]}', JSON_CT), 400, /not valid JSON: line 2, column 9: unexpected "]" where a value was expected/);
    expect(body).toMatchObject({ type: 'urn:anomalyze:problem:malformed-json', line: 2, column: 9 });
    await expectProblem(await post(app, '/api/detect', '', JSON_CT), 400, /empty/);
    await expectProblem(await post(app, '/api/detect', new Uint8Array([0x7b, 0xff, 0x7d]), JSON_CT), 400, /UTF-8/);
  });

  it('400: malformed multipart bodies', async () => {
    const m = multipart([{ name: 'file', content: csv }]);
    await expectProblem(await post(app, '/api/detect', m.body.slice(0, m.body.length - 200), m.headers), 400, /ends before the closing boundary/);
    await expectProblem(await post(app, '/api/detect', m.body, { 'content-type': 'multipart/form-data' }), 400, /no valid boundary/);
    await expectProblem(await post(app, '/api/detect', 'no parts here', m.headers), 400, /no part starts with the boundary/);
  });

  it('400: invalid query parameters', async () => {
    const body = await expectProblem(await post(app, '/api/detect?format=xml', csv), 400, /format/);
    expect(body.type).toBe('urn:anomalyze:problem:invalid-query');
  });

  it('401: API key required when configured', async () => {
    const keyed = await makeApp({ apiKey: 's3cret' });
    const none = await expectProblem(await post(keyed, '/api/detect', csv), 401, /Authorization: Bearer/);
    expect(none.instance).toBe('/api/detect');
    const noneRes = await post(keyed, '/api/detect', csv);
    expect(noneRes.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(await post(keyed, '/api/detect', csv, { ...CSV, authorization: 'Bearer wrong' }), 401, /not the one/);
    const ok = await post(keyed, '/api/detect', csv, { ...CSV, authorization: 'Bearer s3cret' });
    expect(ok.status).toBe(200);
    expect((await keyed.request('/api/health')).status).toBe(200); // only /api/detect is protected
  });

  it('404: unknown paths', async () => {
    await expectProblem(await app.request('/api/nope'), 404, /no API endpoint at \/api\/nope/);
    await expectProblem(await app.request('/nothing-here.js'), 404, /Nothing is served/);
  });

  it('405: wrong method, with Allow', async () => {
    const a = await app.request('/api/detect');
    await expectProblem(a, 405, /GET is not supported on \/api\/detect; use POST/);
    expect(a.headers.get('allow')).toBe('POST');
    const b = await app.request('/api/health', { method: 'DELETE' });
    await expectProblem(b, 405);
    expect(b.headers.get('allow')).toBe('GET, HEAD');
    const c = await app.request('/', { method: 'POST' });
    await expectProblem(c, 405);
    const o = await app.request('/api/detect', { method: 'OPTIONS' });
    expect(o.status).toBe(204);
    expect(o.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('408: a request that outlives the timeout (stalled upload)', async () => {
    const slow = await makeApp({ timeoutMs: 200 });
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(c) { c.enqueue(new TextEncoder().encode(csv.split('\n')[0] + '\n')); },
      cancel() { cancelled = true; },
    });
    const started = Date.now();
    await expectProblem(await post(slow, '/api/detect', stalled), 408, /longer than 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(cancelled).toBe(true);
  });

  it('413: body over the limit, by Content-Length and while streaming', async () => {
    const small = await makeApp({ bodyLimit: 10_000 });
    const big = csv; // ~ 60 kB
    const a = await expectProblem(await post(small, '/api/detect', big, { ...CSV, 'content-length': String(big.length) }), 413, /larger than the server's limit of 10 kB/);
    expect(a.limit).toBe(10_000);
    let pulled = 0;
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= bytes.length) return c.close();
        c.enqueue(bytes.slice(pulled, pulled + 1000));
        pulled += 1000;
      },
    });
    await expectProblem(await post(small, '/api/detect', stream), 413);
    expect(pulled).toBeLessThan(20_000); // stopped reading soon after the limit
    const m = multipart([{ name: 'file', content: big }]);
    await expectProblem(await post(small, '/api/detect', streamOf(m.body, 1000), m.headers), 413);
    await expectProblem(await post(small, '/api/detect', streamOf(JSON.stringify({ records: big.split('\n') }), 1000), JSON_CT), 413);
  });

  it('415: missing or unsupported Content-Type', async () => {
    const a = await expectProblem(await app.request('/api/detect', { method: 'POST', body: new Uint8Array([1, 2]) }), 415, /has no Content-Type.*text\/csv/);
    expect(a.type).toBe('about:blank');
    await expectProblem(await post(app, '/api/detect', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/x-www-form-urlencoded is not accepted/);
    await expectProblem(await post(app, '/api/detect', '<x/>', { 'content-type': 'application/xml' }), 415);
  });

  it('422: wrong columns or types in CSV, with line and column', async () => {
    const lines = csv.split('\n');
    const cols = await expectProblem(await post(app, '/api/detect', lines.slice(0, 5).join('\n') + '\n1,2,3\n'), 422, /expected 43 columns/);
    expect(cols).toMatchObject({ type: 'urn:anomalyze:problem:invalid-records', title: 'Invalid records', line: 6 });
    const cells = lines[1].split(',');
    cells[4] = 'lots';
    const num = await expectProblem(await post(app, '/api/detect', [lines[0], cells.join(',')].join('\n') + '\n'), 422, /expected a number for src_bytes, got "lots"/);
    expect(num).toMatchObject({ line: 2, column: 5 });
    await expectProblem(await post(app, '/api/detect', 'a,b,c\n1,2,3\n'), 422, /expected 41, 42 or 43 columns/);
    await expectProblem(await post(app, '/api/detect', FEATURE_NAMES.join(',') + '\n'), 422, /header row but no data rows/);
  });

  it('422: JSON that does not fit the schema, naming the record', async () => {
    const rec = csv.split('\n')[0].split(',').slice(0, 41);
    const short = await expectProblem(await post(app, '/api/detect', JSON.stringify({ records: [rec, rec.slice(0, 10)] }), JSON_CT), 422, /^Record 2: expected 41 feature values/);
    expect(short.record).toBe(2);
    const obj = await expectProblem(await post(app, '/api/detect', JSON.stringify({ records: [{ duration: 0 }] }), JSON_CT), 422, /^Record 1, protocol_type: missing/);
    expect((obj.errors as unknown[]).length).toBeGreaterThan(10);
    await expectProblem(await post(app, '/api/detect', JSON.stringify({ rows: [] }), JSON_CT), 422, /no "records" field/);
    await expectProblem(await post(app, '/api/detect', JSON.stringify([rec]), JSON_CT), 422, /^Expected a JSON object/);
    await expectProblem(await post(app, '/api/detect', JSON.stringify({ records: [true] }), JSON_CT), 422, /^Record 1: expected an array of values or an object/);
  });

  it('422: JSON values the detector rejects (via batchFromRecords)', async () => {
    const rec = csv.split('\n')[0].split(',').slice(0, 41);
    const bad = [...rec];
    bad[5] = 'many';
    const p = await expectProblem(await post(app, '/api/detect', JSON.stringify({ records: [rec, rec, bad] }), JSON_CT), 422, /record 3: expected a number for dst_bytes, got "many"/);
    expect(p.record).toBe(3);
    expect(p.line).toBeUndefined();
  });

  it('422: a form without the file field', async () => {
    const m = multipart([{ name: 'upload', filename: 'x.csv', content: csv }]);
    await expectProblem(await post(app, '/api/detect', m.body, m.headers), 422, /no field named "file" \(it has "upload"\)/);
  });

  it('500: an internal failure is logged, never shown', async () => {
    const logged: unknown[] = [];
    const broken = { model: det.model, scoreBatch: () => { throw new Error('secret internal detail'); } } as unknown as Detector;
    const bad = await makeApp({}, { detector: broken, log: (_m, err) => logged.push(err) });
    const body = await expectProblem(await post(bad, '/api/detect', csv), 500);
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(logged).toHaveLength(1);
    expect((await bad.request('/api/health')).status).toBe(200); // still serving
  });

  it('ndjson: an error after the stream started ends it with a problem line and aborts', async () => {
    const lines = csv.split('\n');
    const many = Array.from({ length: 30 }, () => lines.slice(0, 400).join('\n') + '\n').join('') + '1,2,3\n'; // error on line 12001
    const res = await post(app, '/api/detect?format=ndjson&all=1', streamOf(many, 1 << 16));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    let failed = false;
    try {
      while (true) {
        const r = await reader.read();
        if (r.done) break;
        text += new TextDecoder().decode(r.value);
      }
    } catch {
      failed = true;
    }
    expect(failed).toBe(true); // not a clean end
    const last = JSON.parse(text.trim().split('\n').at(-1)!);
    expect(last.problem).toMatchObject({ status: 422, line: 12001 });
  });

  it('ndjson: an error in the first batch is still a plain 422', async () => {
    await expectProblem(await post(app, '/api/detect?format=ndjson', '1,2,3\n'), 422);
  });
});

describe('CORS', () => {
  it('off by default; configured origins get CORS headers and preflights', async () => {
    const plain = await app.request('/api/health', { headers: { origin: 'https://example.org' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const corsApp = await makeApp({ corsOrigins: ['https://example.org'] });
    const ok = await corsApp.request('/api/health', { headers: { origin: 'https://example.org' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://example.org');
    const other = await corsApp.request('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await corsApp.request('/api/detect', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});

describe('GET /', () => {
  it('serves a minimal upload page when the demo is not built', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/api/detect" enctype="multipart/form-data">');
    expect(html).toContain('name="file"');
  });

  it('serves the demo through the static-asset handler when there is one', async () => {
    const withAssets = await makeApp({}, {
      staticAssets: async (c, next) => (c.req.path === '/' || c.req.path === '/app.js' ? c.text(`asset ${c.req.path}`) : next()),
    });
    expect(await (await withAssets.request('/')).text()).toBe('asset /');
    expect(await (await withAssets.request('/app.js')).text()).toBe('asset /app.js');
    await expectProblem(await withAssets.request('/missing.css'), 404);
    expect((await withAssets.request('/api/health')).status).toBe(200);
  });
});
