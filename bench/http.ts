// npm run bench -- http [--file <csv>] [--runs 10] [--connections 50] [--duration 10] [--json]
//
// Starts the Node server (`npm start`'s bundled entry and node flags) as a child process on loopback, then
//   1. POSTs a whole CSV file (default KDDTest+.txt, 3.4 MB) `runs` times and reports the
//      time until the full JSON report has arrived;
//   2. runs autocannon with single-record JSON requests (`connections` connections for
//      `duration` seconds) and reports requests/s, latency and errors.
// The same throughput run from a shell, against `npm start`:
//   npx autocannon -c 50 -d 10 -m POST -H 'content-type: application/json' \
//     -b '{"records":[[0,"tcp","smtp","SF",1684,497,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,5,2,0,0,0,0,1,0.06,0,64,123,0.84,0.02,0,0.01,0,0,0,0]]}' \
//     http://127.0.0.1:3000/api/detect

import { SERVER_ENTRY, serverNodeFlags } from './node-flags.ts';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataFile } from '../src/cli/data-dir.ts';
import { generateTraffic } from '../src/data/synthetic.ts';
import { Detector } from '../src/detect/detector.ts';
import { runDetection } from '../src/detect/run.ts';
import { loadEngine } from '../src/engine/node.ts';
import { loadModelDir } from '../src/model/node.ts';
import { machine, machineLine, type Machine } from './machine.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bars from the issue. */
export const BARS = { uploadSeconds: 0.3, uploadSecondsStretch: 0.24, requestsPerSecond: 5000 };

export interface HttpBenchResult {
  machine: Machine;
  node: string;
  upload: {
    file: string; bytes: number; rows: number; runs: number;
    seconds: { min: number; median: number; mean: number; max: number };
    /** runDetection on the same bytes in this process, no HTTP: the floor for the upload. */
    inProcessSeconds: { min: number; median: number };
  };
  throughput: {
    connections: number;
    durationSeconds: number;
    requests: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p97_5: number; p99: number; max: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  bars: { uploadUnder300ms: boolean; uploadUnder240ms: boolean; atLeast5000rps: boolean; zeroErrors: boolean };
}

interface Options { file?: string; runs: number; connections: number; duration: number }

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function startChildServer(log: (s: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // What npm start runs: the bundled server with its node flags (npm run bench's prebench built it).
  const child = spawn(process.execPath, [...serverNodeFlags(), SERVER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const until = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* starting */ }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`server: ${url} (pid ${child.pid})`);
  return {
    url,
    stop: () => new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}

async function timeUpload(url: string, body: Uint8Array): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/detect`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: body as Uint8Array<ArrayBuffer> });
  const text = await res.text();
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${text.slice(0, 300)}`);
  return { seconds, rows: (JSON.parse(text) as { summary: { rows: number } }).summary.rows };
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

export async function benchHttp(opts: Options, log: (s: string) => void): Promise<HttpBenchResult> {
  const recorded = machine(); // before the load we create
  log(machineLine(recorded));
  const file = opts.file ?? dataFile('KDDTest+.txt');
  if (!file) throw new Error('KDDTest+.txt not found: set ANOMALYZE_DATA_DIR or pass --file <csv>');
  const csv = readFileSync(resolve(file));
  // One unlabelled synthetic record (never an NSL-KDD row); the same as in the comment above.
  const values = generateTraffic({ rows: 1, seed: 1, attackRate: 0 }).trim().split(',').slice(0, 41)
    .map((v, i) => (i >= 1 && i <= 3 ? v : Number(v)));
  const single = JSON.stringify({ records: [values] });

  const server = await startChildServer(log);
  try {
    log(`upload: ${basename(file)} (${(csv.length / 1e6).toFixed(1)} MB), 2 warm-up + ${opts.runs} timed runs`);
    for (let i = 0; i < 2; i++) await timeUpload(server.url, csv);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < opts.runs; i++) {
      const r = await timeUpload(server.url, csv);
      times.push(r.seconds);
      rows = r.rows;
    }
    times.sort((a, b) => a - b);

    log('reference: runDetection in-process on the same bytes (what the CLI does, without HTTP)');
    const detector = new Detector(await loadModelDir(await loadEngine()));
    const floor: number[] = [];
    for (let i = 0; i < opts.runs + 2; i++) {
      const t0 = performance.now();
      await runDetection(detector, csv);
      if (i >= 2) floor.push((performance.now() - t0) / 1000);
    }
    floor.sort((a, b) => a - b);

    log(`throughput: single-record JSON, ${opts.connections} connections, ${opts.duration} s (autocannon)`);
    const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<AutocannonResult> };
    // Warm-up, then the measured run.
    await autocannon({ url: `${server.url}/api/detect`, method: 'POST', headers: { 'content-type': 'application/json' }, body: single, connections: opts.connections, duration: 2 });
    const ac = await autocannon({
      url: `${server.url}/api/detect`, method: 'POST', headers: { 'content-type': 'application/json' }, body: single,
      connections: opts.connections, duration: opts.duration,
    });
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const result: HttpBenchResult = {
      machine: recorded,
      node: process.version,
      upload: {
        file: basename(file), bytes: csv.length, rows, runs: opts.runs,
        seconds: { min: r3(times[0]), median: r3(median(times)), mean: r3(times.reduce((s, t) => s + t, 0) / times.length), max: r3(times[times.length - 1]) },
        inProcessSeconds: { min: r3(floor[0]), median: r3(median(floor)) },
      },
      throughput: {
        connections: opts.connections,
        durationSeconds: ac.duration,
        requests: ac.requests.total,
        requestsPerSecond: Math.round(ac.requests.average),
        latencyMs: { p50: ac.latency.p50, p97_5: ac.latency.p97_5, p99: ac.latency.p99, max: ac.latency.max },
        errors: ac.errors,
        timeouts: ac.timeouts,
        non2xx: ac.non2xx,
      },
      bars: { uploadUnder300ms: false, uploadUnder240ms: false, atLeast5000rps: false, zeroErrors: false },
    };
    result.bars = {
      uploadUnder300ms: result.upload.seconds.median < BARS.uploadSeconds,
      uploadUnder240ms: result.upload.seconds.median < BARS.uploadSecondsStretch,
      atLeast5000rps: result.throughput.requestsPerSecond >= BARS.requestsPerSecond,
      zeroErrors: ac.errors + ac.timeouts + ac.non2xx === 0,
    };
    return result;
  } finally {
    await server.stop();
  }
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

export function parseHttpArgs(args: string[]): Options & { json: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: 'string' }, runs: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' }, duration: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  return { file: values.file, runs: +values.runs, connections: +values.connections, duration: +values.duration, json: values.json };
}

