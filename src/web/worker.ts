// The detection worker: loads the compute core (the relaxed-SIMD build where this browser
// validates it, else build/anomalyze.wasm — only the chosen one is fetched) and every model listed in
// models/index.json next to this script, runs detection (here, with the first model whose
// input schema fits the file, or through the HTTP API for comparison) and keeps the
// per-row results, answering the page's paging, detail and export requests.

import { generateTraffic } from '../data/synthetic.ts';
import { DetectorChoice } from '../detect/choice.ts';
import { Detector } from '../detect/detector.ts';
import type { DetectionReport } from '../detect/report.ts';
import { chooseCore, Engine } from '../engine/index.ts';
import { decodeModel } from '../model/format.ts';
import type { AnomalyModel } from '../model/model.ts';
import { sha256Hex } from '../model/sha256.ts';
import type { EngineInfo, ExportFile, ModelIndex, ModelInfo, Progress, RequestMessage, RunRequest, WorkerMessage } from './protocol.ts';
import { uploadType } from './upload-type.ts';
import { countedStream } from './blob-input.ts';
import { AnalysisResult, analyzeLocal, analyzeServerReport, CancelledError } from './session.ts';
import type { CsvInput } from '../data/reader.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const base = new URL('.', scope.location.href);

let detector: DetectorChoice | null = null;
let result: AnalysisResult | null = null;
const cancelled = new Set<number>();
let activeXhr: XMLHttpRequest | null = null;

function post(msg: WorkerMessage, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

async function fetchBytes(url: URL, what: string): Promise<Uint8Array | undefined> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new Error(`Could not fetch ${what} (${url.pathname}). Serve the page over HTTP rather than opening it from disk.`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`Could not fetch ${what} (${url.pathname}): HTTP ${res.status}.`);
  return new Uint8Array(await res.arrayBuffer());
}

async function init(): Promise<void> {
  const plainUrl = new URL('anomalyze.wasm', base);
  let { source: wasmUrl, variant } = chooseCore({ simd: plainUrl, relaxed: new URL('anomalyze-relaxed.wasm', base) });
  let bytes = await fetchBytes(wasmUrl, 'the detection engine');
  if (!bytes && variant === 'relaxed-simd') {
    // A deployment built before the relaxed build was shipped: the plain one still runs everywhere.
    [wasmUrl, variant] = [plainUrl, 'simd'];
    bytes = await fetchBytes(wasmUrl, 'the detection engine');
  }
  if (!bytes) throw new Error(`The detection engine ${wasmUrl.pathname} is missing from this deployment (run npm run build:web).`);
  const wasmSha256 = await sha256Hex(bytes);
  const engine = await Engine.load(bytes, variant);
  const names = await modelNames();
  const models: AnomalyModel[] = [];
  const places: string[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const place = `models/${name}`;
    const dir = new URL(`models/${encodeURIComponent(name)}/`, base);
    try {
      models.push(await decodeModel(engine, (file) => fetchBytes(new URL(file, dir), `model file ${place}/${file}`), place));
      places.push(place);
    } catch (err) {
      // One broken model should not take the others down (the CLI skips it too); the first is required.
      if (name === names[0]) throw err;
      skipped.push(err instanceof Error ? err.message : String(err));
    }
  }
  detector = new DetectorChoice(models.map((m) => new Detector(m)), places);
  const engineInfo: EngineInfo = { wasmSha256, wasmBytes: bytes.length, wasmUrl: wasmUrl.pathname, variant };
  post({ type: 'ready', engine: engineInfo, models: models.map((m, i) => modelInfo(m, places[i])), skipped });
}

/** The model directories the build shipped, default first; a deployment without an index has models/default only. */
async function modelNames(): Promise<string[]> {
  const bytes = await fetchBytes(new URL('models/index.json', base), 'the model index');
  if (!bytes) return ['default'];
  let index: ModelIndex;
  try {
    index = JSON.parse(new TextDecoder().decode(bytes)) as ModelIndex;
  } catch {
    throw new Error('models/index.json is not valid JSON: rebuild the page with `npm run build:web`.');
  }
  const names = Array.isArray(index?.models) ? index.models.filter((n): n is string => typeof n === 'string' && n !== '') : [];
  if (names.length === 0) throw new Error('models/index.json lists no models: rebuild the page with `npm run build:web` after training one.');
  return names;
}

function modelInfo(model: AnomalyModel, place: string): ModelInfo {
  const d = model.describe();
  return {
    id: d.id,
    name: d.name,
    place,
    schema: model.preprocessor.schema.name,
    threshold: d.threshold,
    severityCuts: d.severityCuts,
    members: d.members.length,
    features: d.inputFeatures.length,
    trainedOn: d.training ? `${d.training.source} (${d.training.rows} rows)` : null,
  };
}

