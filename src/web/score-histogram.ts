// Streaming score histogram for the browser demo: every score goes into fine log-spaced
// bins as batches stream (split into normal and attack rows when the input is labelled),
// and finish() trims the empty tails and merges the fine bins into a few display bins.
// Memory is constant whatever the number of rows.

import { histogram } from '../metrics/histogram.ts';
import { isAttackLabel } from '../metrics/categories.ts';

/** Scores are clamped into [LO, HI] (values at or below 0 land in the first bin). */
const LO = 1e-3;
const HI = 1e5;
const PER_DECADE = 50;
const FINE_BINS = Math.round(Math.log10(HI / LO) * PER_DECADE);

export interface ScoreHistogram {
  /** bins + 1 edges, in score units, log-spaced. */
  edges: number[];
  /** Rows per bin (all rows). */
  total: number[];
  /** Rows per bin by ground truth, when the input is labelled. */
  normal: number[] | null;
  attack: number[] | null;
  threshold: number;
  /** Rows counted. */
  count: number;
  /** False when the source only reported some rows (e.g. a server that returned anomalies only). */
  complete: boolean;
}

export class ScoreHistogramBuilder {
  private readonly total = new Float64Array(FINE_BINS);
  private normal: Float64Array | null = null;
  private attack: Float64Array | null = null;
  private count = 0;
  private clamped = new Float32Array(0);

  /** labels: normalised labels of the same rows, or null for unlabelled input. */
  add(scores: ArrayLike<number>, labels: readonly string[] | null): void {
    const n = scores.length;
    if (n === 0) return;
    if (this.clamped.length < n) this.clamped = new Float32Array(n);
    const v = this.clamped.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      v[i] = Number.isFinite(s) ? Math.min(HI, Math.max(LO, s)) : s > 0 ? HI : LO;
    }
    addInto(this.total, v);
    if (labels) {
      this.normal ??= new Float64Array(FINE_BINS);
      this.attack ??= new Float64Array(FINE_BINS);
      const normal: number[] = [];
      const attack: number[] = [];
      for (let i = 0; i < n; i++) (isAttackLabel(labels[i]) ? attack : normal).push(v[i]);
      addInto(this.normal, normal);
      addInto(this.attack, attack);
    }
    this.count += n;
  }

  /** At most maxBins display bins spanning the data and the threshold. */
  finish(threshold: number, maxBins = 40, complete = true): ScoreHistogram {
    let first = this.total.findIndex((c) => c > 0);
    let last = FINE_BINS - 1;
    while (last >= 0 && this.total[last] === 0) last--;
    const tBin = fineBin(threshold);
    if (first < 0) {
      first = Math.max(0, tBin - PER_DECADE);
      last = Math.min(FINE_BINS - 1, tBin + PER_DECADE);
    }
    first = Math.min(first, tBin);
    last = Math.max(last, tBin);
    const span = last - first + 1;
    const group = Math.max(1, Math.ceil(span / maxBins));
    const bins = Math.ceil(span / group);
    const edges: number[] = [];
    for (let b = 0; b <= bins; b++) edges.push(fineEdge(first + b * group));
    const merge = (src: Float64Array): number[] => {
      const out = new Array<number>(bins).fill(0);
      for (let f = first; f <= last; f++) out[Math.floor((f - first) / group)] += src[f];
      return out;
    };
    return {
      edges,
      total: merge(this.total),
      normal: this.normal ? merge(this.normal) : null,
      attack: this.attack ? merge(this.attack) : null,
      threshold,
      count: this.count,
      complete,
    };
  }
}

function addInto(into: Float64Array, values: ArrayLike<number>): void {
  if (values.length === 0) return;
  const h = histogram(values, FINE_BINS, LO, HI, { log: true });
  for (let b = 0; b < FINE_BINS; b++) into[b] += h.counts[b];
}

function fineEdge(b: number): number {
  return 10 ** (Math.log10(LO) + b / PER_DECADE);
}

function fineBin(x: number): number {
  const b = Math.floor((Math.log10(Math.min(HI, Math.max(LO, x))) - Math.log10(LO)) * PER_DECADE);
  return Math.min(FINE_BINS - 1, Math.max(0, b));
}
