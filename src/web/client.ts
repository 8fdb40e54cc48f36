// Page side of the worker protocol: request/reply by id, progress events, readiness.

import type {
  EngineInfo, ExportFile, ModelInfo, PageQuery, PageResult, Progress, Request, RequestMessage, ResultView, RowDetails,
  RunRequest, WorkerMessage,
} from './protocol.ts';

export class WorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface Ready {
  engine: EngineInfo;
  models: ModelInfo[];
  skipped: string[];
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

export class DetectionClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<Ready>;

  constructor(url: string) {
    this.worker = new Worker(url);
    let resolveReady!: (v: Ready) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
    this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const msg = e.data;
      if (msg.type === 'ready') resolveReady({ engine: msg.engine, models: msg.models, skipped: msg.skipped });
      else if (msg.type === 'init-error') rejectReady(new Error(msg.message));
      else if (msg.type === 'progress') this.pending.get(msg.id)?.onProgress?.(msg.progress);
      else if (msg.type === 'reply') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new WorkerError(msg.error.name, msg.error.message));
      }
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      const err = new Error(`The detection worker failed: ${e.message || 'could not load worker.js'}`);
      rejectReady(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private call<T>(req: Request, onProgress?: (p: Progress) => void): { id: number; promise: Promise<T> } {
    const id = this.nextId++;
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
    });
    this.worker.postMessage({ ...req, id } satisfies RequestMessage);
    return { id, promise };
  }

  run(request: RunRequest, onProgress: (p: Progress) => void): { id: number; promise: Promise<ResultView> } {
    return this.call<ResultView>({ type: 'run', request }, onProgress);
  }

  cancel(target: number): void {
    void this.call({ type: 'cancel', target }).promise.catch(() => {});
  }

  page(query: PageQuery): Promise<PageResult> {
    return this.call<PageResult>({ type: 'page', query }).promise;
  }

  details(row: number): Promise<RowDetails> {
    return this.call<RowDetails>({ type: 'details', row }).promise;
  }

  exportFile(format: 'csv' | 'json'): Promise<ExportFile> {
    return this.call<ExportFile>({ type: 'export', format }).promise;
  }
}
