// The demo page: input (file picker, drag and drop, sample), progress, errors, results.
// All detection work happens in the worker; this thread only renders.

import { SAMPLE_ATTACKS } from '../data/synthetic.ts';
import { DetailsPanel } from './details.ts';
import { byId, h } from './dom.ts';
import { categoryName, fmtBytes, fmtInt, fmtNumber, fmtSeconds } from './format.ts';
import { DetectionClient } from './client.ts';
import type { ModelInfo, Progress, ResultView, RunInput, RunMode } from './protocol.ts';
import { renderResults, type RenderedResults } from './results.ts';

declare const __WORKER_URL__: string;

export const SAMPLE_ROWS = 10_000;
export const SAMPLE_SEED = 1;

const PHASES: Record<Progress['phase'], string> = {
  reading: 'Parsing and scoring in your browser…',
  uploading: 'Uploading to the server API…',
  server: 'The server is scoring…',
  downloading: 'Receiving the server’s results…',
  details: 'Reading row details locally…',
  finishing: 'Computing metrics…',
};

class App {
  private readonly client = new DetectionClient(__WORKER_URL__);
  private mode: RunMode = 'browser';
  private serverAvailable = false;
  private running: { id: number; cancel: () => void } | null = null;
  private results: RenderedResults | null = null;
  private readonly previous = new Map<RunMode, { key: string; view: ResultView }>();
  private readonly details = new DetailsPanel(byId<HTMLDialogElement>('details'), byId('details-title'), byId('details-body'));
  private initError: string | null = null;
  /** The models the worker loaded, in order of preference. */
  private models: ModelInfo[] = [];

  private readonly fileInput = byId<HTMLInputElement>('file-input');
  private readonly sampleButton = byId<HTMLButtonElement>('sample-button');
  private readonly dropzone = byId('dropzone');
  private readonly progress = byId('progress');
  private readonly progressLabel = byId('progress-label');
  private readonly progressDetail = byId('progress-detail');
  private readonly progressBar = byId('progress-bar');
  private readonly errorBox = byId('error');
  private readonly resultsRoot = byId('results-root');
  private readonly emptyState = byId('empty-state');
  private readonly announcer = byId('announcer');

