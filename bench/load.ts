// npm run bench -- load [--duration 60] [--connections 50] [--uploads 2] [--timeout-ms 10000]
//                       [--file <csv>] [--synthetic] [--node-flags=<flags>] [--json]
//
// "Run it beside a sensor": the real Node server (`npm start`'s entry, build/cli/server.mjs, in a
// child process so that its memory is measured alone, with ANOMALYZE_TIMEOUT_MS set) under mixed
// load for `duration` seconds, all at once:
//   - single-record JSON requests on `connections` keep-alive connections (autocannon, as in
//     bench/http.ts);
//   - whole-file CSV uploads (KDDTest+.txt, or ~3 MB of generated traffic when it is absent),
//     `uploads` at a time in a loop;
//   - bad requests mixed in, one at a time: malformed CSV, an unsupported Content-Type, invalid
//     JSON, a Content-Length over the body limit; each must get its 4xx as application/problem+json;
//   - a slow client (raw socket) sending a valid JSON body one byte per second, which the server
//     must cut off at its timeout (a 408 problem, or the socket closed).
// The server runs with `npm start`'s node flags (package.json), or --node-flags=… to compare others.
// The server's RSS is read from /proc/<pid>/status every second. Each criterion gets an explicit
// verdict (pass, fail, or not measured with the reason); the overall verdict is "pass" only when
// every criterion passed.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect, createServer } from 'node:net';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataDir, dataFile } from '../src/cli/data-dir.ts';
import { generateTraffic } from '../src/data/synthetic.ts';
import { DEFAULT_BODY_LIMIT } from '../src/server/config.ts';
import { machine as machineOf, machineLine, type Machine } from './machine.ts';
import { SERVER_ENTRY, serverNodeFlags } from './node-flags.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LoadOptions {
  /** Seconds of load (default 60). */
  duration: number;
  /** autocannon connections for the single-record requests (default 50). */
  connections: number;
  /** Uploads in flight at once (default 2). */
  uploads: number;
  /** ANOMALYZE_TIMEOUT_MS for the server; the slow client must outlast it (default 10000). */
  timeoutMs: number;
  /** The CSV to upload; default KDDTest+.txt from ANOMALYZE_DATA_DIR. */
  file?: string;
  /** Upload generated traffic even when KDDTest+.txt is present. */
  synthetic?: boolean;
  /** Size of the generated upload in bytes (default 3 MB). */
  syntheticBytes?: number;
  /** Pause between two bad requests in ms (default 100). */
  badIntervalMs?: number;
  /** The slow client's pause between two bytes in ms (default 1000). */
  slowByteIntervalMs?: number;
  /** RSS must be flat from this second of the run to its end (default 10). */
  rssFlatFromSecond?: number;
  /** Allowed (max − min) / min over that window (default 0.10). */
  rssTolerance?: number;
  /** The server's node flags; default `npm start`'s (package.json). */
  nodeFlags?: string[];
}

export type VerdictStatus = 'pass' | 'fail' | 'not measured';
export interface Verdict { status: VerdictStatus; measured: string; bar: string }

export type StatusClasses = { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };

export type BadKind = 'malformed-csv' | 'csv-wrong-columns' | 'wrong-content-type' | 'invalid-json' | 'oversize-content-length';

export interface SlowClientRun {
  /** ms after the load began. */
  startedAtMs: number;
  bytesSent: number;
  bodyBytes: number;
  /** How the server ended it: a 408 response (then closed), a close without response, a reset, or not at all. */
  how: '408' | 'other-status' | 'closed' | 'reset' | 'not cut off';
  status: number | null;
  problemJson: boolean;
  /** From the request's headers being sent to the response's status line; null without response. */
  responseAfterMs: number | null;
  /** From the request's headers being sent to the socket's end (FIN or reset); null if it stayed open. */
  closedAfterMs: number | null;
  /** 'app' when the app's deadline answered (problem+json), 'node' for Node's requestTimeout (plain 408). */
  by: 'app' | 'node' | null;
  error?: string;
}

