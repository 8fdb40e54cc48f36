// Property 2: POST /api/detect with mutated CSV, capture, Zeek, JSON and multipart
// bodies → 200 or a 4xx application/problem+json with a detail; never a 5xx, never
// an internal error logged, never an unhandled rejection, never a hang.

import fc from 'fast-check';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { createApp } from '../../src/server/app.ts';
import { detector, VERSION } from '../server/helpers.ts';
import { ALL_SAMPLES, CAPTURE_SAMPLES, KDD_SAMPLES, ZEEK_SAMPLES, type Sample } from './corpus.ts';
import { request, type Sent } from './http.ts';
import { describeCase, mutate, mutations, NASTY_FIELDS, params } from './support.ts';

const internal: string[] = [];
const rejections: unknown[] = [];
const onRejection = (r: unknown) => { rejections.push(r); };
let app: OpenAPIHono;
let small: OpenAPIHono;

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  const log = (m: string, err?: unknown) => { internal.push(`${m}: ${(err as Error)?.stack ?? err}`); };
  const d = await detector();
  app = createApp({ detector: d, version: VERSION, log });
  // A small body limit and a short deadline: the 413 and 408 paths, mid-stream.
  small = createApp({ detector: d, version: VERSION, log, options: { bodyLimit: 6000, timeoutMs: 2000 } });
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

/** After every property: nothing reached onError as an internal error, nothing was left unhandled. */
function clean(): void {
  expect(internal, 'internal errors logged by the app').toEqual([]);
  expect(rejections.map(String), 'unhandled rejections').toEqual([]);
}

const enc = new TextEncoder();
const named = (samples: Sample[]) => fc.constantFrom(...samples.map((s) => Object.assign(s, { [fc.toStringMethod]: () => JSON.stringify(s.name) })));
const query = fc.constantFrom('', '', '', '?all=1', '?all=1', '?format=ndjson', '?format=ndjson&all=1', '?roc=1', '?all=maybe', '?format=xml', '?all=1&all=0', '?%zz=1');
const delivery = fc.record({
  streamPiece: fc.constantFrom(undefined, undefined, 1, 7, 512, 65536),
  lengthClaim: fc.constantFrom('none', 'true', 'true', 'less', 'more', 'huge'),
  accept: fc.constantFrom(undefined, 'application/x-ndjson', '*/*'),
  limited: fc.constantFrom(false, false, false, true),
});
type Delivery = { streamPiece?: number; lengthClaim: string; accept?: string; limited: boolean };

function sent(body: Uint8Array, contentType: string | undefined, q: string, d: Delivery): Sent {
  const claim = { none: undefined, true: body.length, less: Math.max(0, body.length - 5), more: body.length + 5, huge: 1e12 }[d.lengthClaim as 'none'];
  return { path: `/api/detect${q}`, body, contentType, streamPiece: d.streamPiece, contentLength: claim, accept: d.accept };
}

const target = (d: Delivery) => (d.limited ? small : app);

describe('fuzz: POST /api/detect → 200 or a 4xx problem', () => {
  afterAll(clean);

  it('mutated CSV, capture and Zeek bodies under every content type', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(
      fc.oneof({ weight: 3, arbitrary: named(KDD_SAMPLES) }, { weight: 2, arbitrary: named(ALL_SAMPLES) }), mutations(), query, delivery,
      fc.constantFrom('text/csv', 'text/csv', 'text/plain; charset=utf-8', 'application/vnd.tcpdump.pcap', 'text/x-zeek-conn-log', 'application/octet-stream', 'application/x-ndjson', 'text/html', undefined),
      async (s, ms, q, d, ct) => {
        const body = mutate(s.bytes, ms, s.boundaries);
        const where = `${describeCase(s.name, ms)} as ${ct} ${q} ${JSON.stringify(d)}`;
        const r = await request(target(d), sent(body, ct, q, d), where);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      },
    ), params('http stream bodies', 150));
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    clean();
  });

  it('a bad row after the first batch of 8192: 422 for JSON; for ndjson, the stream ends in a 422 problem line', async () => {
    const lines = generateTraffic({ rows: 9000, seed: 5 }).split('\n');
    lines[8999] = lines[8999].replace(/^[^,]*,/, 'abc,');
    const body = enc.encode(lines.join('\n'));
    const json = await request(app, { body, contentType: 'text/csv' }, 'late error, json');
    expect(json.status).toBe(422);
    for (const streamPiece of [undefined, 4096]) {
      const nd = await request(app, { path: '/api/detect?format=ndjson', body, contentType: 'text/csv', streamPiece }, `late error, ndjson, pieces ${streamPiece}`);
      expect(nd.status).toBe(422);
      expect((nd.body as { detail: string }).detail).toMatch(/^request body:9000:1: /);
    }
    clean();
  });

  it('unmutated samples of each kind are answered too (200, or 422 for a schema the model does not read)', async () => {
    for (const s of [...KDD_SAMPLES, ...CAPTURE_SAMPLES, ...ZEEK_SAMPLES]) {
      const r = await request(app, { body: s.bytes, contentType: s.kind === 'capture' ? 'application/vnd.tcpdump.pcap' : 'text/csv' }, s.name);
      expect([200, 422], s.name).toContain(r.status);
      if (s.kind === 'kdd') expect(r.status, s.name).toBe(200);
    }
    clean();
  });
});

