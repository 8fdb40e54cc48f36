// The anomaly table: sorted, filtered and paged in the worker; one page of rows on the page
// at a time. Each row opens a details panel with every feature and the top contributors.

import type { DetectionRecord } from '../detect/report.ts';
import { rowThreshold, SEVERITIES, type Severity } from '../model/scoring.ts';
import { h } from './dom.ts';
import { categoryName, fmtInt, fmtNumber, fmtPct } from './format.ts';
import { destination, fmtTime, source } from './identity.ts';
import type { PageQuery, PageResult, ResultView, RowDetails, SortKey } from './protocol.ts';

export interface TableContext {
  page(q: PageQuery): Promise<PageResult>;
  details(row: number): Promise<RowDetails>;
  showDetails(details: Promise<RowDetails>, threshold: number, opener: HTMLElement): void;
  announce(text: string): void;
}

interface Column { key: SortKey | null; label: string; cls?: string; labelled?: boolean; identity?: boolean }

const COLUMNS: Column[] = [
  { key: 'row', label: 'Row' },
  // Captures, Zeek logs and flow CSVs say who talked to whom; KDD files do not.
  { key: 'time', label: 'Time (UTC)', cls: 'nowrap', identity: true },
  { key: null, label: 'Protocol', cls: 'col-opt', identity: true },
  { key: null, label: 'Source', cls: 'col-src', identity: true },
  { key: null, label: 'Destination', cls: 'col-dst', identity: true },
  { key: 'score', label: 'Score', cls: 'num' },
  { key: 'severity', label: 'Severity' },
  { key: 'confidence', label: 'Confidence', cls: 'num col-opt col-conf' },
  { key: null, label: 'Label', labelled: true },
  { key: null, label: 'Top contributing features', cls: 'col-opt col-features' },
];