  start(): void {
    this.renderSampleInfo();
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file) void this.run({ kind: 'file', file });
      this.fileInput.value = ''; // choosing the same file again still triggers a run
    });
    this.sampleButton.addEventListener('click', () => void this.run({ kind: 'sample', rows: SAMPLE_ROWS, seed: SAMPLE_SEED }));
    byId('cancel-button').addEventListener('click', () => this.running?.cancel());
    byId('details-close').addEventListener('click', () => byId<HTMLDialogElement>('details').close());
    byId('error-dismiss').addEventListener('click', () => this.hideError());
    this.setupDragAndDrop();
    this.setupModeSwitch();

    this.client.ready.then(
      ({ engine, models, skipped }) => {
        byId('wasm-sha256').textContent = engine.wasmSha256;
        byId('engine-size').textContent = fmtBytes(engine.wasmBytes);
        byId('engine-file').textContent = engine.wasmUrl.slice(engine.wasmUrl.lastIndexOf('/') + 1);
        byId('engine-variant').textContent = engine.variant === 'relaxed-simd' ? 'relaxed SIMD, fused multiply-add' : 'SIMD';
        byId('engine-variant').title = engine.variant === 'relaxed-simd'
          ? 'This browser validates relaxed SIMD, so the build with fused multiply-adds runs (scores agree with the plain build to about 2e-4 relative).'
          : 'This browser has no relaxed SIMD: the plain SIMD build runs.';
        document.body.dataset.engineVariant = engine.variant;
        this.models = models;
        this.showModel(models[0].id);
        if (skipped.length) {
          const note = byId('model-skipped');
          note.textContent = ` · ${skipped.length === 1 ? 'one model' : `${skipped.length} models`} could not load`;
          note.title = skipped.join('\n');
          for (const m of skipped) console.warn(`[anomalyze] ${m}`);
        }
        byId('engine-status').textContent = 'ready';
        byId('engine-status').className = 'status-dot ok';
        document.body.dataset.engine = 'ready';
      },
      (err: Error) => {
        this.initError = err.message;
        byId('wasm-sha256').textContent = 'unavailable';
        byId('engine-status').textContent = 'failed';
        byId('engine-status').className = 'status-dot bad';
        document.body.dataset.engine = 'failed';
        this.showError('The detection engine could not start', err.message);
      },
    );
    void this.probeServer();
  }

  // ---- running ----

  private async run(input: RunInput): Promise<void> {
    if (this.running) {
      this.announce('Detection is already running; cancel it first.');
      return;
    }
    if (this.mode === 'browser' && this.initError) {
      this.showError('The detection engine could not start', this.initError);
      return;
    }
    this.hideError();
    this.results?.dispose();
    this.results = null;
    this.resultsRoot.replaceChildren();
    this.emptyState.hidden = true;
    this.setBusy(true);
    const started = performance.now();
    const name = input.kind === 'file' ? input.file.name : `sample (${fmtInt(input.rows)} rows)`;
    this.updateProgress({ phase: this.mode === 'browser' ? 'reading' : 'uploading', fraction: 0, rows: 0 }, started);
    this.announce(`Analysing ${name}…`);

    const { id, promise } = this.client.run({ mode: this.mode, input, apiBase: document.baseURI }, (p) => this.updateProgress(p, started));
    this.running = { id, cancel: () => this.client.cancel(id) };
    try {
      const view = await promise;
      this.showResults(view, input);
    } catch (err) {
      const e = err as Error;
      if (e.name === 'CancelledError') {
        this.announce('Detection cancelled.');
        this.emptyState.hidden = false;
      } else {
        this.showError(`Could not analyse ${name}`, e.message);
        this.emptyState.hidden = false;
      }
    } finally {
      this.running = null;
      this.setBusy(false);
    }
  }

  /** The footer's model panel: the model that scored the last file (at first, the preferred one), then the others. */
  private showModel(id: string): void {
    const model = this.models.find((m) => m.id === id);
    byId('model-id').textContent = id;
    byId('model-info').textContent = model
      ? `${model.place} · ${model.members} K-means members · ${model.features} ${model.schema} features · threshold ${fmtNumber(model.threshold)}`
      : 'not loaded in this page';
    const others = this.models.filter((m) => m !== model);
    byId('model-others').textContent = others.length
      ? ` · also ${others.map((m) => `${m.place} (${m.features} ${m.schema} features)`).join(', ')}: the first model whose features a file has scores it`
      : '';
  }

  private showResults(view: ResultView, input: RunInput): void {
    if (view.mode === 'browser') this.showModel(view.model);
    const key = inputKey(input);
    this.previous.set(view.mode, { key, view });
    const otherMode: RunMode = view.mode === 'browser' ? 'server' : 'browser';
    const other = this.previous.get(otherMode);
    this.results = renderResults(view, {
      counterpart: other && other.key === key ? other.view : null,
      page: (q) => this.client.page(q),
      details: (row) => this.client.details(row),
      showDetails: (d, threshold, opener) => this.details.show(d, threshold, opener),
      announce: (t) => this.announce(t),
      exportFile: (format) => this.exportFile(format),
    });
    this.resultsRoot.replaceChildren(this.results.element);
    const heading = byId('results-title');
    heading.focus({ preventScroll: true });
    this.results.element.scrollIntoView({ behavior: 'smooth', block: 'start' });
    this.announce(`Done: ${fmtInt(view.summary.rows)} rows, ${fmtInt(view.summary.anomalies)} anomalies.`);
  }

  private async exportFile(format: 'csv' | 'json'): Promise<void> {
    try {
      const { blob, filename } = await this.client.exportFile(format);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: filename, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.announce(`Saved ${filename} (${fmtBytes(blob.size)}).`);
    } catch (err) {
      this.showError('Export failed', (err as Error).message);
    }
  }

  private setBusy(busy: boolean): void {
    this.progress.hidden = !busy;
    this.sampleButton.disabled = busy;
    this.fileInput.disabled = busy;
    this.dropzone.classList.toggle('disabled', busy);
    document.body.classList.toggle('busy', busy);
    for (const r of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) {
      r.disabled = busy || (r.value === 'server' && !this.serverAvailable);
    }
  }

  private updateProgress(p: Progress, started: number): void {
    this.progressLabel.textContent = PHASES[p.phase];
    const parts: string[] = [];
    if (p.rows > 0) parts.push(`${fmtInt(p.rows)} rows`);
    if (p.fraction !== null) parts.push(`${Math.floor(p.fraction * 100)}%`);
    parts.push(fmtSeconds((performance.now() - started) / 1000));
    this.progressDetail.textContent = parts.join(' · ');
    const fill = this.progressBar.firstElementChild as HTMLElement;
    if (p.fraction === null) {
      this.progressBar.removeAttribute('aria-valuenow');
      this.progressBar.classList.add('indeterminate');
      fill.style.width = '';
    } else {
      const pct = Math.round(p.fraction * 100);
      this.progressBar.setAttribute('aria-valuenow', String(pct));
      this.progressBar.classList.remove('indeterminate');
      fill.style.width = `${pct}%`;
    }
  }

  // ---- errors and announcements ----

  private showError(title: string, message: string): void {
    byId('error-title').textContent = title;
    byId('error-message').textContent = message;
    this.errorBox.hidden = false;
  }

  private hideError(): void {
    this.errorBox.hidden = true;
  }

  private announce(text: string): void {
    this.announcer.textContent = '';
    requestAnimationFrame(() => { this.announcer.textContent = text; });
  }

  // ---- input ----

  private setupDragAndDrop(): void {
    let depth = 0;
    const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    window.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      document.body.classList.add('dragging');
    });
    window.addEventListener('dragleave', (e) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) document.body.classList.remove('dragging');
    });
    window.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allow dropping anywhere on the page, not only on the zone
      if (e.dataTransfer) e.dataTransfer.dropEffect = this.running ? 'none' : 'copy';
    });
    window.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      document.body.classList.remove('dragging');
      const files = e.dataTransfer?.files;
      if (!files || files.length === 0) return;
      if (files.length > 1) this.announce(`Analysing ${files[0].name}; only one file at a time.`);
      void this.run({ kind: 'file', file: files[0] });
    });
  }

  private setupModeSwitch(): void {
    for (const r of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) {
      r.addEventListener('change', () => {
        if (r.checked) this.setMode(r.value as RunMode);
      });
    }
    this.setMode('browser');
  }

  private setMode(mode: RunMode): void {
    this.mode = mode;
    document.body.dataset.mode = mode;
    byId('privacy-text').textContent = mode === 'browser'
      ? 'Your file never leaves this device: detection runs here, in a Web Worker, with the same WebAssembly engine as the server.'
      : `Server mode: the file is uploaded to ${new URL('api/detect', document.baseURI).href} and scored there, for comparison with the browser.`;
  }

  private async probeServer(): Promise<void> {
    const note = byId('mode-note');
    try {
      const health = await fetch(new URL('api/health', document.baseURI), { headers: { Accept: 'application/json' } });
      if (!health.ok || !(health.headers.get('content-type') ?? '').includes('json')) throw new Error('no API');
      this.serverAvailable = true;
      let modelId: string | null = null;
      try {
        const res = await fetch(new URL('api/model', document.baseURI), { headers: { Accept: 'application/json' } });
        const j = (await res.json()) as { id?: unknown; model?: { id?: unknown } };
        modelId = typeof j.id === 'string' ? j.id : typeof j.model?.id === 'string' ? j.model.id : null;
      } catch {
        // the model id is informational only
      }
      note.textContent = modelId ? `Server model ${modelId}` : 'Server API available';
      byId('server-model').textContent = modelId ? ` · server model ${modelId}` : ' · server API available';
    } catch {
      this.serverAvailable = false;
      note.textContent = 'Server API not available (static hosting)';
    }
    const radio = byId<HTMLInputElement>('mode-server');
    radio.disabled = !this.serverAvailable || this.running !== null;
    document.body.dataset.server = this.serverAvailable ? 'available' : 'unavailable';
  }

  private renderSampleInfo(): void {
    byId('sample-rows').textContent = fmtInt(SAMPLE_ROWS);
    byId('sample-attacks').replaceChildren(...SAMPLE_ATTACKS.map((a) =>
      h('li', null,
        h('span', { class: 'attack-name' }, a.name),
        h('span', { class: `cat-tag cat-${a.category}` }, categoryName(a.category)),
        h('span', { class: 'attack-desc' }, a.description))));
  }
}

function inputKey(input: RunInput): string {
  return input.kind === 'file'
    ? `file:${input.file.name}:${input.file.size}:${input.file.lastModified}`
    : `sample:${input.rows}:${input.seed}`;
}

if (typeof document !== 'undefined') {
  const boot = (): void => new App().start();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
}
