// Messages between the page (main.ts) and the detection worker (worker.ts). Everything is
// structured-clone friendly and small: per-row data stays in the worker and is paged.

import type { DetectionRecord, DetectionSummary } from '../detect/report.ts';
import type { CoreVariant } from '../engine/select.ts';
import type { Metrics } from '../metrics/accumulator.ts';
import type { Severity } from '../model/scoring.ts';
import type { ScoreHistogram } from './score-histogram.ts';

export type RunMode = 'browser' | 'server';

export interface EngineInfo {
  /** SHA-256 (hex) of the wasm bytes the worker actually instantiated. */
  wasmSha256: string;
  wasmBytes: number;
  wasmUrl: string;
  /** Which build that is: relaxed-simd (fused multiply-add) when this browser validates it, else simd. */
  variant: CoreVariant;
}

/** models/index.json, written by the build: the model directories under models/, default first. */
export interface ModelIndex {
  models: string[];
}

export interface ModelInfo {
  id: string;
  name: string;
  /** Where it was loaded from, e.g. 'models/traffic'. */
  place: string;
  /** The input schema it reads ('kdd', 'kdd-headers', …). */
  schema: string;
  threshold: number;
  severityCuts: [number, number, number];
  members: number;
  features: number;
  trainedOn: string | null;
}

export type RunInput =
  | { kind: 'file'; file: File }
  | { kind: 'sample'; rows: number; seed: number };

export interface RunRequest {
  mode: RunMode;
  input: RunInput;
  /** Base URL of the HTTP API (server mode), e.g. the page's own origin. */
  apiBase: string;
}

export type SortKey = 'row' | 'time' | 'score' | 'confidence' | 'severity';

export interface PageQuery {
  sort: SortKey;
  dir: 'asc' | 'desc';
  severity: Severity | 'all';
  category: string;
  offset: number;
  limit: number;
}

export interface PageResult {
  rows: DetectionRecord[];
  /** Rows matching the filters. */
  total: number;
  offset: number;
}

export interface RowDetails {
  record: DetectionRecord;
  /** Every input feature of the row, in the order of the input's schema (KDD column order for KDD files). */
  values: { feature: string; value: string | number }[];
}

export interface ResultView {
  mode: RunMode;
  source: string;
  /** Input size in bytes (characters for the generated sample). */
  bytes: number;
  summary: DetectionSummary;
  metrics: Metrics | null;
  histogram: ScoreHistogram;
  /** Anomaly records held for the table. */
  anomalies: number;
  /** Attack categories among the anomaly records' labels (for the table filter). */
  categories: string[];
  /** Wall-clock seconds from start to result, including I/O (and the network in server mode). */
  wallSeconds: number;
  /** Model id that produced the result. */
  model: string;
  /** Where that model was loaded from ('models/traffic'), when known (browser mode). */
  modelPlace: string | null;
  /** The records carry connection identities (captures, Zeek logs, flow CSVs): time, protocol, source, destination. */
  identity: boolean;
}

export type Progress = {
  phase: 'reading' | 'uploading' | 'server' | 'downloading' | 'details' | 'finishing';
  /** 0..1, or null when unknown. */
  fraction: number | null;
  rows: number;
};

// ---- page → worker ----

export type Request =
  | { type: 'run'; request: RunRequest }
  | { type: 'cancel'; target: number }
  | { type: 'page'; query: PageQuery }
  | { type: 'details'; row: number }
  | { type: 'export'; format: 'csv' | 'json' };

export type RequestMessage = Request & { id: number };

// ---- worker → page ----

export type WorkerMessage =
  /** models: in order of preference (the first that fits an input scores it); skipped: models that failed to load, with why. */
  | { type: 'ready'; engine: EngineInfo; models: ModelInfo[]; skipped: string[] }
  | { type: 'init-error'; message: string }
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: { name: string; message: string } };

export interface ExportFile {
  blob: Blob;
  filename: string;
}
