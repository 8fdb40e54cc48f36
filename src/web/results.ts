// The results view: summary cards, detection quality, charts and the anomaly table.

import type { Metrics } from '../metrics/accumulator.ts';
import { categoryChart, histogramChart, rocChart, severityChart } from './charts.ts';
import { h, mountChart } from './dom.ts';
import { fmt4, fmtBytes, fmtInt, fmtNumber, fmtPct, fmtSeconds } from './format.ts';
import type { ResultView } from './protocol.ts';
import { AnomalyTable, type TableContext } from './table.ts';

const MODE_NAME = { browser: 'In browser · WebAssembly', server: 'Server API' } as const;

export interface ResultsContext extends TableContext {
  /** The same input analysed the other way, for the comparison panel. */
  counterpart: ResultView | null;
  exportFile(format: 'csv' | 'json'): Promise<void>;
}

export interface RenderedResults {
  element: HTMLElement;
  dispose(): void;
}

export function renderResults(view: ResultView, ctx: ResultsContext): RenderedResults {
  const disposers: (() => void)[] = [];
  const { summary, metrics } = view;

  const exportButton = (format: 'csv' | 'json', label: string): HTMLButtonElement => {
    const btn = h('button', {
      type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': `export-${format}`,
      onclick: () => {
        btn.disabled = true;
        ctx.exportFile(format).finally(() => { btn.disabled = false; });
      },
    }, downloadIcon(), label);
    return btn;
  };

  const head = h('header', { class: 'results-head' },
    h('div', null,
      h('h2', { id: 'results-title', tabindex: -1 }, 'Results ', h('span', { class: 'source', title: view.source }, view.source)),
      h('p', { class: 'results-meta' },
        h('span', { class: `chip chip-${view.mode}` }, MODE_NAME[view.mode]),
        h('span', null, summary.format ? `${summary.format} format` : 'unknown format'),
        h('span', null, fmtBytes(view.bytes)),
        h('span', null, 'scored by ', h('code', { 'data-testid': 'result-model' }, view.model), view.modelPlace ? ` (${view.modelPlace})` : ''),
      ),
    ),
    h('div', { class: 'results-actions', role: 'group', 'aria-label': 'Export results' },
      exportButton('csv', 'Export CSV'),
      exportButton('json', 'Export JSON'),
    ),
  );

  const timeSub = view.mode === 'server'
    ? `on the server · ${fmtSeconds(view.wallSeconds)} round trip`
    : `${fmtInt(summary.rowsPerSecond)} rows/s in this browser`;
  const cards = h('div', { class: 'cards' },
    card('Rows analysed', h('span', { 'data-testid': 'summary-rows' }, String(summary.rows)),
      metrics ? `${summary.format ?? 'csv'} · labelled` : summary.format === 'unlabeled' ? 'no label column' : `${summary.format ?? 'csv'} · no labels`),
    card('Anomalies', h('span', { 'data-testid': 'summary-anomalies', class: summary.anomalies ? 'danger' : '' }, String(summary.anomalies)),
      `score above threshold ${fmtNumber(summary.threshold)}`),
    card('Anomaly rate', h('span', { 'data-testid': 'summary-rate' }, fmtPct(summary.anomalyRate)), meter(summary.anomalyRate, 'Share of rows flagged')),
    card('Detection time', h('span', { 'data-testid': 'summary-time' }, fmtSeconds(summary.seconds)), timeSub),
  );

  const blocks: HTMLElement[] = [head, cards];

  if (summary.unknownCategories.rows > 0) {
    const values = Object.entries(summary.unknownCategories.values)
      .flatMap(([f, vs]) => Object.entries(vs).map(([v, c]) => `${f}=${v} (${fmtInt(c)})`));
    blocks.push(h('div', { class: 'notice notice-warn', role: 'note' },
      h('strong', null, `${fmtInt(summary.unknownCategories.rows)} rows have categorical values the model never saw in training. `),
      `They are scored as if the value were absent: ${values.slice(0, 6).join(', ')}${values.length > 6 ? ` and ${values.length - 6} more` : ''}.`,
    ));
  }

  if (ctx.counterpart) blocks.push(comparison(view, ctx.counterpart));

  if (metrics) blocks.push(qualityPanel(metrics));
  else {
    blocks.push(h('div', { class: 'notice', role: 'note' },
      h('strong', null, 'No labels in this file. '),
      'Accuracy, precision, recall, F1, ROC-AUC, the confusion matrix and the per-category charts need a label column (NSL-KDD and KDD Cup 1999 files have one).',
    ));
  }

  // Charts.
  const grid = h('div', { class: 'chart-grid' });
  const chart = (id: string, title: string, sub: string, legend: HTMLElement | null, render: (w: number) => string, span = ''): void => {
    const host = h('div', { class: 'chart-host' });
    grid.append(h('figure', { class: `panel chart-panel ${span}`, 'data-testid': `chart-${id}`, 'aria-labelledby': `chart-${id}-title` },
      h('figcaption', null,
        h('h3', { id: `chart-${id}-title` }, title),
        h('p', { class: 'chart-sub' }, sub),
        legend,
      ),
      host,
    ));
    disposers.push(mountChart(host, render)); // draws once laid out, then on every resize
  };
  const hist = view.histogram;
  const histLegend = hist.normal
    ? legend([['swatch-normal', 'Normal traffic (label)'], ['swatch-attack', 'Attack (label)'], ['swatch-threshold', 'Threshold'], ['swatch-zone', 'Flagged zone']])
    : legend([['swatch-all', 'Rows'], ['swatch-threshold', 'Threshold'], ['swatch-zone', 'Flagged zone']]);
  chart('histogram', 'Score distribution',
    hist.complete ? `Every row's anomaly score; rows right of the threshold are flagged.` : 'Only the rows the server returned (anomalies); other scores are not shown.',
    histLegend, (w) => histogramChart(hist, w, w < 520 ? 240 : w < 700 ? 290 : 330), 'span-4');
  // Wide screens: histogram + ROC (or severity) on the first row, severity + categories on the second.
  const roc = metrics?.roc;
  if (metrics && roc) {
    chart('roc', 'ROC curve', 'True vs false positive rate over all thresholds.',
      legend([['swatch-roc', `ROC (AUC ${fmt4(metrics.rocAuc)})`], ['swatch-point', 'Model threshold'], ['swatch-chance', 'Chance']]),
      (w) => rocChart(roc, metrics.rocAuc, { fpr: metrics.fpr, tpr: metrics.recall }, w), 'span-2');
  }
  chart('severity', 'Severity breakdown', 'Rows per severity band (multiples of the threshold).', null,
    (w) => severityChart(summary.bySeverity, w), metrics && roc ? '' : 'span-2');
  if (metrics) {
    chart('categories', 'Detection rate per attack category', 'Share of each category\'s attack rows that were flagged.', null,
      (w) => categoryChart(metrics.byCategory, w), roc ? '' : 'span-4');
  }
  blocks.push(grid);

  const table = new AnomalyTable(view, ctx);
  blocks.push(table.element);
  disposers.push(() => table.dispose());

  const element = h('section', { class: 'results', 'data-testid': 'results', 'aria-labelledby': 'results-title' }, blocks);
  return { element, dispose: () => disposers.forEach((d) => d()) };
}