export interface LoadResult {
  /** loadAverage1m: the 1-minute load average before and after the run (other work on the same cores skews every figure). */
  machine: Omit<Machine, 'loadAverage1m'> & { loadAverage1m: { before: number; after: number } };
  options: Required<Omit<LoadOptions, 'file' | 'synthetic' | 'nodeFlags'>>;
  server: { entry: string; nodeFlags: string[]; pid: number; timeoutMs: number; bodyLimit: number; requestTimeoutMs: number; aliveAfter: boolean; internalErrorsLogged: number };
  elapsedSeconds: number;
  requests: {
    total: StatusClasses & { all: number };
    single: StatusClasses & { all: number };
    uploads: StatusClasses & { all: number };
    bad: StatusClasses & { all: number };
    slow: StatusClasses & { all: number };
  };
  errors: {
    total: number;
    single: { errors: number; timeouts: number; mismatches: number; serverClosedConnections: number; reconnects: number };
    uploads: { network: number; truncated: number; wrongRows: number; non200: number };
    bad: { network: number };
    messages: string[];
  };
  single: {
    connections: number; durationSeconds: number; requests: number; requestsPerSecond: number;
    latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
    /** Responses slower than 1 s: how many, and the first 20 with the second of the run they completed in. */
    over1s: { count: number; first: { atSecond: number; latencyMs: number }[] };
  };
  uploads: {
    source: { kind: 'file' | 'synthetic'; file: string | null; bytes: number; rows: number; note?: string };
    concurrency: number; completed: number; ok: number; responseBytes: number;
    seconds: { min: number; p50: number; p90: number; max: number; mean: number } | null;
  };
  bad: {
    sent: number;
    byKind: Record<BadKind, { sent: number; expected: number; statuses: Record<string, number>; problemJson: number; ok: number }>;
    failures: string[];
  };
  slowClient: { timeoutMs: number; byteIntervalMs: number; runs: SlowClientRun[] };
  rss: {
    samples: { t: number; kib: number }[];
    peakKiB: number | null;
    /**
     * The flatness window. slopeMiBPerMinute (least squares) tells a leak (a steady climb) from the
     * garbage collector's saw-tooth (a swing without a trend), which the max/min ratio cannot.
     */
    window: { fromSecond: number; samples: number; minKiB: number; maxKiB: number; ratio: number; slopeMiBPerMinute: number } | null;
    note?: string;
  };
  verdicts: {
    no5xx: Verdict; noErrors: Verdict; singleAll2xx: Verdict; badRequests4xx: Verdict; uploadsOk: Verdict;
    slowClientCutOff: Verdict; rssFlat: Verdict; serverAlive: Verdict;
  };
  verdict: 'pass' | 'fail' | 'incomplete';
}

// ------------------------------------------------------------------ helpers

function machineInfo(): LoadResult['machine'] {
  const m = machineOf();
  return { ...m, loadAverage1m: { before: m.loadAverage1m, after: NaN } };
}

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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const zeroClasses = (): StatusClasses => ({ '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
function countClass(c: StatusClasses, status: number): void {
  const k = `${Math.floor(status / 100)}xx` as keyof StatusClasses;
  if (k in c) c[k]++;
}
const withAll = (c: StatusClasses) => ({ ...c, all: c['1xx'] + c['2xx'] + c['3xx'] + c['4xx'] + c['5xx'] });

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function readRssKiB(pid: number, field = 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

interface ChildServer { url: string; port: number; pid: number; proc: ChildProcess; output(): string; stop(): Promise<void> }

async function startServer(env: Record<string, string>, nodeFlags: string[], log: (s: string) => void): Promise<ChildServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The entry and node flags `npm start` runs (without the prestart build: `npm run bench`'s
  // prebench brought build/ up to date).
  const proc = spawn(process.execPath, [...nodeFlags, SERVER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => { output += d; });
  proc.stderr!.on('data', (d) => { output += d; });
  const stop = () => new Promise<void>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return done();
    const hard = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => { clearTimeout(hard); done(); });
    proc.kill('SIGTERM');
  });
  const until = Date.now() + 60_000;
  while (true) {
    if (proc.exitCode !== null) throw new Error(`the server exited before answering:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* starting */ }
    if (Date.now() > until) {
      await stop();
      throw new Error(`the server did not answer /api/health within 60 s:\n${output}`);
    }
    await sleep(200);
  }
  return { url, port, pid: proc.pid!, proc, output: () => output, stop };
}

// ------------------------------------------------------------------ the load parts

interface AutocannonResult {
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  requests: { average: number; total: number };
  errors: number; timeouts: number; mismatches: number; non2xx: number; duration: number;
  '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number;
}

interface AutocannonClient extends NodeJS.EventEmitter { destroyed: boolean; conn: NodeJS.EventEmitter; _connect(): void }

/** Single-record responses slower than this are listed with their time (where in the run the stalls were). */
const SLOW_RESPONSE_MS = 1000;

async function runSingle(url: string, body: string, connections: number, duration: number, since = performance.now()) {
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<AutocannonResult> };
  const counts = { connects: 0, serverClosed: 0, slow: [] as { atSecond: number; latencyMs: number }[], slowCount: 0 };
  const result = await autocannon({
    url: `${url}/api/detect`, method: 'POST', headers: { 'content-type': 'application/json' }, body,
    connections, duration,
    // autocannon reconnects silently when the server ends a connection: count those ends.
    setupClient(client: AutocannonClient) {
      client.on('response', (_status: number, _bytes: number, ms: number) => {
        if (ms < SLOW_RESPONSE_MS) return;
        counts.slowCount++;
        if (counts.slow.length < 20) counts.slow.push({ atSecond: r3((performance.now() - since) / 1000), latencyMs: Math.round(ms) });
      });
      const connectOnce = client._connect;
      client._connect = function (this: AutocannonClient) {
        counts.connects++;
        connectOnce.call(this);
        this.conn.on('end', () => { if (!this.destroyed) counts.serverClosed++; });
      };
    },
  });
  return { result, ...counts };
}

/** A CSV upload; reads the response as a stream, keeping only its head (the summary) and tail. */
async function upload(url: string, body: Uint8Array, timeoutMs: number): Promise<{ status: number; seconds: number; bytes: number; rows: number | null; complete: boolean; problem?: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/detect`, {
    method: 'POST', headers: { 'content-type': 'text/csv' }, body: body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(timeoutMs),
  });
  const reader = res.body!.getReader();
  let head = '';
  let tail = '';
  let bytes = 0;
  const dec = new TextDecoder();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (head.length < 4096) head += dec.decode(value.subarray(0, 4096), { stream: true });
    tail = (tail + Buffer.from(value.subarray(Math.max(0, value.byteLength - 16))).toString('latin1')).slice(-16);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 200) return { status: res.status, seconds, bytes, rows: null, complete: true, problem: head.slice(0, 300) };
  const rows = /^\{"summary":\{[^}]*?"rows":(\d+)/.exec(head);
  return { status: res.status, seconds, bytes, rows: rows ? Number(rows[1]) : null, complete: head.startsWith('{"summary":') && tail.endsWith(']}') };
}

/** Raw HTTP/1.1 over a socket: for requests fetch will not send (a lying Content-Length). */
function rawRequest(port: number, head: string, body: Buffer, waitMs: number): Promise<{ status: number | null; headers: Record<string, string>; body: string; how: 'closed' | 'reset' | 'timeout' | 'complete'; error?: string }> {
  return new Promise((done) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let finished = false;
    const finish = (how: 'closed' | 'reset' | 'timeout' | 'complete', error?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      const text = buf.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, split < 0 ? text.length : split).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      done({ status: m ? Number(m[1]) : null, headers, body: split < 0 ? '' : text.slice(split + 4), how, error });
    };
    const timer = setTimeout(() => finish('timeout'), waitMs);
    sock.on('connect', () => { sock.write(head); sock.write(body); });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      // A complete response with a Content-Length: done (the server may keep the socket).
      const text = buf.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split));
      if (split >= 0 && len && buf.length >= split + 4 + Number(len[1])) finish('complete');
    });
    sock.on('end', () => finish('closed'));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'reset' : 'closed', `${e.code ?? ''} ${e.message}`.trim()));
  });
}

