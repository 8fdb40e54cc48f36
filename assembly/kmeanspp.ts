// Greedy k-means++ seeding, as scikit-learn does it: at each step draw several
// candidates with probability proportional to D(x)², keep the one that lowers
// the potential most.

import { sqDist } from './distance';
import { allocZeroed } from './memory';
import { nextBelow, nextFloat } from './rng';

/** Writes k centres (padded rows of dp floats) into C; `trials` ≤ 0 means 2 + ln(k). */
export function kmeansPlusPlus(X: usize, n: i32, dp: i32, k: i32, C: usize, trials: i32): void {
  const rowBytes = <usize>dp << 2;
  const nTrials = trials > 0 ? trials : 2 + <i32>Math.log(<f64>k);
  const closest = allocZeroed(<usize>n << 3);           // f64 D(x)² to the chosen centres
  const candidate = allocZeroed(<usize>n << 3);         // f64 D(x)² if a candidate were added
  const bestCandidate = allocZeroed(<usize>n << 3);
  const cumulative = allocZeroed(<usize>n << 3);

  const first = nextBelow(n);
  memory.copy(C, X + <usize>first * rowBytes, rowBytes);
  let potential: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>sqDist(X + <usize>i * rowBytes, C, rowBytes);
    store<f64>(closest + (<usize>i << 3), v);
    potential += v;
  }

  for (let c = 1; c < k; c++) {
    let running: f64 = 0;
    for (let i = 0; i < n; i++) {
      running += load<f64>(closest + (<usize>i << 3));
      store<f64>(cumulative + (<usize>i << 3), running);
    }
    let bestPotential: f64 = Infinity;
    let bestId = 0;
    for (let t = 0; t < nTrials; t++) {
      const id = potential > 0 ? searchSorted(cumulative, n, nextFloat() * running) : nextBelow(n);
      const cand = X + <usize>id * rowBytes;
      let pot: f64 = 0;
      for (let i = 0; i < n; i++) {
        const p = <usize>i << 3;
        const d = <f64>sqDist(X + <usize>i * rowBytes, cand, rowBytes);
        const m = Math.min(d, load<f64>(closest + p));
        store<f64>(candidate + p, m);
        pot += m;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestId = id;
        memory.copy(bestCandidate, candidate, <usize>n << 3);
      }
    }
    memory.copy(C + <usize>c * rowBytes, X + <usize>bestId * rowBytes, rowBytes);
    memory.copy(closest, bestCandidate, <usize>n << 3);
    potential = bestPotential;
  }
  heap.free(closest);
  heap.free(candidate);
  heap.free(bestCandidate);
  heap.free(cumulative);
}

/** First index whose cumulative weight exceeds `value` (numpy's searchsorted, clipped). */
function searchSorted(cumulative: usize, n: i32, value: f64): i32 {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(cumulative + (<usize>mid << 3)) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
