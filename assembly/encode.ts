// Preprocessing in the module: parsed rows (f64, numeric features in schema order) into
// the padded f32 matrix the kernels read, with src/data/preprocess.ts's transform
// arithmetic bit for bit — log1p of the log features (negatives as 0), (v − mean) / scale
// in f64, clamped to ±MAX_Z, rounded to f32; the one-hot columns from a row template,
// each row's values set to their standardised 1.
//
// log1p is the host's (JavaScript's Math.log1p): this module's own (musl's) differs from
// V8's in the last bit for about 1 value in 5,000 — seldom enough to survive the rounding
// to f32, but exactness should not rest on odds. Most inputs are small whole numbers
// (counts, bytes, seconds), so the host's value of each is asked for once and kept in a
// table; only the rest (a few in 10,000) call out to the host.

@external("env", "log1p")
declare function hostLog1p(x: f64): f64;

/** Whole numbers below this have their log1p kept (512 kB of f64). */
const TABLE: i32 = 65536;
/** Zeroed static memory: 0 marks a value not asked for yet (log1p(v) > 0 for v ≥ 1). */
const LOG_TABLE: usize = memory.data(TABLE << 3, 8);

/** preprocess.ts MAX_Z: a standardised value is kept within a million standard deviations. */
const MAX_Z: f64 = 1e6;

@inline function log1pOf(v: f64): f64 {
  const x = v > 0 ? v : 0; // also NaN → 0, as logValue does
  if (x < <f64>TABLE) {
    const i = <i32>x;
    if (<f64>i == x) {
      if (i == 0) return 0;
      const at = LOG_TABLE + (<usize>i << 3);
      let y = load<f64>(at);
      if (y == 0) {
        y = hostLog1p(x);
        store<f64>(at, y);
      }
      return y;
    }
  }
  return hostLog1p(x);
}

/**
 * Encodes n rows. `numeric`: n × width f64. `logMask`: width u8 (1 = log feature).
 * `mean`, `scale`: width f64 (the numeric columns'). `template`: dp f32, the row before
 * its values are written (one-hot zeros standardised, padding 0). `one`: dp f32, each
 * one-hot column's standardised 1. `codes`: n × nCat i32, the one-hot column of each
 * categorical value, or −1 for a value unseen in training (its block stays as in the
 * template). `out`: n × dp f32.
 */
export function encodeRows(
  numeric: usize, n: i32, width: i32, logMask: usize, mean: usize, scale: usize,
  template: usize, one: usize, codes: usize, nCat: i32, out: usize, dp: i32,
): void {
  const rowBytes = <usize>dp << 2;
  for (let i = 0; i < n; i++) {
    const o = out + <usize>i * rowBytes;
    memory.copy(o, template, rowBytes);
    const x = numeric + (<usize>i * <usize>width << 3);
    for (let j = 0; j < width; j++) {
      const p = <usize>j << 3;
      let v = load<f64>(x + p);
      if (load<u8>(logMask + <usize>j) != 0) v = log1pOf(v);
      const z = (v - load<f64>(mean + p)) / load<f64>(scale + p);
      // An absurd value stays finite in f32; NaN stays NaN (min and max keep it), as Math.min/max do.
      store<f32>(o + (<usize>j << 2), <f32>min<f64>(max<f64>(z, -MAX_Z), MAX_Z));
    }
    const c = codes + (<usize>i * <usize>nCat << 2);
    for (let f = 0; f < nCat; f++) {
      const k = load<i32>(c + (<usize>f << 2));
      if (k >= 0) store<f32>(o + (<usize>k << 2), load<f32>(one + (<usize>k << 2)));
    }
  }
}