const BAD_KINDS: BadKind[] = ['malformed-csv', 'csv-wrong-columns', 'wrong-content-type', 'invalid-json', 'oversize-content-length'];
/** The status each must get (README, HTTP API: 400 malformed, 413 over the limit, 415 content type, 422 wrong columns). */
const BAD_EXPECTED: Record<BadKind, number> = { 'malformed-csv': 400, 'csv-wrong-columns': 422, 'wrong-content-type': 415, 'invalid-json': 400, 'oversize-content-length': 413 };

async function badRequest(kind: BadKind, url: string, port: number, csvLine: string, bodyLimit: number): Promise<{ status: number | null; contentType: string; problem: { status?: number; detail?: string } | null; error?: string }> {
  if (kind === 'oversize-content-length') {
    const declared = bodyLimit + 1;
    const r = await rawRequest(port,
      `POST /api/detect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/csv\r\nContent-Length: ${declared}\r\n\r\n`,
      Buffer.from(csvLine.repeat(8)), 10_000);
    let problem = null;
    try { problem = JSON.parse(r.body) as { status?: number; detail?: string }; } catch { /* not JSON */ }
    return { status: r.status, contentType: r.headers['content-type'] ?? '', problem, error: r.status === null ? `no response (${r.how}${r.error ? `: ${r.error}` : ''})` : undefined };
  }
  // (text/plain is accepted as CSV, so the unsupported type is XML.)
  const [type, body] =
    kind === 'malformed-csv' ? ['text/csv', csvLine + '0,"tcp,http,SF\n'] // a quote never closed
    : kind === 'csv-wrong-columns' ? ['text/csv', csvLine + '0,tcp,http\n']
    : kind === 'wrong-content-type' ? ['application/xml', '<records/>']
    : ['application/json', '{"records": [[0, "tcp", "http", "SF", 181,]'];
  try {
    const res = await fetch(`${url}/api/detect`, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let problem = null;
    try { problem = JSON.parse(text) as { status?: number; detail?: string }; } catch { /* not JSON */ }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', problem };
  } catch (err) {
    return { status: null, contentType: '', problem: null, error: (err as Error).message + ((err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : '') };
  }
}

/**
 * One slow client: the headers at once, then the (valid) body a byte at a time until the server
 * answers or closes; gives up `giveUpMs` after it started.
 */
function slowClient(port: number, body: string, byteIntervalMs: number, giveUpMs: number, startedAtMs: number): Promise<SlowClientRun> {
  return new Promise((done) => {
    const bytes = Buffer.from(body);
    const sock = connect(port, '127.0.0.1');
    let t0 = 0;
    let sent = 0;
    let response = '';
    let status: number | null = null;
    let responseAt: number | null = null;
    let ended = false;
    let errored: string | undefined;
    let reset = false;
    let ticker: NodeJS.Timeout | undefined;
    let settle: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(ticker);
      clearTimeout(giveUp);
      clearTimeout(settle);
      const closedAfterMs = ended ? performance.now() - t0 : null;
      sock.destroy();
      const head = response.slice(0, response.indexOf('\r\n\r\n') + 1 || response.length);
      const problemJson = /\r\ncontent-type:\s*application\/problem\+json/i.test(head);
      const how: SlowClientRun['how'] = status === 408 ? '408' : status !== null ? 'other-status' : reset ? 'reset' : ended ? 'closed' : 'not cut off';
      done({
        startedAtMs: Math.round(startedAtMs), bytesSent: sent, bodyBytes: bytes.length, how, status, problemJson,
        responseAfterMs: responseAt === null ? null : Math.round(responseAt - t0),
        closedAfterMs: closedAfterMs === null ? null : Math.round(closedAfterMs),
        by: status === 408 ? (problemJson ? 'app' : 'node') : null,
        ...(errored ? { error: errored } : {}),
      });
    };
    const giveUp = setTimeout(finish, giveUpMs);
    sock.on('connect', () => {
      t0 = performance.now();
      sock.write(`POST /api/detect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`);
      const next = () => {
        if (ended || status !== null || sent >= bytes.length || sock.destroyed) return;
        sock.write(bytes.subarray(sent, sent + 1));
        sent++;
      };
      next();
      ticker = setInterval(next, byteIntervalMs);
    });
    sock.on('data', (d) => {
      response += d.toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      if (m && status === null) {
        status = Number(m[1]);
        responseAt = performance.now();
        clearInterval(ticker);
        // A 408 with "connection: close" must be followed by the close: give it 3 s.
        settle = setTimeout(finish, 3000);
      }
    });
    sock.on('end', () => { ended = true; finish(); });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      ended = true;
      reset = e.code === 'ECONNRESET' || e.code === 'EPIPE';
      errored = `${e.code ?? ''} ${e.message}`.trim();
      finish();
    });
  });
}

