// Inline SVG charts, rendered as markup at the container's pixel width (re-rendered on
// resize) so text stays readable from phone to desktop. Colours come from CSS classes
// (styles.css), so severity colours are defined once for the whole page.

import type { CategoryStats, ReportedCategory } from '../metrics/accumulator.ts';
import { SEVERITIES, type Severity } from '../model/scoring.ts';
import { categoryName, escapeHtml as esc, fmtInt, fmtNumber, fmtPct, fmtTick } from './format.ts';
import type { ScoreHistogram } from './score-histogram.ts';

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

function svg(width: number, height: number, label: string, body: string[]): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}">${body.join('')}</svg>`;
}

/** 0 and round steps (1, 2, 2.5, 5 × 10^k) up to at least max. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks.length < 2) ticks.push(step);
  return ticks;
}

/** Log-axis ticks: decades, with 2× and 5× when the range is short; at least minGap px apart. */
export function logTicks(lo: number, hi: number, px: (v: number) => number, minGap = 40): number[] {
  const l = Math.log10(lo), h = Math.log10(hi);
  const mults = h - l < 2.2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let d = Math.floor(l); d <= Math.ceil(h); d++) {
    for (const m of mults) {
      const v = m * 10 ** d;
      if (v < lo * 0.999 || v > hi * 1.001) continue;
      if (out.length && px(v) - px(out[out.length - 1]) < minGap) continue;
      out.push(v);
    }
  }
  return out;
}

/**
 * Score histogram on a log x-axis with the threshold line and the flagged zone shaded.
 * Stacked normal/attack bars when the input is labelled.
 */
export function histogramChart(h: ScoreHistogram, width: number, height = 280): string {
  const m = { l: 60, r: 16, t: 26, b: 50 };
  const iw = Math.max(40, width - m.l - m.r);
  const ih = Math.max(40, height - m.t - m.b);
  const lo = Math.log10(h.edges[0]);
  const hi = Math.log10(h.edges[h.edges.length - 1]);
  const x = (v: number): number => m.l + ((Math.log10(v) - lo) / (hi - lo || 1)) * iw;
  const stacked = h.normal !== null && h.attack !== null;
  const ticks = niceTicks(Math.max(1, ...h.total), ih < 170 ? 3 : 5);
  const yMax = ticks[ticks.length - 1];
  const y = (c: number): number => m.t + ih - (c / yMax) * ih;
  const body: string[] = [];

  const tx = Math.min(m.l + iw, Math.max(m.l, x(h.threshold)));
  body.push(`<rect class="flag-zone" x="${r1(tx)}" y="${m.t}" width="${r1(m.l + iw - tx)}" height="${ih}"/>`);
  for (const t of ticks) {
    body.push(`<line class="grid" x1="${m.l}" x2="${m.l + iw}" y1="${r1(y(t))}" y2="${r1(y(t))}"/>`);
    body.push(`<text class="tick" x="${m.l - 8}" y="${r1(y(t) + 4)}" text-anchor="end">${esc(fmtTick(t))}</text>`);
  }
  for (let b = 0; b < h.total.length; b++) {
    if (h.total[b] === 0) continue;
    const x0 = x(h.edges[b]) + 0.5;
    const w = Math.max(1, x(h.edges[b + 1]) - x(h.edges[b]) - 1);
    const range = `Score ${fmtNumber(h.edges[b])}–${fmtNumber(h.edges[b + 1])}`;
    if (stacked) {
      const n = h.normal![b], a = h.attack![b];
      const tip = `${range}: ${fmtInt(n + a)} rows (${fmtInt(n)} normal, ${fmtInt(a)} attack)`;
      body.push(`<g><title>${esc(tip)}</title>`);
      if (n > 0) body.push(`<rect class="bar-normal" x="${r1(x0)}" y="${r1(y(n))}" width="${r1(w)}" height="${r1(y(0) - y(n))}"/>`);
      if (a > 0) body.push(`<rect class="bar-attack" x="${r1(x0)}" y="${r1(y(n + a))}" width="${r1(w)}" height="${r1(y(n) - y(n + a))}"/>`);
      body.push('</g>');
    } else {
      const c = h.total[b];
      body.push(`<rect class="bar-all" x="${r1(x0)}" y="${r1(y(c))}" width="${r1(w)}" height="${r1(y(0) - y(c))}"><title>${esc(`${range}: ${fmtInt(c)} rows`)}</title></rect>`);
    }
  }
  // Axes.
  body.push(`<line class="axis" x1="${m.l}" x2="${m.l + iw}" y1="${m.t + ih}" y2="${m.t + ih}"/>`);
  for (const v of logTicks(h.edges[0], h.edges[h.edges.length - 1], x)) {
    const px = r1(x(v));
    body.push(`<line class="axis" x1="${px}" x2="${px}" y1="${m.t + ih}" y2="${m.t + ih + 5}"/>`);
    body.push(`<text class="tick" x="${px}" y="${m.t + ih + 19}" text-anchor="middle">${esc(fmtTick(v))}</text>`);
  }
  body.push(`<text class="axis-title" x="${m.l + iw / 2}" y="${height - 8}" text-anchor="middle">Anomaly score (log scale)</text>`);
  body.push(`<text class="axis-title" transform="translate(14 ${m.t + ih / 2}) rotate(-90)" text-anchor="middle">Rows</text>`);
  // Threshold line and its label (kept inside the chart).
  body.push(`<line class="threshold" x1="${r1(tx)}" x2="${r1(tx)}" y1="${m.t - 4}" y2="${m.t + ih}"/>`);
  const label = `threshold ${fmtNumber(h.threshold)}`;
  const right = tx + 6 + label.length * 6.6 < width;
  body.push(`<text class="threshold-label" x="${r1(right ? tx + 6 : tx - 6)}" y="${m.t + 8}" text-anchor="${right ? 'start' : 'end'}">${esc(label)}</text>`);

  const flagged = h.total.reduce((s, c, b) => s + (h.edges[b] >= h.threshold ? c : 0), 0);
  const desc = `Histogram of anomaly scores for ${fmtInt(h.count)} rows on a log scale from ${fmtNumber(h.edges[0])} to ${fmtNumber(h.edges[h.edges.length - 1])}; `
    + `the detection threshold is ${fmtNumber(h.threshold)}, about ${fmtInt(flagged)} rows fall in bins above it.`
    + (stacked ? ' Bars are split into normal and attack rows by label.' : '');
  return svg(width, height, desc, body);
}

