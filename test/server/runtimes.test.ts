// The same app under Deno (src/server/deno.ts) and workerd (wrangler dev with
// src/server/worker.ts), each a child process on loopback: the same small CSV must give
// the same JSON as under Node running the same build of the core. Each runtime picks the
// build at load time (relaxed-SIMD FMA where it validates it, else plain SIMD) and says
// which in /api/health; the two builds agree within FMA rounding (checked here on Node).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Detector } from '../../src/detect/detector.ts';
import type { DetectionReport } from '../../src/detect/report.ts';
import { Engine, hasRelaxedSimd, type CoreVariant } from '../../src/engine/index.ts';
import { WASM_PATH, WASM_RELAXED_PATH } from '../../src/engine/node.ts';
import { decodeModel } from '../../src/model/format.ts';
import { DEFAULT_MODEL_DIR } from '../../src/model/node.ts';
import { readModelDir } from '../../src/server/node-files.ts';
import { workerModelSource } from '../../src/server/worker-model.mjs';
import { freePort, makeApp, ROOT, startChild, syntheticCsv, untimed, waitForHealth, type Child } from './helpers.ts';

const CSV = syntheticCsv(250, 99);
const BAD_CSV = CSV.split('\n').slice(0, 2).join('\n') + '\n0,"tcp,http\n';
const RECORDS = { records: CSV.split('\n').slice(0, 3).map((l) => l.split(',')) };

interface Answers {
  health: unknown;
  model: unknown;
  report: DetectionReport;
  all: DetectionReport;
  multipart: DetectionReport;
  json: DetectionReport;
  ndjson: string[];
  problem: { status: number; type: string | null; body: unknown };
  notFound: number;
}