export function severityBadge(s: Severity): HTMLElement {
  return h('span', { class: `badge sev-${s.toLowerCase()}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), s);
}

export class AnomalyTable {
  readonly element: HTMLElement;
  private readonly query: PageQuery = { sort: 'score', dir: 'desc', severity: 'all', category: 'all', offset: 0, limit: 25 };
  private readonly tbody: HTMLTableSectionElement;
  private readonly headCells = new Map<SortKey, HTMLTableCellElement>();
  private readonly status: HTMLElement;
  private readonly pageInfo: HTMLElement;
  private readonly buttons: Record<'first' | 'prev' | 'next' | 'last', HTMLButtonElement>;
  private readonly labelled: boolean;
  private readonly columns: number;
  private seq = 0;
  private total = 0;
  private disposed = false;

  constructor(private readonly view: ResultView, private readonly ctx: TableContext) {
    this.labelled = view.metrics !== null;
    const cols = COLUMNS.filter((c) => (!c.labelled || this.labelled) && (!c.identity || view.identity));
    this.columns = cols.length;

    const sevSelect = h('select', { id: 'filter-severity', onchange: (e: Event) => this.setFilter('severity', (e.target as HTMLSelectElement).value) },
      h('option', { value: 'all' }, `All (${fmtInt(view.anomalies)})`),
      SEVERITIES.filter((s) => s !== 'Normal' && view.summary.bySeverity[s] > 0)
        .slice().reverse()
        .map((s) => h('option', { value: s }, `${s} (${fmtInt(view.summary.bySeverity[s])})`)),
    );
    const filters = h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'filter-severity' }, 'Severity'), sevSelect),
      view.categories.length > 0
        ? h('div', { class: 'field' },
          h('label', { for: 'filter-category' }, 'Label'),
          h('select', { id: 'filter-category', onchange: (e: Event) => this.setFilter('category', (e.target as HTMLSelectElement).value) },
            h('option', { value: 'all' }, 'All labels'),
            view.categories.map((c) => h('option', { value: c }, c === 'normal' ? 'Normal (false alarms)' : categoryName(c))),
          ))
        : null,
      h('div', { class: 'field' },
        h('label', { for: 'page-size' }, 'Rows per page'),
        h('select', { id: 'page-size', onchange: (e: Event) => { this.query.limit = Number((e.target as HTMLSelectElement).value); this.query.offset = 0; void this.load(); } },
          [25, 50, 100].map((n) => h('option', { value: n, selected: n === this.query.limit }, String(n)))),
      ),
    );

    const headRow = h('tr', null, cols.map((c) => {
      const th = h('th', { scope: 'col', class: c.cls ?? '' });
      if (c.key) {
        const key = c.key;
        th.append(h('button', { type: 'button', class: 'sort', onclick: () => this.sortBy(key) }, c.label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' })));
        this.headCells.set(key, th);
      } else th.textContent = c.label;
      return th;
    }));
    this.tbody = h('tbody');
    const table = h('table', { class: `data-table${view.identity ? ' with-identity' : ''}`, 'data-testid': 'anomaly-table' },
      h('caption', { class: 'visually-hidden' }, 'Anomalous rows. Sort with the column buttons; open a row for all its features.'),
      h('thead', null, headRow),
      this.tbody,
    );

    const pagerButton = (label: string, text: string, onClick: () => void): HTMLButtonElement =>
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': label, onclick: onClick }, text);
    this.buttons = {
      first: pagerButton('First page', '«', () => this.go(0)),
      prev: pagerButton('Previous page', '‹ Prev', () => this.go(this.query.offset - this.query.limit)),
      next: pagerButton('Next page', 'Next ›', () => this.go(this.query.offset + this.query.limit)),
      last: pagerButton('Last page', '»', () => this.go(Math.floor((this.total - 1) / this.query.limit) * this.query.limit)),
    };
    this.status = h('p', { class: 'pager-status', 'data-testid': 'table-status' });
    this.pageInfo = h('span', { class: 'page-info' });
    const pager = h('nav', { class: 'pager', 'aria-label': 'Anomaly table pages' },
      this.status,
      h('div', { class: 'pager-buttons' }, this.buttons.first, this.buttons.prev, this.pageInfo, this.buttons.next, this.buttons.last),
    );

    this.element = h('section', { class: 'panel table-panel', 'aria-labelledby': 'anomalies-title' },
      h('div', { class: 'panel-head table-head' },
        h('div', null,
          h('h3', { id: 'anomalies-title' }, 'Anomalies ', h('span', { class: 'count-pill' }, fmtInt(view.anomalies))),
          h('p', { class: 'chart-sub' }, 'Select a row to see every feature and why it was flagged.'),
        ),
        filters,
      ),
      view.anomalies === 0
        ? h('p', { class: 'empty-table' }, 'No anomalies: every row scored at or below the threshold.')
        : [h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': 'anomalies-title', tabindex: 0 }, table), pager],
    );
    if (view.anomalies > 0) void this.load();
  }

  dispose(): void {
    this.disposed = true;
  }

  private setFilter(kind: 'severity' | 'category', value: string): void {
    if (kind === 'severity') this.query.severity = value as Severity | 'all';
    else this.query.category = value;
    this.query.offset = 0;
    void this.load();
  }

  private sortBy(key: SortKey): void {
    if (this.query.sort === key) this.query.dir = this.query.dir === 'asc' ? 'desc' : 'asc';
    else {
      this.query.sort = key;
      this.query.dir = key === 'row' || key === 'time' ? 'asc' : 'desc';
    }
    this.query.offset = 0;
    void this.load();
  }

  private go(offset: number): void {
    this.query.offset = Math.max(0, Math.min(offset, Math.max(0, this.total - 1)));
    void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    this.element.setAttribute('aria-busy', 'true');
    let page: PageResult;
    try {
      page = await this.ctx.page({ ...this.query });
    } catch (err) {
      if (seq === this.seq && !this.disposed) this.status.textContent = `Could not load rows: ${(err as Error).message}`;
      return;
    }
    if (seq !== this.seq || this.disposed) return;
    this.element.removeAttribute('aria-busy');
    this.total = page.total;
    this.query.offset = page.offset;
    this.renderHead();
    this.tbody.replaceChildren(...page.rows.map((r) => this.renderRow(r)));
    if (page.rows.length === 0) {
      this.tbody.append(h('tr', null, h('td', { colspan: this.columns, class: 'empty-row' }, 'No anomalies match these filters.')));
    }
    const from = page.total ? page.offset + 1 : 0;
    const to = page.offset + page.rows.length;
    const text = `Showing ${fmtInt(from)}–${fmtInt(to)} of ${fmtInt(page.total)} anomalies`;
    this.status.textContent = text;
    const pages = Math.max(1, Math.ceil(page.total / this.query.limit));
    const current = Math.floor(page.offset / this.query.limit) + 1;
    this.pageInfo.textContent = `Page ${fmtInt(current)} of ${fmtInt(pages)}`;
    this.buttons.first.disabled = this.buttons.prev.disabled = current <= 1;
    this.buttons.next.disabled = this.buttons.last.disabled = current >= pages;
    this.ctx.announce(text);
  }

  private renderHead(): void {
    for (const [key, th] of this.headCells) {
      const active = key === this.query.sort;
      th.setAttribute('aria-sort', active ? (this.query.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.classList.toggle('sorted', active);
      th.querySelector('.sort-icon')!.textContent = active ? (this.query.dir === 'asc' ? '▲' : '▼') : '';
    }
  }

  private renderRow(r: DetectionRecord): HTMLTableRowElement {
    // A warm-up record (traffic windows still filling) is judged by the warm-up threshold.
    const { summary } = this.view;
    const threshold = rowThreshold(summary, r.warmup);
    const open = (opener: HTMLElement): void => this.ctx.showDetails(this.ctx.details(r.row), threshold, opener);
    const button = h('button', { type: 'button', class: 'row-link', 'aria-label': `Details for row ${r.row}`, 'data-testid': 'row-details' }, `#${r.row}`);
    button.addEventListener('click', (e) => { e.stopPropagation(); open(button); });
    const cells: HTMLElement[] = [h('td', null, button)];
    if (this.view.identity) {
      cells.push(
        timeCell(r.time),
        h('td', { class: 'col-opt', 'data-testid': 'cell-protocol' }, r.protocol ?? ''),
        // On phones the destination goes under the source (see .dst-inline in styles.css).
        h('td', { class: 'mono nowrap' }, h('span', { 'data-testid': 'cell-src' }, source(r)), h('span', { class: 'dst-inline', 'aria-hidden': 'true' }, `→ ${destination(r)}`)),
        h('td', { class: 'mono nowrap col-dst', 'data-testid': 'cell-dst' }, destination(r)),
      );
    }
    cells.push(
      h('td', { class: 'num mono' }, fmtNumber(r.score), h('span', { class: 'times' }, ` ${fmtMultiple(r.score / threshold)}`),
        r.warmup ? h('span', { class: 'warmup-mark', title: 'Warm-up: the traffic windows were still filling (one of the first connections of the input); judged by the warm-up threshold', 'data-testid': 'warmup-mark' }, ' ◔') : null),
      h('td', null, severityBadge(r.severity)),
      h('td', { class: 'num col-opt col-conf' }, fmtPct(r.confidence, 1)),
    );
    if (this.labelled) {
      cells.push(h('td', null,
        h('span', { class: `label ${r.category === 'normal' ? 'label-normal' : 'label-attack'}` }, r.label ?? ''),
        r.category && r.category !== 'normal' ? h('span', { class: 'cat' }, categoryName(r.category)) : null));
    }
    cells.push(h('td', { class: 'col-opt col-features' },
      h('ul', { class: 'feat-list' }, r.topFeatures.map((f) =>
        h('li', null, h('span', { class: 'feat-name' }, f.feature), ' ', h('span', { class: 'feat-val' }, String(f.value)), ' ', h('span', { class: 'feat-share' }, fmtPct(f.share, 0)))))));
    const tr = h('tr', { class: 'clickable' }, cells);
    tr.addEventListener('click', () => open(button));
    return tr;
  }
}

/** Date and milliseconds in their own spans: phones show only the time of day. */
function timeCell(iso: string | undefined): HTMLElement {
  const m = /^(\S+ )(\d\d:\d\d:\d\d)(\.\d+)?$/.exec(fmtTime(iso));
  if (!m) return h('td', { class: 'mono nowrap', 'data-testid': 'cell-time', title: fmtTime(iso) }, fmtTime(iso));
  return h('td', { class: 'mono nowrap', 'data-testid': 'cell-time', title: `${fmtTime(iso)} UTC` },
    h('span', { class: 'time-date' }, m[1]), m[2], m[3] ? h('span', { class: 'time-ms' }, m[3]) : null);
}

export function fmtMultiple(x: number): string {
  return `${x < 10 ? x.toFixed(1) : Math.round(x)}×`;
}