export const SEVERITY_HELP: Record<Severity, string> = {
  Normal: 'at or below the threshold',
  Low: 'up to 2× the threshold',
  Medium: '2–4× the threshold',
  High: '4–8× the threshold',
  Critical: 'above 8× the threshold',
};

interface Bar {
  label: string;
  /** 0..1 of the axis. */
  fraction: number;
  value: string;
  tip: string;
  cls: string;
}

/** Horizontal bars with labels on the left and values on the right; optional 100 % track. */
function barChart(bars: Bar[], width: number, label: string, track: boolean, labelWidth: number, valueWidth: number): string {
  const rowH = 34, barH = 20, t = 6, b = 6;
  const height = t + b + bars.length * rowH;
  const left = labelWidth + 8;
  const iw = Math.max(30, width - left - valueWidth - 8);
  const body: string[] = [];
  bars.forEach((bar, i) => {
    const yTop = t + i * rowH + (rowH - barH) / 2;
    const w = Math.max(bar.fraction > 0 ? 2 : 0, bar.fraction * iw);
    body.push(`<g><title>${esc(bar.tip)}</title>`);
    body.push(`<text class="bar-label" x="${labelWidth}" y="${r1(yTop + barH / 2 + 4)}" text-anchor="end">${esc(bar.label)}</text>`);
    if (track) body.push(`<rect class="track" x="${left}" y="${r1(yTop)}" width="${r1(iw)}" height="${barH}" rx="3"/>`);
    body.push(`<rect class="${bar.cls}" x="${left}" y="${r1(yTop)}" width="${r1(w)}" height="${barH}" rx="3"/>`);
    body.push(`<text class="bar-value" x="${r1(left + (track ? iw : w) + 8)}" y="${r1(yTop + barH / 2 + 4)}">${esc(bar.value)}</text>`);
    body.push('</g>');
  });
  return svg(width, height, label, body);
}

