import { attackCategory } from './categories.ts';
import { type Confusion, rates } from './confusion.ts';
import { prAucFromRanking, rocAucFromRanking, rocCurveFromRanking } from './curves.ts';
import { rank } from './ranking.ts';
import { ScoreHistogram } from './score-histogram.ts';

export type ReportedCategory = 'dos' | 'probe' | 'r2l' | 'u2r' | 'unknown';

export interface CategoryStats {
  total: number;
  detected: number;
  /** detected / total, 0 when total is 0. */
  rate: number;
}

export interface Metrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** NaN when only one class has been seen. */
  rocAuc: number;
  prAuc: number;
  fpr: number;
  confusion: Confusion;
  /** Attack rows only; 'normal' is not listed. */
  byCategory: Record<ReportedCategory, CategoryStats>;
  roc?: { fpr: number[]; tpr: number[] };
}

export interface AccumulatorOptions {
  /** Max points of the ROC curve in finish(); 0 leaves `roc` out. Default 256. */
  rocPoints?: number;
  /**
   * Rows whose scores are kept exactly (5 bytes each); past it, scores go into
   * a constant-size histogram (see score-histogram.ts). Default 8,000,000.
   */
  exactRows?: number;
}

const CATEGORIES: readonly ReportedCategory[] = ['dos', 'probe', 'r2l', 'u2r', 'unknown'];

/**
 * Streaming detection metrics over batches. Scores and truth are kept in growing typed
 * arrays (amortised doubling, no per-row objects) so the AUCs at the end are exact.
 */
export class MetricsAccumulator {
  private scores = new Float32Array(1024);
  private truth = new Uint8Array(1024);
  private n = 0;
  private tp = 0;
  private fp = 0;
  private tn = 0;
  private fn = 0;
  private readonly total = new Float64Array(CATEGORIES.length);
  private readonly detected = new Float64Array(CATEGORIES.length);
  private readonly rocPoints: number;
  private readonly exactRows: number;
  /** Set once the exact arrays would outgrow exactRows. */
  private histogram: ScoreHistogram | null = null;

  constructor(options: AccumulatorOptions = {}) {
    this.rocPoints = options.rocPoints ?? 256;
    this.exactRows = options.exactRows ?? 8_000_000;
  }

  /** Whether the AUCs will be exact (false once past exactRows). */
  get exact(): boolean {
    return this.histogram === null;
  }

  /** Rows seen so far. */
  get count(): number {
    return this.n;
  }

  /** labels: normalised labels ('normal', 'neptune', ...), same length as scores and flags. */
  add(scores: Float32Array | Float64Array, flags: Uint8Array, labels: string[]): void {
    const len = scores.length;
    if (flags.length !== len || labels.length !== len) {
      throw new RangeError(`batch lengths differ: scores ${len}, flags ${flags.length}, labels ${labels.length}`);
    }
    if (!this.histogram && this.n + len > this.exactRows) this.toHistogram();
    const histogram = this.histogram;
    if (!histogram) {
      this.reserve(this.n + len);
      this.scores.set(scores, this.n);
    }
    const truth = this.truth;
    let prevLabel = '';
    let prevCat = -1; // index into CATEGORIES, -1 for normal; cached since labels repeat in runs
    for (let i = 0; i < len; i++) {
      const label = labels[i];
      if (label !== prevLabel || i === 0) {
        const c = attackCategory(label);
        prevCat = c === 'normal' ? -1 : CATEGORIES.indexOf(c);
        prevLabel = label;
      }
      const attack = prevCat >= 0;
      const flagged = flags[i] !== 0;
      if (histogram) histogram.add(scores[i], attack);
      else truth[this.n + i] = attack ? 1 : 0;
      if (attack) {
        this.total[prevCat]++;
        if (flagged) { this.detected[prevCat]++; this.tp++; } else this.fn++;
      } else if (flagged) this.fp++;
      else this.tn++;
    }
    this.n += len;
  }

  finish(): Metrics {
    const confusion: Confusion = { tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn };
    const ranking = this.histogram ? this.histogram.ranking() : rank(this.scores.subarray(0, this.n), this.truth.subarray(0, this.n));
    const byCategory = {} as Record<ReportedCategory, CategoryStats>;
    CATEGORIES.forEach((c, i) => {
      const total = this.total[i], detected = this.detected[i];
      byCategory[c] = { total, detected, rate: total === 0 ? 0 : detected / total };
    });
    const metrics: Metrics = {
      ...rates(confusion),
      rocAuc: rocAucFromRanking(ranking),
      prAuc: prAucFromRanking(ranking),
      confusion,
      byCategory,
    };
    if (this.rocPoints > 0) {
      const { fpr, tpr } = rocCurveFromRanking(ranking, this.rocPoints);
      metrics.roc = { fpr, tpr };
    }
    return metrics;
  }

  private toHistogram(): void {
    const h = new ScoreHistogram();
    for (let i = 0; i < this.n; i++) h.add(this.scores[i], this.truth[i] === 1);
    this.histogram = h;
    this.scores = new Float32Array(0);
    this.truth = new Uint8Array(0);
  }

  private reserve(size: number): void {
    if (size <= this.scores.length) return;
    let cap = this.scores.length;
    while (cap < size) cap *= 2;
    const s = new Float32Array(cap);
    s.set(this.scores.subarray(0, this.n));
    const t = new Uint8Array(cap);
    t.set(this.truth.subarray(0, this.n));
    this.scores = s;
    this.truth = t;
  }
}
