export interface Histogram {
  /** bins + 1 bin edges, in value units (also for log scale). */
  edges: number[];
  counts: number[];
}

export interface HistogramOptions {
  /** Bin log10(value) instead of value; values <= 0 are skipped. Edges stay in value units. */
  log?: boolean;
}

/**
 * Equal-width histogram (in log10 space when `log`). min/max default to the data range;
 * values outside [min, max] and non-finite values are skipped; max falls in the last bin.
 * Accepts histogram(values, bins, { log: true }) as a shorthand.
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  min?: number | HistogramOptions,
  max?: number,
  options: HistogramOptions = {},
): Histogram {
  if (typeof min === 'object') {
    options = min;
    min = undefined;
  }
  const nb = Math.floor(bins);
  if (!(nb >= 1)) throw new RangeError(`bins must be >= 1, got ${bins}`);
  const log = options.log === true;
  const f = log ? Math.log10 : (v: number) => v;

  let lo = min === undefined ? Infinity : f(min);
  let hi = max === undefined ? -Infinity : f(max);
  if (min === undefined || max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      const x = f(v);
      if (min === undefined && x < lo) lo = x;
      if (max === undefined && x > hi) hi = x;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    // No usable data (or invalid bounds): a unit range so edges stay finite.
    lo = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi - 1 : 0;
    hi = Number.isFinite(hi) ? hi : lo + 1;
  }
  if (hi <= lo) hi = lo + 1; // constant data: one unit (one decade on log scale) wide

  const width = (hi - lo) / nb;
  const counts = new Float64Array(nb);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    const x = f(v);
    if (x < lo || x > hi) continue;
    let b = Math.floor((x - lo) / width);
    if (b >= nb) b = nb - 1;
    counts[b]++;
  }
  const edges: number[] = [];
  for (let b = 0; b <= nb; b++) {
    const e = b === nb ? hi : lo + b * width;
    edges.push(log ? 10 ** e : e);
  }
  return { edges, counts: Array.from(counts) };
}