export function printHttp(r: HttpBenchResult): void {
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  console.log(machineLine(r.machine));
  console.log(`HTTP API on Node ${r.node}, loopback`);
  console.table({
    [`POST ${r.upload.file} (${(r.upload.bytes / 1e6).toFixed(1)} MB, ${r.upload.rows} rows)`]: {
      result: `median ${r.upload.seconds.median.toFixed(3)} s`,
      detail: `min ${r.upload.seconds.min.toFixed(3)} · max ${r.upload.seconds.max.toFixed(3)} s over ${r.upload.runs} runs · runDetection alone (no HTTP): median ${r.upload.inProcessSeconds.median.toFixed(3)} s`,
      bar: `< 0.30 s (stretch 0.24): ${ok(r.bars.uploadUnder300ms)}${r.bars.uploadUnder240ms ? ' (stretch met)' : ''}`,
    },
    [`single-record JSON, ${r.throughput.connections} connections`]: {
      result: `${r.throughput.requestsPerSecond.toLocaleString('en')} req/s`,
      detail: `${r.throughput.requests.toLocaleString('en')} requests in ${r.throughput.durationSeconds.toFixed(1)} s · latency p50 ${r.throughput.latencyMs.p50} ms, p99 ${r.throughput.latencyMs.p99} ms · errors ${r.throughput.errors}, timeouts ${r.throughput.timeouts}, non-2xx ${r.throughput.non2xx}`,
      bar: `>= 5,000 req/s: ${ok(r.bars.atLeast5000rps)} · zero errors: ${ok(r.bars.zeroErrors)}`,
    },
  });
}