// ---------------------------------------------------------------- JSON

const rows = generateTraffic({ rows: 12, seed: 21 }).trim().split('\n').map((l) => l.split(','));
const asValues = (r: string[]) => r.map((v) => (/^[\d.]+$/.test(v) ? Number(v) : v));
const asObject = (r: string[]) => Object.fromEntries([...FEATURE_NAMES.map((f, i) => [f, asValues(r)[i]]), ['label', r[41]]]);

const jsonLeaf = fc.oneof(
  fc.constantFrom(...NASTY_FIELDS), fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 5e-324, 2 ** 53 + 1, 0, -0),
  fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.jsonValue({ maxDepth: 3 }),
);

/** A record, valid or broken: wrong values, wrong lengths, wrong types, prototype keys. */
const record: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: rows.length - 1 }).map((i) => asValues(rows[i])) },
  { weight: 3, arbitrary: fc.nat({ max: rows.length - 1 }).map((i) => asObject(rows[i])) },
  { weight: 4, arbitrary: fc.tuple(fc.nat({ max: rows.length - 1 }), fc.nat({ max: 42 }), jsonLeaf, fc.boolean()).map(([i, f, v, obj]) => {
    if (obj) { const o: Record<string, unknown> = asObject(rows[i]); o[[...FEATURE_NAMES, 'label'][f % 42]] = v; return o; }
    const a: unknown[] = asValues(rows[i]); a[f] = v; return a;
  }) },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: rows.length - 1 }), fc.integer({ min: -3, max: 3 })).map(([i, d]) => { const a: unknown[] = asValues(rows[i]).slice(0, 43); a.length = Math.max(0, a.length + d); return a; }) },
  { weight: 1, arbitrary: fc.nat({ max: rows.length - 1 }).map((i) => asValues(rows[i]).slice(0, 41)) },
  { weight: 1, arbitrary: jsonLeaf },
);

/** Body text: {"records": …} in its valid form or with structural damage at the text level. */
const jsonBody = fc.oneof(
  { weight: 5, arbitrary: fc.array(record, { maxLength: 6 }).map((records) => JSON.stringify({ records })) },
  { weight: 1, arbitrary: jsonLeaf.map((v) => JSON.stringify({ records: v })) },
  { weight: 1, arbitrary: jsonLeaf.map((v) => JSON.stringify(v)) },
  // Duplicated keys (the last wins in JSON.parse) and prototype keys, which must never reach Object.prototype.
  { weight: 2, arbitrary: fc.tuple(fc.array(record, { maxLength: 3 }), fc.constantFrom('records', '__proto__', 'constructor', 'prototype')).map(([recs, k]) =>
    `{"records": ${JSON.stringify(recs)}, "${k}": ${JSON.stringify(recs)}, "records": ${JSON.stringify(recs)}}`) },
  { weight: 2, arbitrary: fc.nat({ max: rows.length - 1 }).map((i) => {
    const o = JSON.stringify(asObject(rows[i]));
    return `{"records": [{"__proto__": ${o}}, ${o.replace('{', '{"__proto__": {"label": "x"}, "constructor": {"prototype": {"polluted": 1}}, ')}]}`;
  }) },
  // Deep nesting: inside a record, as a record, and as the whole body (valid and cut).
  { weight: 1, arbitrary: fc.constantFrom(1000, 100_000).map((d) => `{"records": [${'['.repeat(d)}${']'.repeat(d)}]}`) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 100_000).map((d) => `{"records": [${JSON.stringify(asValues(rows[0])).slice(0, -1)}, ${'{"a":'.repeat(d)}1${'}'.repeat(d)}]]}`) },
  { weight: 1, arbitrary: fc.constantFrom(10, 100_000).map((d) => '['.repeat(d)) },
  // Text damage: NaN/Infinity literals, cuts, stray bytes.
  { weight: 2, arbitrary: fc.tuple(fc.array(record, { minLength: 1, maxLength: 3 }), fc.constantFrom('NaN', 'Infinity', '-Infinity', '01', '1e999', "'x'", 'undefined', '\u0000', '"\\ud800"')).map(([recs, lit]) =>
    JSON.stringify({ records: recs }).replace(/(\d+(\.\d+)?)/, lit)) },
  { weight: 2, arbitrary: fc.tuple(fc.array(record, { minLength: 1, maxLength: 3 }), fc.nat()).map(([recs, cut]) => { const t = JSON.stringify({ records: recs }); return t.slice(0, cut % t.length); }) },
);