// ------------------------------------------------------------------ the benchmark

export async function benchLoad(opts: LoadOptions, log: (s: string) => void): Promise<LoadResult> {
  const o: LoadResult['options'] = {
    duration: opts.duration, connections: opts.connections, uploads: opts.uploads, timeoutMs: opts.timeoutMs,
    syntheticBytes: opts.syntheticBytes ?? 3e6, badIntervalMs: opts.badIntervalMs ?? 100,
    slowByteIntervalMs: opts.slowByteIntervalMs ?? 1000, rssFlatFromSecond: opts.rssFlatFromSecond ?? 10, rssTolerance: opts.rssTolerance ?? 0.1,
  };
  if (!(o.duration > 0) || !(o.connections >= 1) || !(o.uploads >= 0) || !(o.timeoutMs > 0)) {
    throw new Error(`invalid options: duration ${o.duration}, connections ${o.connections}, uploads ${o.uploads}, timeout ${o.timeoutMs} ms`);
  }
  const machine = machineInfo();
  log(machineLine({ ...machine, loadAverage1m: machine.loadAverage1m.before }));

  // The upload: KDDTest+ (or --file), else generated traffic of about the same size.
  let source: LoadResult['uploads']['source'];
  let csv: Uint8Array;
  const file = opts.file ? resolve(opts.file) : opts.synthetic ? null : dataFile('KDDTest+.txt');
  if (file) {
    if (!existsSync(file)) throw new Error(`${file} not found`);
    csv = readFileSync(file);
    source = { kind: 'file', file: basename(file), bytes: csv.length, rows: countRows(csv) };
  } else {
    const perRow = generateTraffic({ rows: 2000, seed: 3 }).length / 2000;
    const text = generateTraffic({ rows: Math.ceil(o.syntheticBytes / perRow), seed: 3 });
    csv = Buffer.from(text);
    const note = opts.synthetic
      ? 'generated traffic (--synthetic)'
      : `KDDTest+.txt not found in ${dataDir()} (set ANOMALYZE_DATA_DIR): uploading generated traffic (src/data/synthetic.ts, npm run sample's generator) instead`;
    log(note);
    source = { kind: 'synthetic', file: null, bytes: csv.length, rows: countRows(csv), note };
  }
  // One synthetic record (never an NSL-KDD row), as JSON for the single requests and the slow client.
  const line = generateTraffic({ rows: 1, seed: 1, attackRate: 0, labels: false }).trim();
  const values = line.split(',').map((v, i) => (i >= 1 && i <= 3 ? v : Number(v)));
  const single = JSON.stringify({ records: [values] });
  // The slow body must outlast the timeout: JSON whitespace pads it where needed.
  const slowBytes = Math.max(single.length, Math.ceil((2 * o.timeoutMs) / o.slowByteIntervalMs) + 20);
  const slowBody = single.slice(0, -1) + ' '.repeat(slowBytes - single.length) + '}';

  const bodyLimit = DEFAULT_BODY_LIMIT;
  const nodeFlags = opts.nodeFlags ?? serverNodeFlags();
  const server = await startServer({ ANOMALYZE_TIMEOUT_MS: String(o.timeoutMs), ANOMALYZE_BODY_LIMIT: String(bodyLimit) }, nodeFlags, log);
  log(`server: ${server.url} (pid ${server.pid}, node ${[...nodeFlags, SERVER_ENTRY].join(' ')}, ANOMALYZE_TIMEOUT_MS=${o.timeoutMs})`);
  log(`load: ${o.duration} s — single-record JSON on ${o.connections} connections, ${o.uploads} × upload of ${source.file ?? 'generated CSV'} (${(source.bytes / 1e6).toFixed(1)} MB, ${source.rows} rows) in a loop, bad requests every ${o.badIntervalMs} ms, a slow client at 1 byte / ${o.slowByteIntervalMs} ms`);

  const messages: string[] = [];
  const note = (m: string) => { if (messages.length < 50) messages.push(m); };
  try {
    // Warm-up, not counted: one upload, each bad request, 1 s of single records (the server
    // compiles its modules and the JIT warms up on first use; the cold start is not the steady state).
    const warm = await upload(server.url, csv, o.timeoutMs + 30_000).catch((err: Error) => ({ status: `failed: ${err.message}` }));
    if (warm.status !== 200) note(`warm-up upload: ${warm.status}`);
    for (const kind of BAD_KINDS) await badRequest(kind, server.url, server.port, line + '\n', bodyLimit);
    await runSingle(server.url, single, Math.min(10, o.connections), 1);
    log('warm-up done (1 upload, each bad request, 1 s of single records; not counted)');

    const t0 = performance.now();
    const endAt = t0 + o.duration * 1000;
    const now = () => performance.now() - t0;

    // RSS every second, from the start of the load to its end.
    const rssSamples: { t: number; kib: number }[] = [];
    let rssNote: string | undefined;
    const sample = () => {
      const kib = readRssKiB(server.pid);
      if (kib === null) rssNote ??= `/proc/${server.pid}/status unreadable (not Linux?)`;
      else rssSamples.push({ t: r3(now() / 1000), kib });
    };
    sample();
    const rssTimer = setInterval(sample, 1000);

    // Uploads, `uploads` loops.
    const uploadClasses = zeroClasses();
    const uploadErrors = { network: 0, truncated: 0, wrongRows: 0, non200: 0 };
    const uploadTimes: number[] = [];
    let uploadBytesOut = 0;
    let uploadsOk = 0;
    const uploadLoop = async () => {
      while (performance.now() < endAt) {
        try {
          const r = await upload(server.url, csv, o.timeoutMs + 30_000);
          countClass(uploadClasses, r.status);
          uploadTimes.push(r.seconds);
          uploadBytesOut += r.bytes;
          if (r.status !== 200) { uploadErrors.non200++; note(`upload: ${r.status} ${r.problem ?? ''}`); continue; }
          if (!r.complete) { uploadErrors.truncated++; note('upload: response truncated'); continue; }
          if (r.rows !== source.rows) { uploadErrors.wrongRows++; note(`upload: summary.rows ${r.rows}, expected ${source.rows}`); continue; }
          uploadsOk++;
        } catch (err) {
          uploadErrors.network++;
          note(`upload: ${(err as Error).message}${(err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : ''}`);
        }
      }
    };

    // Bad requests, one at a time, the kinds in turn.
    const badClasses = zeroClasses();
    const byKind = Object.fromEntries(BAD_KINDS.map((k) => [k, { sent: 0, expected: BAD_EXPECTED[k], statuses: {} as Record<string, number>, problemJson: 0, ok: 0 }])) as LoadResult['bad']['byKind'];
    const badFailures: string[] = [];
    let badNetwork = 0;
    const badLoop = async () => {
      for (let i = 0; performance.now() < endAt; i++) {
        const kind = BAD_KINDS[i % BAD_KINDS.length];
        const k = byKind[kind];
        k.sent++;
        const r = await badRequest(kind, server.url, server.port, line + '\n', bodyLimit);
        const key = r.status === null ? 'none' : String(r.status);
        k.statuses[key] = (k.statuses[key] ?? 0) + 1;
        if (r.status === null) { badNetwork++; note(`bad ${kind}: ${r.error}`); } else countClass(badClasses, r.status);
        const pj = r.contentType.startsWith('application/problem+json') && r.problem?.status === r.status;
        if (pj) k.problemJson++;
        if (r.status === k.expected && pj) k.ok++;
        else if (badFailures.length < 20) badFailures.push(`${kind}: status ${r.status ?? 'none'}, content-type "${r.contentType}"${r.error ? `, ${r.error}` : ''}${r.problem?.detail ? `: ${r.problem.detail.slice(0, 160)}` : ''}`);
        await sleep(o.badIntervalMs);
      }
    };

    // Slow clients, one at a time: another starts while there is time for it to be cut off.
    const slowRuns: SlowClientRun[] = [];
    const slowClasses = zeroClasses();
    const slowLoop = async () => {
      do {
        const run = await slowClient(server.port, slowBody, o.slowByteIntervalMs, o.timeoutMs + 15_000, now());
        slowRuns.push(run);
        if (run.status !== null) countClass(slowClasses, run.status);
        log(`slow client: ${describeSlow(run, o.timeoutMs)}`);
      } while (endAt - performance.now() > o.timeoutMs + 2000);
    };

    const singleRun = runSingle(server.url, single, o.connections, o.duration, t0);
    const loops = [...Array.from({ length: o.uploads }, uploadLoop), badLoop()];
    const slowDone = slowLoop();
    const ac = await singleRun;
    await Promise.all(loops);
    const loadEnd = now();
    clearInterval(rssTimer);
    await slowDone;
    const peak = readRssKiB(server.pid, 'VmHWM');
    machine.loadAverage1m.after = r3(loadavg()[0]);

    // The server must still answer, and must not have logged internal errors.
    let aliveAfter = false;
    try { aliveAfter = (await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(10_000) })).ok; } catch { /* dead */ }
    const internalErrorsLogged = (server.output().match(/internal error|error in an ndjson stream/g) ?? []).length;
    if (server.proc.exitCode !== null) note(`the server exited with code ${server.proc.exitCode}:\n${server.output().slice(-2000)}`);

    const a = ac.result;
    const singleClasses: StatusClasses = { '1xx': a['1xx'], '2xx': a['2xx'], '3xx': a['3xx'], '4xx': a['4xx'], '5xx': a['5xx'] };
    const total = zeroClasses();
    for (const c of [singleClasses, uploadClasses, badClasses, slowClasses]) for (const k of Object.keys(total) as (keyof StatusClasses)[]) total[k] += c[k];
    const singleErrors = { errors: a.errors, timeouts: a.timeouts, mismatches: a.mismatches, serverClosedConnections: ac.serverClosed, reconnects: Math.max(0, ac.connects - o.connections) };
    const errorsTotal = a.errors + a.mismatches + ac.serverClosed + uploadErrors.network + uploadErrors.truncated + badNetwork;
    if (a.errors) note(`single: autocannon counted ${a.errors} errors (${a.timeouts} timeouts)`);

    // RSS flatness from the 10th second to the end of the load.
    const from = o.rssFlatFromSecond;
    const inWindow = rssSamples.filter((s) => s.t >= from && s.t <= loadEnd / 1000 + 0.5);
    const window = inWindow.length >= 2
      ? (() => {
        const minKiB = Math.min(...inWindow.map((s) => s.kib));
        const maxKiB = Math.max(...inWindow.map((s) => s.kib));
        const n = inWindow.length;
        const mt = inWindow.reduce((acc, x) => acc + x.t, 0) / n;
        const mk = inWindow.reduce((acc, x) => acc + x.kib, 0) / n;
        const slope = inWindow.reduce((acc, x) => acc + (x.t - mt) * (x.kib - mk), 0) / inWindow.reduce((acc, x) => acc + (x.t - mt) ** 2, 0);
        return { fromSecond: from, samples: n, minKiB, maxKiB, ratio: r3(maxKiB / minKiB), slopeMiBPerMinute: r3((slope * 60) / 1024) };
      })()
      : null;

    uploadTimes.sort((x, y) => x - y);
    const result: LoadResult = {
      machine,
      options: o,
      server: { entry: `${SERVER_ENTRY} (npm start)`, nodeFlags, pid: server.pid, timeoutMs: o.timeoutMs, bodyLimit, requestTimeoutMs: o.timeoutMs + 10_000, aliveAfter, internalErrorsLogged },
      elapsedSeconds: r3(loadEnd / 1000),
      requests: {
        total: withAll(total), single: withAll(singleClasses), uploads: withAll(uploadClasses), bad: withAll(badClasses), slow: withAll(slowClasses),
      },
      errors: { total: errorsTotal, single: singleErrors, uploads: uploadErrors, bad: { network: badNetwork }, messages },
      single: {
        connections: o.connections, durationSeconds: a.duration, requests: a.requests.total, requestsPerSecond: Math.round(a.requests.average),
        latencyMs: { p50: a.latency.p50, p90: a.latency.p90, p99: a.latency.p99, max: a.latency.max, mean: a.latency.mean },
        over1s: { count: ac.slowCount, first: ac.slow },
      },
      uploads: {
        source, concurrency: o.uploads, completed: uploadTimes.length, ok: uploadsOk, responseBytes: uploadBytesOut,
        seconds: uploadTimes.length
          ? { min: r3(uploadTimes[0]), p50: r3(pct(uploadTimes, 50)), p90: r3(pct(uploadTimes, 90)), max: r3(uploadTimes[uploadTimes.length - 1]), mean: r3(uploadTimes.reduce((s, t) => s + t, 0) / uploadTimes.length) }
          : null,
      },
      bad: { sent: BAD_KINDS.reduce((s, k) => s + byKind[k].sent, 0), byKind, failures: badFailures },
      slowClient: { timeoutMs: o.timeoutMs, byteIntervalMs: o.slowByteIntervalMs, runs: slowRuns },
      rss: {
        samples: rssSamples, peakKiB: peak, window,
        ...(rssNote ? { note: rssNote } : window ? {} : { note: `fewer than 2 samples from second ${from} on (a ${o.duration} s run)` }),
      },
      verdicts: {} as LoadResult['verdicts'],
    } as LoadResult;
    result.verdicts = judge(result);
    const statuses = Object.values(result.verdicts).map((v) => v.status);
    result.verdict = statuses.includes('fail') ? 'fail' : statuses.includes('not measured') ? 'incomplete' : 'pass';
    const failed = Object.entries(result.verdicts).filter(([, v]) => v.status !== 'pass').map(([k, v]) => `${k} ${v.status} (${v.measured})`);
    log(`verdict: ${result.verdict.toUpperCase()}${failed.length ? ` — ${failed.join('; ')}` : ''}`);
    return result;
  } finally {
    await server.stop();
  }
}

