// Input validation in the module: the detector's matrices are checked for NaN and
// ±Infinity here, four values at a time, after they are copied in (in JavaScript the
// same scan took 5 % of detection).

/** Index of the first NaN or ±Infinity among the `count` f32 values at X, or −1. */
export function firstNonFinite(X: usize, count: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const inf = f32x4.splat(Infinity);
    // |v| < ∞ is false exactly for NaN and ±∞; the scalar loop below finds which one.
    for (; i + 4 <= count; i += 4) {
      if (!i32x4.all_true(f32x4.lt(f32x4.abs(v128.load(X + (<usize>i << 2))), inf))) break;
    }
  }
  for (; i < count; i++) {
    if (!(Mathf.abs(load<f32>(X + (<usize>i << 2))) < Infinity)) return i;
  }
  return -1;
}