/** Rows per severity band, coloured like the severity badges. */
export function severityChart(bySeverity: Record<Severity, number>, width: number): string {
  const total = SEVERITIES.reduce((s, k) => s + (bySeverity[k] ?? 0), 0);
  const max = Math.max(1, ...SEVERITIES.map((k) => bySeverity[k] ?? 0));
  const narrow = width < 380;
  const bars: Bar[] = SEVERITIES.map((s) => {
    const c = bySeverity[s] ?? 0;
    const share = total ? c / total : 0;
    return {
      label: s,
      fraction: c / max,
      value: narrow ? fmtInt(c) : `${fmtInt(c)} · ${fmtPct(share, 1)}`,
      tip: `${s} (${SEVERITY_HELP[s]}): ${fmtInt(c)} rows, ${fmtPct(share, 1)}`,
      cls: `sev-fill sev-${s.toLowerCase()}`,
    };
  });
  const label = `Severity breakdown of ${fmtInt(total)} rows: ` + bars.map((b) => `${b.label} ${fmtInt(bySeverity[b.label as Severity] ?? 0)}`).join(', ') + '.';
  return barChart(bars, width, label, false, 62, narrow ? 56 : 112);
}

/** Detection rate (recall) per attack category, on a 0–100 % track. */
export function categoryChart(byCategory: Record<ReportedCategory, CategoryStats>, width: number): string {
  const entries = (Object.entries(byCategory) as [ReportedCategory, CategoryStats][]).filter(([, s]) => s.total > 0);
  const narrow = width < 380;
  const bars: Bar[] = entries.map(([c, s]) => ({
    label: categoryName(c),
    fraction: s.rate,
    value: narrow ? fmtPct(s.rate, 1) : `${fmtPct(s.rate, 1)} · ${fmtInt(s.detected)}/${fmtInt(s.total)}`,
    tip: `${categoryName(c)}: ${fmtInt(s.detected)} of ${fmtInt(s.total)} attack rows detected (${fmtPct(s.rate, 2)})`,
    cls: 'rate-fill',
  }));
  const label = 'Detection rate per attack category: ' + bars.map((b) => `${b.label} ${b.value}`).join(', ') + '.';
  return barChart(bars, width, label, true, 62, narrow ? 56 : 132);
}

/** ROC curve on a square plot with the chance diagonal and the model's operating point. */
export function rocChart(
  roc: { fpr: number[]; tpr: number[] },
  auc: number,
  operating: { fpr: number; tpr: number } | null,
  width: number,
): string {
  const m = { l: 52, r: 14, t: 12, b: 48 };
  const side = Math.max(120, Math.min(width - m.l - m.r, 300));
  const W = side + m.l + m.r, H = side + m.t + m.b;
  const x = (v: number): number => m.l + v * side;
  const y = (v: number): number => m.t + side - v * side;
  const body: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(`<line class="grid" x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${m.t}" y2="${m.t + side}"/>`);
    body.push(`<line class="grid" x1="${m.l}" x2="${m.l + side}" y1="${r1(y(t))}" y2="${r1(y(t))}"/>`);
    body.push(`<text class="tick" x="${r1(x(t))}" y="${m.t + side + 18}" text-anchor="middle">${t}</text>`);
    body.push(`<text class="tick" x="${m.l - 8}" y="${r1(y(t) + 4)}" text-anchor="end">${t}</text>`);
  }
  body.push(`<rect class="axis-box" x="${m.l}" y="${m.t}" width="${side}" height="${side}"/>`);
  body.push(`<line class="chance" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}"/>`);
  const pts = roc.fpr.map((f, i) => `${r1(x(f))},${r1(y(roc.tpr[i]))}`);
  if (pts.length > 1) {
    body.push(`<path class="roc-area" d="M${r1(x(0))},${r1(y(0))} L${pts.join(' L')} L${r1(x(1))},${r1(y(0))} Z"/>`);
    body.push(`<polyline class="roc-line" points="${pts.join(' ')}"/>`);
  }
  if (operating) {
    body.push(`<circle class="roc-point" cx="${r1(x(operating.fpr))}" cy="${r1(y(operating.tpr))}" r="5"><title>${esc(`Operating point at the model threshold: false positive rate ${operating.fpr.toFixed(4)}, true positive rate ${operating.tpr.toFixed(4)}`)}</title></circle>`);
  }
  body.push(`<text class="axis-title" x="${m.l + side / 2}" y="${H - 8}" text-anchor="middle">False positive rate</text>`);
  body.push(`<text class="axis-title" transform="translate(14 ${m.t + side / 2}) rotate(-90)" text-anchor="middle">True positive rate</text>`);
  const label = `ROC curve, area under the curve ${Number.isFinite(auc) ? auc.toFixed(4) : 'undefined'}`
    + (operating ? `; at the model threshold the false positive rate is ${operating.fpr.toFixed(4)} and the true positive rate ${operating.tpr.toFixed(4)}.` : '.');
  return svg(W, H, label, body);
}
