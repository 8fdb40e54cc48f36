// The same app under Deno (src/server/deno.ts) and workerd (wrangler dev with
// src/server/worker.ts), each a child process on loopback: the same small CSV must give
// the same JSON as under Node.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionReport } from '../../src/detect/report.ts';
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

let node: Answers;

beforeAll(async () => {
  const app = await makeApp();
  node = await ask(async (path, init) => app.request(path, init));
  expect(node.report.summary.rows).toBe(250);
  expect(node.problem.status).toBe(400);
});

function expectSame(other: Answers): void {
  expect(other.health).toEqual(node.health);
  expect(other.model).toEqual(node.model);
  expect(other.report).toEqual(node.report);
  expect(other.all).toEqual(node.all);
  expect(other.multipart).toEqual(node.multipart);
  expect(other.json).toEqual(node.json);
  expect(other.ndjson).toEqual(node.ndjson);
  expect(other.problem).toEqual(node.problem);
  expect(other.notFound).toBe(404);
}

const viaUrl = (base: string) => (path: string, init?: RequestInit) => fetch(base + path, init);

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

  it('answers exactly as Node does', async () => {
    expectSame(await ask(viaUrl(url)));
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
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers exactly as Node does', async () => {
    expectSame(await ask(viaUrl(url)));
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