async function run(id: number, req: RunRequest): Promise<ReturnType<AnalysisResult['view']>> {
  await ready;
  if (!detector) throw new Error('The detection engine failed to load.');
  result = null; // free the previous result's rows before reading the next input
  let lastPost = 0;
  const progress = (p: Progress, force = false): void => {
    const now = performance.now();
    if (!force && now - lastPost < 60) return;
    lastPost = now;
    post({ type: 'progress', id, progress: p });
  };
  const isCancelled = (): boolean => cancelled.has(id);

  let source: string;
  let size: number;
  let makeInput: (onBytes: (n: number) => void) => CsvInput;
  let body: Blob | string;
  let sampleRows = 0;
  if (req.input.kind === 'file') {
    const file = req.input.file;
    source = file.name || 'upload';
    size = file.size;
    makeInput = (onBytes) => countedStream(file, onBytes);
    body = file;
  } else {
    sampleRows = req.input.rows;
    const text = generateTraffic({ rows: sampleRows, seed: req.input.seed });
    source = `sample-${sampleRows}-rows-seed-${req.input.seed}.csv`;
    size = text.length;
    makeInput = () => text;
    body = text;
  }

  if (req.mode === 'browser') {
    let bytes = 0;
    const input = makeInput((n) => { bytes += n; });
    result = await analyzeLocal(detector, input, {
      source,
      bytes: size,
      isCancelled,
      onProgress: (rows) => progress({
        phase: 'reading',
        rows,
        fraction: sampleRows ? rows / sampleRows : size ? Math.min(1, bytes / size) : null,
      }),
    });
  } else {
    const started = performance.now();
    const url = new URL('api/detect?all=1', req.apiBase);
    progress({ phase: 'uploading', rows: 0, fraction: 0 }, true);
    const type = req.input.kind === 'file' ? uploadType(req.input.file) : 'text/csv';
    const report = await postInput(url, body, type, (phase, fraction) => progress({ phase, rows: 0, fraction }, phase !== 'downloading'));
    const wallSeconds = (performance.now() - started) / 1000;
    if (isCancelled()) throw new CancelledError();
    progress({ phase: 'details', rows: 0, fraction: 0 }, true);
    let bytes = 0;
    result = await analyzeServerReport(report, makeInput((n) => { bytes += n; }), {
      source,
      bytes: size,
      wallSeconds,
      isCancelled,
      onProgress: (rows) => progress({ phase: 'details', rows, fraction: sampleRows ? rows / sampleRows : size ? Math.min(1, bytes / size) : null }),
    });
  }
  progress({ phase: 'finishing', rows: result.report.summary.rows, fraction: 1 }, true);
  return result.view();
}

/** POST the input to the API with XHR (it reports upload progress, fetch does not). */
function postInput(
  url: URL,
  body: Blob | string,
  contentType: string,
  onProgress: (phase: 'uploading' | 'server' | 'downloading', fraction: number | null) => void,
): Promise<DetectionReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    activeXhr = xhr;
    xhr.open('POST', url.href);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress('uploading', e.lengthComputable && e.total ? e.loaded / e.total : null);
    xhr.upload.onload = () => onProgress('server', null);
    xhr.onprogress = (e) => onProgress('downloading', e.lengthComputable && e.total ? e.loaded / e.total : null);
    xhr.onerror = () => { activeXhr = null; reject(new Error(`Could not reach the server API at ${url.origin}. Is the server running? Switch back to "In browser" to analyse locally.`)); };
    xhr.onabort = () => { activeXhr = null; reject(new CancelledError()); };
    xhr.onload = () => {
      activeXhr = null;
      const text = xhr.responseText;
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(text) as DetectionReport);
        } catch {
          reject(new Error('The server API answered with something that is not JSON.'));
        }
        return;
      }
      reject(new Error(`The server API rejected the input (HTTP ${xhr.status}): ${serverMessage(text) ?? xhr.statusText ?? 'no details'}`));
    };
    xhr.send(body);
  });
}

/** The error text from an API error body: an RFC 9457 problem's detail (what our API sends), or { error } / { message }. */
function serverMessage(text: string): string | null {
  try {
    const j = JSON.parse(text) as { detail?: unknown; error?: unknown; message?: unknown };
    if (typeof j.detail === 'string') return j.detail;
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof j.message === 'string') return j.message;
  } catch {
    // not JSON
  }
  const t = text.trim();
  return t ? t.slice(0, 300) : null;
}

async function handle(msg: RequestMessage): Promise<{ value: unknown; transfer?: Transferable[] }> {
  switch (msg.type) {
    case 'run':
      try {
        return { value: await run(msg.id, msg.request) };
      } finally {
        cancelled.delete(msg.id);
      }
    case 'cancel':
      cancelled.add(msg.target);
      activeXhr?.abort();
      return { value: true };
    case 'page':
      if (!result) throw new Error('There are no results yet.');
      return { value: result.page(msg.query) };
    case 'details':
      if (!result) throw new Error('There are no results yet.');
      return { value: result.details(msg.row) };
    case 'export': {
      if (!result) throw new Error('There are no results yet.');
      const stem = result.meta.source.replace(/\.[^.]*$/, '') || 'results';
      const file: ExportFile = msg.format === 'csv'
        ? { blob: result.exportCsv(), filename: `${stem}-anomalies.csv` }
        : { blob: result.exportJson(), filename: `${stem}-report.json` };
      return { value: file };
    }
  }
}

scope.onmessage = (e: MessageEvent<RequestMessage>) => {
  const msg = e.data;
  handle(msg).then(
    ({ value, transfer }) => post({ type: 'reply', id: msg.id, ok: true, value }, transfer),
    (err: unknown) => {
      const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
      post({ type: 'reply', id: msg.id, ok: false, error });
    },
  );
};

const ready = init().catch((err: unknown) => {
  post({ type: 'init-error', message: err instanceof Error ? err.message : String(err) });
});