function countRows(csv: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < csv.length; i++) if (csv[i] === 10) n++;
  if (csv.length && csv[csv.length - 1] !== 10) n++;
  return n;
}

function describeSlow(r: SlowClientRun, timeoutMs: number): string {
  const after = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  if (r.how === 'not cut off') return `NOT cut off after ${r.bytesSent} of ${r.bodyBytes} bytes (timeout ${timeoutMs / 1000} s)${r.error ? `: ${r.error}` : ''}`;
  const what = r.status !== null ? `${r.status}${r.problemJson ? ' problem+json' : ''} (${r.by === 'app' ? "the app's deadline" : r.by === 'node' ? "Node's requestTimeout" : 'unexpected status'}) after ${after(r.responseAfterMs)}` : `${r.how} without a response`;
  return `${what}, socket ${r.closedAfterMs === null ? 'left open' : `closed after ${after(r.closedAfterMs)}`}; ${r.bytesSent} of ${r.bodyBytes} body bytes sent`;
}

/** How late the cut-off may come on a loaded machine. */
const CUTOFF_SLACK_MS = 2000;

function judge(r: LoadResult): LoadResult['verdicts'] {
  const v = (ok: boolean, measured: string, bar: string): Verdict => ({ status: ok ? 'pass' : 'fail', measured, bar });
  const t = r.requests.total;
  const e = r.errors;
  const s = r.single;

  const kinds = Object.entries(r.bad.byKind);
  const badOk = r.bad.sent > 0 && kinds.every(([, k]) => k.ok === k.sent);
  const badMeasured = kinds.map(([name, k]) => `${name} ${k.ok}/${k.sent}`).join(', ');

  const u = r.uploads;
  const uploadsVerdict: Verdict = u.concurrency === 0
    ? { status: 'not measured', measured: 'no uploads (--uploads 0)', bar: 'every upload 200 with all rows' }
    : v(u.completed > 0 && u.ok === u.completed, `${u.ok}/${u.completed} uploads 200 with all ${u.source.rows} rows`, 'every upload 200 with all rows, at least one');

  const runs = r.slowClient.runs;
  const T = r.slowClient.timeoutMs;
  const cutAt = (x: SlowClientRun) => x.responseAfterMs ?? x.closedAfterMs;
  const inTime = (x: SlowClientRun) => x.how !== 'not cut off' && x.how !== 'other-status' && cutAt(x) !== null && cutAt(x)! >= T - 250 && cutAt(x)! <= T + CUTOFF_SLACK_MS && x.closedAfterMs !== null;
  const slowVerdict = v(runs.length > 0 && runs.every(inTime) && runs.every((x) => x.bytesSent < x.bodyBytes),
    runs.length ? runs.map((x) => `${x.how === '408' ? `408${x.problemJson ? ' problem+json' : ''}` : x.how} at ${cutAt(x) === null ? '—' : `${(cutAt(x)! / 1000).toFixed(2)} s`}${x.closedAfterMs === null ? ' (socket left open)' : `, closed at ${(x.closedAfterMs / 1000).toFixed(2)} s`}`).join('; ') : 'no slow client ran',
    `cut off (408 or closed) between ${(T - 250) / 1000} and ${(T + CUTOFF_SLACK_MS) / 1000} s, then closed`);

  const w = r.rss.window;
  const rssVerdict: Verdict = w
    ? v(w.ratio <= 1 + r.options.rssTolerance, `min ${(w.minKiB / 1024).toFixed(1)} MiB, max ${(w.maxKiB / 1024).toFixed(1)} MiB, ratio ${w.ratio.toFixed(3)} over ${w.samples} samples; trend ${w.slopeMiBPerMinute >= 0 ? '+' : ''}${w.slopeMiBPerMinute.toFixed(1)} MiB/min`, `max/min ≤ ${(1 + r.options.rssTolerance).toFixed(2)} from second ${w.fromSecond} to the end`)
    : { status: 'not measured', measured: r.rss.note ?? 'no samples', bar: `max/min ≤ ${(1 + r.options.rssTolerance).toFixed(2)} from second ${r.options.rssFlatFromSecond} to the end` };

  return {
    no5xx: v(t['5xx'] === 0, `${t['5xx']} × 5xx of ${t.all} responses`, 'zero 5xx'),
    noErrors: v(e.total === 0,
      `${e.total}: autocannon errors ${e.single.errors} (timeouts ${e.single.timeouts}), mismatches ${e.single.mismatches}, connections closed by the server ${e.single.serverClosedConnections}; uploads: network ${e.uploads.network}, truncated ${e.uploads.truncated}; bad requests without a response ${e.bad.network}`,
      'zero errors, timeouts, resets, dropped connections'),
    singleAll2xx: v(s.requests > 0 && r.requests.single['2xx'] === r.requests.single.all, `${r.requests.single['2xx']}/${r.requests.single.all} single-record responses 2xx`, 'every single-record request 200'),
    badRequests4xx: v(badOk, badMeasured + (r.bad.failures.length ? ` — ${r.bad.failures[0]}` : ''), `each its 4xx (${kinds.map(([, k]) => k.expected).join('/')}) as problem+json`),
    uploadsOk: uploadsVerdict,
    slowClientCutOff: slowVerdict,
    rssFlat: rssVerdict,
    serverAlive: v(r.server.aliveAfter && r.server.internalErrorsLogged === 0, `health ${r.server.aliveAfter ? 'ok' : 'FAILED'} after the load, ${r.server.internalErrorsLogged} internal errors logged`, 'still answering, no internal errors'),
  };
}