function card(label: string, value: HTMLElement, sub: string | HTMLElement): HTMLElement {
  return h('div', { class: 'card' },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    h('div', { class: 'card-sub' }, sub),
  );
}

function meter(fraction: number, label: string): HTMLElement {
  return h('div', { class: 'meter', role: 'img', 'aria-label': `${label}: ${fmtPct(fraction)}` },
    h('div', { class: 'meter-fill', style: `width:${Math.max(0, Math.min(100, fraction * 100)).toFixed(2)}%` }));
}

function legend(items: [string, string][]): HTMLElement {
  return h('ul', { class: 'legend' }, items.map(([cls, text]) => h('li', null, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text)));
}

function qualityPanel(m: Metrics): HTMLElement {
  const metric = (id: string, label: string, value: number, help: string): HTMLElement =>
    h('div', { class: 'metric' },
      h('div', { class: 'metric-label' }, label, infoIcon(help)),
      h('div', { class: 'metric-value', 'data-testid': `metric-${id}` }, fmt4(value)),
      h('div', { class: 'metric-bar', 'aria-hidden': 'true' }, h('div', { style: `width:${Number.isFinite(value) ? (value * 100).toFixed(2) : 0}%` })),
    );
  const c = m.confusion;
  const total = c.tp + c.fp + c.tn + c.fn;
  const cell = (n: number, cls: string, what: string): HTMLElement =>
    h('td', { class: cls }, h('span', { class: 'cm-n' }, fmtInt(n)), h('span', { class: 'cm-p' }, `${fmtPct(total ? n / total : 0, 1)} · ${what}`));
  return h('section', { class: 'panel quality', 'aria-labelledby': 'quality-title' },
    h('div', { class: 'panel-head' },
      h('h3', { id: 'quality-title' }, 'Detection quality'),
      h('p', { class: 'chart-sub' }, 'Measured against the labels in the file (any attack name counts as positive).'),
    ),
    h('div', { class: 'quality-body' },
      h('div', { class: 'metric-grid' },
        metric('accuracy', 'Accuracy', m.accuracy, 'Share of rows classified correctly'),
        metric('precision', 'Precision', m.precision, 'Of the flagged rows, the share that are attacks'),
        metric('recall', 'Recall', m.recall, 'Of the attack rows, the share that were flagged (detection rate)'),
        metric('f1', 'F1 score', m.f1, 'Harmonic mean of precision and recall'),
        metric('roc-auc', 'ROC-AUC', m.rocAuc, 'Probability that a random attack scores above a random normal row'),
      ),
      h('div', { class: 'confusion' },
        h('table', { class: 'cm', 'data-testid': 'confusion-matrix' },
          h('caption', null, 'Confusion matrix'),
          h('thead', null, h('tr', null,
            h('td', { class: 'cm-corner' }),
            h('th', { scope: 'col' }, 'Flagged'),
            h('th', { scope: 'col' }, 'Not flagged'),
          )),
          h('tbody', null,
            h('tr', null, h('th', { scope: 'row' }, 'Attack'), cell(c.tp, 'cm-good', 'true positives'), cell(c.fn, 'cm-bad', 'missed')),
            h('tr', null, h('th', { scope: 'row' }, 'Normal'), cell(c.fp, 'cm-bad', 'false alarms'), cell(c.tn, 'cm-good', 'true negatives')),
          ),
        ),
        h('p', { class: 'chart-sub' }, `False positive rate ${fmt4(m.fpr)} · PR-AUC ${fmt4(m.prAuc)}`),
      ),
    ),
  );
}

