// MiniBatch K-means with scikit-learn's semantics: each step draws a batch with
// replacement, and a centre moves towards the mean of its batch rows with a
// learning rate of (batch count) / (total count seen so far), so it settles as
// its per-centre count grows. Early stop on centre shift (tol) or when the
// smoothed batch inertia stops improving; rarely-hit centres are re-seeded.
// One deliberate difference: rarely-hit centres are checked every 10·k batches
// (scikit-learn: every 10·k samples, i.e. every step at our batch sizes), so a
// centre gets time to gather counts before it can be moved again.

import { nearest } from './distance';
import { allocZeroed, free } from './memory';
import { nextBelow } from './rng';

/** Runs up to `maxSteps` mini-batch steps in place on C; returns the steps run. */
export function miniBatch(
  X: usize, n: i32, dp: i32, C: usize, k: i32,
  batchSize: i32, maxSteps: i32, tolAbs: f64,
  maxNoImprovement: i32, reassignmentRatio: f64,
): i32 {
  const rowBytes = <usize>dp << 2;
  const b = batchSize < n ? batchSize : n;
  const batch = allocZeroed(<usize>b * rowBytes);
  const labels = allocZeroed(<usize>b << 2);
  const dists = allocZeroed(<usize>b << 2);
  const counts = allocZeroed(<usize>k << 3);     // per-centre weight seen so far
  const batchCounts = allocZeroed(<usize>k << 3);
  const sums = allocZeroed(<usize>k * <usize>dp << 3);
  const alpha = Math.min(1.0, <f64>b * 2.0 / (<f64>n + 1.0));
  let ewa: f64 = -1;
  let ewaMin: f64 = Infinity;
  let noImprovement = 0;
  let sinceReassign = 0;
  let steps = 0;
  for (let step = 0; step < maxSteps; step++) {
    for (let r = 0; r < b; r++) {
      memory.copy(batch + <usize>r * rowBytes, X + <usize>nextBelow(n) * rowBytes, rowBytes);
    }
    const batchInertia = nearest(batch, b, dp, C, k, labels, dists) / <f64>b;
    steps = step + 1;

    memory.fill(sums, 0, <usize>k * <usize>dp << 3);
    memory.fill(batchCounts, 0, <usize>k << 3);
    for (let r = 0; r < b; r++) {
      const j = load<i32>(labels + (<usize>r << 2));
      const s = sums + <usize>j * <usize>dp * 8;
      const x = batch + <usize>r * rowBytes;
      for (let t = 0; t < dp; t++) {
        const p = s + (<usize>t << 3);
        store<f64>(p, load<f64>(p) + <f64>load<f32>(x + (<usize>t << 2)));
      }
      store<f64>(batchCounts + (<usize>j << 3), load<f64>(batchCounts + (<usize>j << 3)) + 1);
    }
    let shift: f64 = 0;
    for (let j = 0; j < k; j++) {
      const got = load<f64>(batchCounts + (<usize>j << 3));
      if (got == 0) continue;
      const seen = load<f64>(counts + (<usize>j << 3));
      const total = seen + got;
      const c = C + <usize>j * rowBytes;
      const s = sums + <usize>j * <usize>dp * 8;
      for (let t = 0; t < dp; t++) {
        const old = <f64>load<f32>(c + (<usize>t << 2));
        const updated = (old * seen + load<f64>(s + (<usize>t << 3))) / total;
        shift += (updated - old) * (updated - old);
        store<f32>(c + (<usize>t << 2), <f32>updated);
      }
      store<f64>(counts + (<usize>j << 3), total);
    }

    sinceReassign += b;
    if (reassignmentRatio > 0 && (hasZero(counts, k) || sinceReassign >= 10 * k * b)) {
      sinceReassign = 0;
      reassign(batch, b, dp, C, k, counts, reassignmentRatio);
    }

    if (tolAbs > 0 && shift <= tolAbs) break;
    ewa = ewa < 0 ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    if (ewa < ewaMin) { ewaMin = ewa; noImprovement = 0; }
    else if (++noImprovement >= maxNoImprovement) break;
  }
  free(batch); free(labels); free(dists);
  free(counts); free(batchCounts); free(sums);
  return steps;
}

function hasZero(counts: usize, k: i32): bool {
  for (let j = 0; j < k; j++) if (load<f64>(counts + (<usize>j << 3)) == 0) return true;
  return false;
}

/** Centres hit far less than the busiest one move to random rows of the batch. */
function reassign(batch: usize, b: i32, dp: i32, C: usize, k: i32, counts: usize, ratio: f64): void {
  const rowBytes = <usize>dp << 2;
  let maxCount: f64 = 0;
  for (let j = 0; j < k; j++) maxCount = Math.max(maxCount, load<f64>(counts + (<usize>j << 3)));
  const floor = ratio * maxCount;
  let minKept: f64 = Infinity;
  for (let j = 0; j < k; j++) {
    const c = load<f64>(counts + (<usize>j << 3));
    if (c >= floor) minKept = Math.min(minKept, c);
  }
  // Distinct batch rows for the moved centres (scikit-learn draws without replacement).
  const taken = allocZeroed(<usize>k << 2);
  let moved = 0;
  for (let j = 0; j < k && moved * 2 < b; j++) {
    if (load<f64>(counts + (<usize>j << 3)) >= floor) continue;
    let r = nextBelow(b);
    while (contains(taken, moved, r)) r = nextBelow(b);
    store<i32>(taken + (<usize>moved << 2), r);
    memory.copy(C + <usize>j * rowBytes, batch + <usize>r * rowBytes, rowBytes);
    store<f64>(counts + (<usize>j << 3), minKept);
    moved++;
  }
  free(taken);
}

function contains(list: usize, n: i32, value: i32): bool {
  for (let i = 0; i < n; i++) if (load<i32>(list + (<usize>i << 2)) == value) return true;
  return false;
}
