// A real Node server on loopback (startServer, as `npm start` and the demo's
// Playwright suite use it): the KDDTest+ upload must match the CLI's numbers.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile } from '../../src/cli/data-dir.ts';
import type { DetectionReport } from '../../src/detect/report.ts';
import { startServer, type RunningServer } from '../../src/server/node-server.ts';
import { ROOT, syntheticCsv, untimed, VERSION } from './helpers.ts';

const run = promisify(execFile);
const KDD_TEST = dataFile('KDDTest+.txt');
if (!KDD_TEST) console.warn('[test/server] skipping the KDDTest+ comparison: KDDTest+.txt not found (set ANOMALYZE_DATA_DIR)');

let server: RunningServer;
const webRoot = mkdtempSync(join(tmpdir(), 'anomalyze-web-'));

beforeAll(async () => {
  server = await startServer({ port: 0, webRoot, options: { bodyLimit: 4 * 1024 * 1024 }, log: () => {} });
});

afterAll(async () => {
  await server?.close();
  rmSync(webRoot, { recursive: true, force: true });
});

/** The CLI's JSON for a file, from a child process exactly as a user runs it. */
async function cliReport(file: string, all = false): Promise<DetectionReport> {
  const args = ['--import', 'tsx', 'src/cli/detect.ts', file, '--format', 'json', ...(all ? ['--all'] : [])];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as DetectionReport;
}

describe('Node server (startServer)', () => {
  it('listens on loopback and reports health', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/health`);
    expect((await res.json()) as unknown).toMatchObject({ status: 'ok', version: VERSION });
  });

  describe.skipIf(!KDD_TEST)('KDDTest+ upload', () => {
    let cli: DetectionReport;
    beforeAll(async () => {
      cli = await cliReport(KDD_TEST!);
    });

    it('as text/csv: every summary field and metric equals the CLI output', async () => {
      const res = await fetch(`${server.url}/api/detect`, {
        method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(KDD_TEST!),
      });
      expect(res.status).toBe(200);
      const api = (await res.json()) as DetectionReport;
      expect(api.summary.rows).toBe(22544);
      expect(untimed(api).summary).toEqual(untimed(cli).summary);
      expect(api.metrics).toEqual(cli.metrics);
      expect(api.records).toEqual(cli.records);
    });

    it('as a multipart form upload: the same', async () => {
      const form = new FormData();
      form.set('file', new Blob([readFileSync(KDD_TEST!)], { type: 'text/plain' }), 'KDDTest+.txt');
      const res = await fetch(`${server.url}/api/detect`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect(untimed((await res.json()) as DetectionReport)).toEqual(untimed(cli));
    });
  });

  it('synthetic CSV with --all: API and CLI agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalyze-csv-'));
    try {
      const file = join(dir, 'synthetic.csv');
      writeFileSync(file, syntheticCsv(300, 21));
      const res = await fetch(`${server.url}/api/detect?all=1`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(file) });
      expect(untimed((await res.json()) as DetectionReport)).toEqual(untimed(await cliReport(file, true)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('413 on a chunked upload over the limit arrives on the wire, and the server keeps serving', async () => {
    const line = syntheticCsv(1, 2);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(`${server.url}/api/detect`, { method: 'POST', headers: { 'content-type': 'text/csv', 'transfer-encoding': 'chunked' } }, (res) => {
        answered = true;
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      // The server may close the socket while we still write: only an error before the answer counts.
      req.on('error', (err) => { if (!answered) reject(err); });
      const chunk = line.repeat(1000); // ~150 kB
      let sent = 0;
      const write = () => {
        while (sent < 20 * 1024 * 1024 && !answered) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ status: 413, title: 'Content Too Large' });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('serves the demo from webRoot when built, with the upload page as fallback', async () => {
    const fallback = await fetch(`${server.url}/`);
    expect(await fallback.text()).toContain('enctype="multipart/form-data"');
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1)');
    try {
      const page = await fetch(`${server.url}/`);
      expect(await page.text()).toContain('<title>demo</title>');
      const js = await fetch(`${server.url}/app.js`);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(js.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await fetch(`${server.url}/../package.json`)).status).toBe(404);
      expect((await fetch(`${server.url}/nope.js`)).status).toBe(404);
    } finally {
      rmSync(join(webRoot, 'index.html'));
      rmSync(join(webRoot, 'app.js'));
    }
  });
});