function comparison(view: ResultView, other: ResultView): HTMLElement {
  const [b, s] = view.mode === 'browser' ? [view, other] : [other, view];
  const rows: [string, (v: ResultView) => string][] = [
    ['Rows', (v) => fmtInt(v.summary.rows)],
    ['Anomalies', (v) => fmtInt(v.summary.anomalies)],
    ['F1', (v) => fmt4(v.metrics?.f1)],
    ['Accuracy', (v) => fmt4(v.metrics?.accuracy)],
    ['Model', (v) => v.model],
    ['Detection time', (v) => fmtSeconds(v.summary.seconds)],
    ['Wall time (incl. transfer)', (v) => fmtSeconds(v.wallSeconds)],
  ];
  const same = rows.slice(0, 5).every(([, f]) => f(b) === f(s));
  return h('section', { class: 'panel compare', 'aria-labelledby': 'compare-title', 'data-testid': 'comparison' },
    h('div', { class: 'panel-head' },
      h('h3', { id: 'compare-title' }, 'Browser vs server'),
      h('p', { class: `compare-verdict ${same ? 'ok' : 'warn'}` }, same ? '✓ Identical verdicts on this input' : '⚠ The two runs differ — check that both use the same model'),
    ),
    h('div', { class: 'table-scroll' },
      h('table', { class: 'data-table compact' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'In browser'), h('th', { scope: 'col' }, 'Server API'))),
        h('tbody', null, rows.map(([label, f]) => h('tr', null, h('th', { scope: 'row' }, label), h('td', null, f(b)), h('td', null, f(s))))),
      ),
    ),
  );
}

/** An (i) icon whose tooltip and accessible name explain a metric. */
function infoIcon(help: string): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('class', 'icon help');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', help);
  const title = document.createElementNS(ns, 'title');
  title.textContent = help;
  const c = document.createElementNS(ns, 'circle');
  c.setAttribute('cx', '10');
  c.setAttribute('cy', '10');
  c.setAttribute('r', '7.5');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', 'M10 9v5m0-7.5v.01');
  svg.append(title, c, p);
  return svg;
}

function downloadIcon(): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', 'M10 3v9m0 0l-3.5-3.5M10 12l3.5-3.5M4 15.5h12');
  svg.append(p);
  return svg;
}