describe('fuzz: JSON bodies', () => {
  afterAll(clean);

  it('{"records": …} with wrong types, lengths, nesting, duplicated and prototype keys', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(
      jsonBody, query, delivery, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'application/vnd.x+json'),
      fc.constantFrom(undefined, 0xff, 0xc3),
      async (text, q, d, ct, stray) => {
        let body = enc.encode(text);
        if (stray !== undefined && body.length) { body = body.slice(); body[body.length >> 1] = stray; }
        const where = `JSON ${text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text} ${q} ${JSON.stringify(d)}`;
        const r = await request(target(d), sent(body, ct, q, d), where);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(({} as Record<string, unknown>).polluted, 'Object.prototype was polluted').toBeUndefined();
      },
    ), params('http json', 200));
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect(statuses.get(422) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    clean();
  });

  it('huge arrays: 20,000 valid records (several batches) and 200,000 invalid ones', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => asValues(rows[i % rows.length]));
    const ok = await request(app, { body: enc.encode(JSON.stringify({ records: many })), contentType: 'application/json' }, '20k records');
    expect(ok.status).toBe(200);
    expect((ok.body as { summary: { rows: number } }).summary.rows).toBe(20_000);
    const nd = await request(app, { path: '/api/detect?format=ndjson', body: enc.encode(JSON.stringify({ records: many })), contentType: 'application/json' }, '20k records ndjson');
    expect(nd.status).toBe(200);
    const bad = await request(app, { body: enc.encode(JSON.stringify({ records: new Array(200_000).fill(0) })), contentType: 'application/json' }, '200k zeros');
    expect(bad.status).toBe(422);
    // A bad record after the first batch of 8192.
    const late = many.slice();
    late[9000] = [...late[9000].slice(0, 40), 'x'];
    const lateNd = await request(app, { path: '/api/detect?format=ndjson', body: enc.encode(JSON.stringify({ records: late })), contentType: 'application/json' }, 'bad record 9001 ndjson');
    expect(lateNd.status).toBeGreaterThanOrEqual(400);
    clean();
  });
});

// ---------------------------------------------------------------- multipart

interface Part { name: string | null; filename?: string; headerPad: number; content: Uint8Array; contentType?: string }

function multipart(boundary: string, parts: Part[], o: { preamble: string; close: boolean; crlf: string; epilogue: string }): Uint8Array {
  const chunks: Uint8Array[] = [enc.encode(o.preamble)];
  for (const p of parts) {
    let h = `--${boundary}${o.crlf}`;
    if (p.name !== null) h += `Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}${o.crlf}`;
    else h += `Content-Disposition: form-data${o.crlf}`;
    if (p.contentType) h += `Content-Type: ${p.contentType}${o.crlf}`;
    if (p.headerPad) h += `X-Pad: ${'p'.repeat(p.headerPad)}${o.crlf}`;
    h += o.crlf;
    chunks.push(enc.encode(h), p.content, enc.encode(o.crlf));
  }
  if (o.close) chunks.push(enc.encode(`--${boundary}--${o.crlf}`));
  chunks.push(enc.encode(o.epilogue));
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

const part = fc.record({
  name: fc.constantFrom('file', 'file', 'file', 'file', 'file', 'other', '', 'fi"le', null),
  filename: fc.constantFrom(undefined, 'traffic.csv', '', '../../etc/passwd', 'a\\"b.csv', 'x'.repeat(300)),
  headerPad: fc.constantFrom(0, 0, 0, 0, 0, 0, 100, 16_000, 20_000),
  contentType: fc.constantFrom(undefined, 'text/csv', 'application/octet-stream'),
  sample: named([...KDD_SAMPLES, KDD_SAMPLES[0], CAPTURE_SAMPLES[0], ZEEK_SAMPLES[0]]),
  mutated: fc.option(mutations(), { nil: undefined, freq: 3 }),
});

const BOUNDARY = 'AaB03x-fuzz';

describe('fuzz: multipart bodies', () => {
  afterAll(clean);

  it('broken boundaries, missing parts, huge headers, cut bodies', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(
      fc.array(part, { minLength: 0, maxLength: 3 }),
      fc.record({
        ctBoundary: fc.constantFrom(BOUNDARY, BOUNDARY, BOUNDARY, `"${BOUNDARY}"`, 'other', '', 'x'.repeat(71), `${BOUNDARY}; charset=utf-8`, null),
        preamble: fc.constantFrom('', '', '', '', 'preamble text\r\n', '\r\n'.repeat(3), 'x'.repeat(20_000)),
        close: fc.constantFrom(true, true, true, false),
        crlf: fc.constantFrom('\r\n', '\r\n', '\r\n', '\r\n', '\n'),
        epilogue: fc.constantFrom('', 'epilogue'),
      }),
      fc.option(mutations(), { nil: undefined, freq: 2 }), query, delivery,
      async (parts, o, damage, q, d) => {
        const ps: Part[] = parts.map((p) => ({ ...p, content: p.mutated ? mutate(p.sample.bytes, p.mutated, p.sample.boundaries) : p.sample.bytes }));
        let body = multipart(BOUNDARY, ps, o);
        if (damage) body = mutate(body, damage);
        const ct = o.ctBoundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${o.ctBoundary}`;
        const where = `multipart ${JSON.stringify({ parts: parts.map((p) => ({ ...p, sample: p.sample.name })), o: { ...o, preamble: o.preamble.length }, damage, q, d })}`;
        const r = await request(target(d), sent(body, ct, q, d), where);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      },
    ), params('http multipart', 150));
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    clean();
  });
});