/** The same requests against any server (fetch-like). */
async function ask(fetcher: (path: string, init?: RequestInit) => Promise<Response>): Promise<Answers> {
  const csv = (path: string, body: string) => fetcher(path, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  const form = new FormData();
  form.set('file', new Blob([CSV], { type: 'text/csv' }), 'sample.csv');
  const bad = await csv('/api/detect', BAD_CSV);
  return {
    health: await (await fetcher('/api/health')).json(),
    model: await (await fetcher('/api/model')).json(),
    report: untimed((await (await csv('/api/detect', CSV)).json()) as DetectionReport),
    all: untimed((await (await csv('/api/detect?all=1', CSV)).json()) as DetectionReport),
    multipart: untimed((await (await fetcher('/api/detect', { method: 'POST', body: form })).json()) as DetectionReport),
    json: untimed((await (await fetcher('/api/detect?all=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RECORDS) })).json()) as DetectionReport),
    ndjson: (await (await csv('/api/detect?format=ndjson', CSV)).text()).trim().split('\n').slice(0, -1),
    problem: { status: bad.status, type: bad.headers.get('content-type'), body: await bad.json() },
    notFound: (await fetcher('/api/none')).status,
  };
}

const viaUrl = (base: string) => (path: string, init?: RequestInit) => fetch(base + path, init);

/** Node's answers with each build of the core. */
const node = {} as Record<CoreVariant, Answers>;
let relaxedNode: Child | undefined;

async function inProcess(prefer: 'simd' | 'auto'): Promise<Answers> {
  const engine = await Engine.loadBuilds({ simd: readFileSync(WASM_PATH), relaxed: readFileSync(WASM_RELAXED_PATH) }, prefer);
  const app = await makeApp({}, { detector: new Detector(await decodeModel(engine, readModelDir(DEFAULT_MODEL_DIR), 'models/default')) });
  return ask(async (path, init) => app.request(path, init));
}

beforeAll(async () => {
  node.simd = await inProcess('simd');
  expect(node.simd.report.summary.rows).toBe(250);
  expect(node.simd.problem.status).toBe(400);
  if (hasRelaxedSimd()) {
    node['relaxed-simd'] = await inProcess('auto');
  } else {
    // Node 20 validates relaxed SIMD only behind a flag: the same server in a child that has it.
    const port = await freePort();
    relaxedNode = startChild(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'src/server/node.ts'], {
      PORT: String(port), HOST: '127.0.0.1', ANOMALYZE_MODEL: 'models/default',
    });
    await waitForHealth(`http://127.0.0.1:${port}`, relaxedNode);
    node['relaxed-simd'] = await ask(viaUrl(`http://127.0.0.1:${port}`));
  }
  expect((node.simd.health as { engine: string }).engine).toBe('simd');
  expect((node['relaxed-simd'].health as { engine: string }).engine).toBe('relaxed-simd');
}, 120_000);

afterAll(async () => {
  await relaxedNode?.kill();
});

/** Which build a runtime reports in /api/health. */
function engineOf(a: Answers): CoreVariant {
  const { engine } = a.health as { engine: CoreVariant };
  expect(['simd', 'relaxed-simd']).toContain(engine);
  return engine;
}

/** The runtime's answers are Node's with the same build, byte for byte. */
function expectSame(other: Answers): void {
  const ref = node[engineOf(other)];
  expect(other.health).toEqual(ref.health);
  expect(other.model).toEqual(ref.model);
  expect(other.report).toEqual(ref.report);
  expect(other.all).toEqual(ref.all);
  expect(other.multipart).toEqual(ref.multipart);
  expect(other.json).toEqual(ref.json);
  expect(other.ndjson).toEqual(ref.ndjson);
  expect(other.problem).toEqual(ref.problem);
  expect(other.notFound).toBe(404);
}

// How far the two builds may be apart. A fused multiply-add rounds once where the plain build
// rounds twice; distances are ‖x‖² − 2x·c + ‖c‖² in float32, so for a row close to a centroid
// the cancellation magnifies that to ~1e-4 relative (measured at most 1.8e-4 over KDDTrain+ and
// KDDTest+, with no verdict changed). Scores and confidences are reported to 4 decimals.
const SCORE_REL = 1e-3;
const ROUNDED = 1e-4;
/** Rankings of near-tied scores may swap: the areas under the curves move in the 7th digit. */
const AREA = 1e-6;

/** Everything equal except the floating-point results of scoring, which agree within FMA rounding. */
function expectWithinFma(a: unknown, b: unknown, path = ''): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (typeof a === 'number' && typeof b === 'number' && a !== b) {
    if (key === 'score') expect(Math.abs(a - b), path).toBeLessThanOrEqual(SCORE_REL * Math.abs(a) + ROUNDED);
    else if (key === 'confidence') expect(Math.abs(a - b), path).toBeLessThanOrEqual(SCORE_REL + ROUNDED);
    else if (key === 'rocAuc' || key === 'prAuc') expect(Math.abs(a - b), path).toBeLessThanOrEqual(AREA);
    else expect(b, path).toBe(a); // counts, verdicts, severities, thresholds: exact
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a as object).sort());
    for (const k of Object.keys(a as object)) expectWithinFma((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else {
    expect(b, path).toEqual(a);
  }
}

describe('Node: the relaxed-SIMD build against the plain SIMD build', () => {
  it('gives the same verdicts, with scores within FMA rounding', () => {
    const [plain, fma] = [node.simd, node['relaxed-simd']];
    expect({ ...(fma.health as object), engine: 'simd' }).toEqual(plain.health);
    expect(fma.model).toEqual(plain.model);
    for (const k of ['report', 'all', 'multipart', 'json'] as const) expectWithinFma(plain[k], fma[k], k);
    expectWithinFma(plain.ndjson.map((l) => JSON.parse(l)), fma.ndjson.map((l) => JSON.parse(l)), 'ndjson');
    expect(fma.problem).toEqual(plain.problem);
    // Every record of ?all=1 carries a score (on this input, one of the 250 differs in the 4th decimal).
    expect(fma.all.records).toHaveLength(250);
  });
});

/**
 * GET /api/stream/ws, wired by each entry: the CSV in messages split mid-line must come back as
 * the anomalies the same server's /api/detect reports, then the summary and close 1000.
 */
async function expectSocketStream(base: string): Promise<void> {
  const detected = (await (await fetch(`${base}/api/detect`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV })).json()) as DetectionReport;
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/stream/ws?latency=50`);
  const messages: { row?: number; severity?: string; summary?: { rows: number } }[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  for (let i = 0; i < CSV.length; i += 1000) ws.send(CSV.slice(i, i + 1000));
  ws.send('');
  expect(await closed).toBe(1000);
  expect(messages.slice(0, -1).map((m) => [m.row, m.severity])).toEqual(detected.records.map((r) => [r.row, r.severity]));
  expect(messages.at(-1)?.summary?.rows).toBe(250);
}

describe('Deno', () => {
  let child: Child | undefined;
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = startChild('npx', ['deno', 'run', '--allow-net', '--allow-read', '--allow-env', 'src/server/deno.ts'], {
      PORT: String(port), HOST: '127.0.0.1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1',
    });
    await waitForHealth(url, child);
  }, 180_000);

  afterAll(async () => {
    await child?.kill();
  });

  it('streams over a WebSocket (hono/deno upgradeWebSocket)', async () => {
    await expectSocketStream(url);
  });

  it('chooses the relaxed-SIMD build (Deno 2 validates it) and answers exactly as Node does with that build', async () => {
    const answers = await ask(viaUrl(url));
    expect(engineOf(answers)).toBe('relaxed-simd');
    expectSame(answers);
  });
});

describe('Cloudflare Workers (workerd via wrangler dev)', () => {
  let child: Child | undefined;
  let url = '';
  const scratch = mkdtempSync(join(tmpdir(), 'anomalyze-wrangler-'));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // dist/web is built by `npm run build:web`; without it wrangler refuses the [assets]
    // directory, so point it at an empty one (/ then falls back to the upload page).
    const assets = existsSync(resolve(ROOT, 'dist/web')) ? [] : ['--assets', join(scratch, 'empty-web')];
    if (assets.length) mkdirSync(assets[1], { recursive: true });
    child = startChild('npx', [
      'wrangler', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
      '--persist-to', join(scratch, 'state'), '--show-interactive-dev-session=false', ...assets,
    ], {
      CI: 'true',
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true', // also skips the update check
      CLOUDFLARE_CF_FETCH_ENABLED: 'false', // no request.cf download
      WRANGLER_LOG_PATH: join(scratch, 'logs'),
      NO_COLOR: '1',
    });
    await waitForHealth(url, child);
  }, 180_000);

  afterAll(async () => {
    await child?.kill();
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 }); // workerd may still be writing its logs for a moment
  });

  it('chooses the relaxed-SIMD build (workerd validates it; both modules are bundled) and answers exactly as Node does with that build', async () => {
    const answers = await ask(viaUrl(url));
    expect(engineOf(answers)).toBe('relaxed-simd');
    expectSame(answers);
  });

  it('streams over a WebSocket (hono/cloudflare-workers upgradeWebSocket)', async () => {
    await expectSocketStream(url);
  });

  it('serves / (the demo, or the upload page) with the security headers', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('worker bundle', () => {
  it('imports every file of the default model, so the worker verifies the same checksums', () => {
    const source = workerModelSource();
    const imported = [...source.matchAll(/from '\.\.\/models\/default\/([^']+)'/g)].map((m) => m[1]).sort();
    expect(imported).toEqual(readdirSync(resolve(ROOT, 'models/default')).filter((f) => !f.startsWith('.') && f !== 'README.md').sort());
  });
});