// ------------------------------------------------------------------ command line and output

export function parseLoadArgs(args: string[]): LoadOptions & { json: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' },
      uploads: { type: 'string', default: '2' }, 'timeout-ms': { type: 'string', default: '10000' },
      file: { type: 'string' }, synthetic: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      'node-flags': { type: 'string' },
    },
  });
  const num = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"`);
    return n;
  };
  return {
    duration: num('duration', values.duration, 1), connections: num('connections', values.connections, 1),
    uploads: num('uploads', values.uploads, 0), timeoutMs: num('timeout-ms', values['timeout-ms'], 100),
    file: values.file, synthetic: values.synthetic, json: values.json,
    ...(values['node-flags'] !== undefined ? { nodeFlags: splitFlags(values['node-flags']) } : {}),
  };
}

/** "--a --b=1" → ["--a", "--b=1"]; "" → []. */
export function splitFlags(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

export function printLoad(r: LoadResult): void {
  const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
  console.log(`${machineLine({ ...r.machine, loadAverage1m: r.machine.loadAverage1m.before })} before, ${r.machine.loadAverage1m.after} after`);
  console.log(`Load beside a sensor: server ${r.server.entry}, node flags ${r.server.nodeFlags.join(' ') || '(none)'}, pid ${r.server.pid}, ANOMALYZE_TIMEOUT_MS=${r.server.timeoutMs}`);
  console.log(`${r.elapsedSeconds.toFixed(1)} s of load; upload: ${r.uploads.source.file ?? 'generated traffic'} (${(r.uploads.source.bytes / 1e6).toFixed(1)} MB, ${r.uploads.source.rows} rows)${r.uploads.source.note ? ` — ${r.uploads.source.note}` : ''}`);
  const cls = (c: LoadResult['requests']['total']) => ({ all: c.all, '2xx': c['2xx'], '4xx': c['4xx'], '5xx': c['5xx'], other: c['1xx'] + c['3xx'] });
  const q = r.requests;
  const up = r.uploads.seconds;
  console.table({
    [`single-record JSON (${r.single.connections} conn.)`]: {
      ...cls(q.single),
      detail: `${r.single.requestsPerSecond.toLocaleString('en')} req/s · latency p50 ${r.single.latencyMs.p50} · p90 ${r.single.latencyMs.p90} · p99 ${r.single.latencyMs.p99} · max ${r.single.latencyMs.max} ms · ${r.single.over1s.count} over 1 s${r.single.over1s.count ? ` (first at ${r.single.over1s.first[0].atSecond} s)` : ''}`,
    },
    [`uploads (${r.uploads.concurrency} at a time)`]: {
      ...cls(q.uploads),
      detail: up ? `${r.uploads.ok} ok · s: min ${up.min} · p50 ${up.p50} · p90 ${up.p90} · max ${up.max}` : 'none completed',
    },
    'bad requests': { ...cls(q.bad), detail: Object.entries(r.bad.byKind).map(([k, x]) => `${k} ${Object.entries(x.statuses).map(([s, n]) => `${s}×${n}`).join('/')}`).join(' · ') },
    'slow client': { ...cls(q.slow), detail: `${r.slowClient.runs.length} run(s)` },
    total: { ...cls(q.total), detail: `errors ${r.errors.total}` },
  });
  console.table(Object.fromEntries(Object.entries(r.verdicts).map(([k, x]) => [k, { verdict: x.status === 'pass' ? 'pass' : x.status.toUpperCase(), measured: x.measured, bar: x.bar }])));
  const s = r.rss.samples;
  if (s.length) {
    console.log(`server RSS each second (MiB): ${s.map((x) => (x.kib / 1024).toFixed(0)).join(' ')}${r.rss.peakKiB ? `; peak (VmHWM) ${mib(r.rss.peakKiB)}` : ''}`);
  } else console.log(`server RSS: not measured (${r.rss.note})`);
  for (const m of r.errors.messages.slice(0, 10)) console.log(`  ! ${m}`);
  console.log(`verdict: ${r.verdict.toUpperCase()}`);
}
