// The details panel (a modal <dialog>: focus is trapped, Escape closes, focus returns to
// the row that opened it): verdict, the top contributing features, every feature value.

import { h } from './dom.ts';
import { categoryName, CATEGORY_HELP, fmtNumber, fmtPct } from './format.ts';
import { destination, fmtDuration, fmtTime, source } from './identity.ts';
import type { RowDetails } from './protocol.ts';
import { fmtMultiple, severityBadge } from './table.ts';

export class DetailsPanel {
  private opener: HTMLElement | null = null;
  private seq = 0;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly title: HTMLElement,
    private readonly body: HTMLElement,
  ) {
    dialog.addEventListener('close', () => {
      this.opener?.focus();
      this.opener = null;
    });
    // A click on the backdrop (outside the panel) closes it.
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog) dialog.close();
    });
  }

  show(details: Promise<RowDetails>, threshold: number, opener: HTMLElement): void {
    const seq = ++this.seq;
    this.opener = opener;
    this.title.textContent = 'Loading…';
    this.body.replaceChildren(h('p', { class: 'muted' }, 'Loading row details…'));
    if (!this.dialog.open) this.dialog.showModal();
    details.then(
      (d) => { if (seq === this.seq) this.render(d, threshold); },
      (err: Error) => {
        if (seq !== this.seq) return;
        this.title.textContent = 'Row details';
        this.body.replaceChildren(h('p', { class: 'alert-inline', role: 'alert' }, err.message));
      },
    );
  }

  private render(d: RowDetails, threshold: number): void {
    const r = d.record;
    this.title.textContent = `Row ${r.row}`;
    const top = new Map(r.topFeatures.map((f, i) => [f.feature, i]));
    const facts = h('dl', { class: 'facts', 'data-testid': 'details-facts' },
      r.time !== undefined ? fact('Time (UTC)', fmtTime(r.time)) : null,
      r.duration !== undefined ? fact('Duration', fmtDuration(r.duration)) : null,
      r.protocol !== undefined ? fact('Protocol', r.protocol) : null,
      r.src !== undefined ? fact('Source', source(r)) : null,
      r.dst !== undefined ? fact('Destination', destination(r)) : null,
      fact('Score', `${fmtNumber(r.score)} (${fmtMultiple(r.score / threshold)} ${r.warmup ? 'warm-up ' : ''}threshold)`),
      r.warmup ? fact('Warm-up', 'one of the first connections of the input: its traffic windows were still filling, so it is judged by the warm-up threshold') : null,
      fact('Severity', severityBadge(r.severity)),
      fact('Confidence', fmtPct(r.confidence, 1)),
      r.label !== undefined ? fact('Label', `${r.label}${r.category ? ` · ${r.category === 'normal' ? 'normal traffic (false alarm)' : categoryName(r.category)}` : ''}`) : null,
    );
    const why = r.topFeatures.length
      ? h('ol', { class: 'contrib' }, r.topFeatures.map((f) =>
        h('li', null,
          h('div', { class: 'contrib-head' },
            h('span', { class: 'feat-name' }, f.feature),
            h('span', { class: 'feat-val' }, String(f.value)),
            h('span', { class: 'contrib-share' }, fmtPct(f.share, 1))),
          h('div', { class: 'contrib-bar', role: 'img', 'aria-label': `${fmtPct(f.share, 1)} of the distance` },
            h('div', { style: `width:${(f.share * 100).toFixed(1)}%` })))))
      : h('p', { class: 'muted' }, 'No explanation available for this row.');
    const values = d.values.length
      ? h('div', { class: 'kv-scroll' },
        h('table', { class: 'kv', 'data-testid': 'details-features' },
          h('caption', { class: 'visually-hidden' }, `All ${d.values.length} features of row ${r.row}`),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Feature'), h('th', { scope: 'col' }, 'Value'))),
          h('tbody', null, d.values.map((v) => {
            const rank = top.get(v.feature);
            return h('tr', { class: rank !== undefined ? 'top' : '' },
              h('th', { scope: 'row' }, v.feature, rank !== undefined ? h('span', { class: 'top-mark', title: `Top contributor #${rank + 1}` }, ` #${rank + 1}`) : null),
              h('td', { class: 'mono' }, typeof v.value === 'number' ? fmtRaw(v.value) : v.value));
          })),
        ))
      : h('p', { class: 'muted' }, 'The raw values of this row are not available.');
    const category = r.category && r.category !== 'normal' ? CATEGORY_HELP[r.category] : null;
    const parts: (HTMLElement | null)[] = [
      facts,
      category ? h('p', { class: 'muted small' }, category) : null,
      h('h3', null, 'Why it was flagged'),
      h('p', { class: 'muted small' }, 'Each feature’s share of the row’s distance from normal traffic (the nearest K-means centroids).'),
      why,
      h('h3', null, `All features (${d.values.length})`),
      values,
    ];
    this.body.replaceChildren(...parts.filter((e): e is HTMLElement => e !== null));
  }
}

function fact(label: string, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', null, label), h('dd', null, value)];
}

/** Raw numbers as they were in the file (no grouping separators). */
function fmtRaw(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}
