// Greedy k-means++ seeding, as scikit-learn does it: at each step draw several
// candidates with probability proportional to D(x)², keep the one that lowers
// the potential most. All candidates of a step are scored in one pass over the
// rows (the data is read twice per step, not once per candidate).

import { sqDist, sqDist4 } from './distance';
import { allocZeroed, free } from './memory';
import { nextBelow, nextFloat } from './rng';

const MAX_TRIALS = 64;

/** Writes k centres (padded rows of dp floats) into C; `trials` ≤ 0 means 2 + ln(k). */
export function kmeansPlusPlus(X: usize, n: i32, dp: i32, k: i32, C: usize, trials: i32): void {
  const rowBytes = <usize>dp << 2;
  const nTrials = min(trials > 0 ? trials : 2 + <i32>Math.log(<f64>k), MAX_TRIALS);
  const closest = allocZeroed(<usize>n << 3);     // f64 D(x)² to the chosen centres
  const cumulative = allocZeroed(<usize>n << 3);
  const ids = allocZeroed(<usize>nTrials << 2);
  const pots = allocZeroed(<usize>nTrials << 3);
  // Each candidate's squared distance to every row, kept from the scoring pass:
  // the chosen one's are the new D(x)² terms without a second pass over the data.
  const cand = allocZeroed(<usize>nTrials * <usize>n << 2);
  const nTrials4 = nTrials & ~3;

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
    for (let t = 0; t < nTrials; t++) {
      const id = potential > 0 ? searchSorted(cumulative, n, nextFloat() * running) : nextBelow(n);
      store<i32>(ids + (<usize>t << 2), id);
    }
    // Potential if each candidate were added: sum over rows of min(D², d(row, candidate)²),
    // four candidates at a time (each distance exactly as sqDist computes it).
    memory.fill(pots, 0, <usize>nTrials << 3);
    for (let i = 0; i < n; i++) {
      const x = X + <usize>i * rowBytes;
      const cur = load<f64>(closest + (<usize>i << 3));
      let t = 0;
      for (; t < nTrials4; t += 4) {
        const at = ids + (<usize>t << 2);
        const out = cand + ((<usize>t * <usize>n + <usize>i) << 2);
        sqDist4(x, X + <usize>load<i32>(at) * rowBytes, X + <usize>load<i32>(at, 4) * rowBytes,
          X + <usize>load<i32>(at, 8) * rowBytes, X + <usize>load<i32>(at, 12) * rowBytes, rowBytes, out, <usize>n << 2);
        for (let q = 0; q < 4; q++) {
          const p = pots + (<usize>(t + q) << 3);
          store<f64>(p, load<f64>(p) + Math.min(<f64>load<f32>(out + ((<usize>q * <usize>n) << 2)), cur));
        }
      }
      for (; t < nTrials; t++) {
        const d = sqDist(x, X + <usize>load<i32>(ids + (<usize>t << 2)) * rowBytes, rowBytes);
        store<f32>(cand + ((<usize>t * <usize>n + <usize>i) << 2), d);
        const p = pots + (<usize>t << 3);
        store<f64>(p, load<f64>(p) + Math.min(<f64>d, cur));
      }
    }
    let best = 0;
    for (let t = 1; t < nTrials; t++) {
      if (load<f64>(pots + (<usize>t << 3)) < load<f64>(pots + (<usize>best << 3))) best = t;
    }
    const chosen = X + <usize>load<i32>(ids + (<usize>best << 2)) * rowBytes;
    memory.copy(C + <usize>c * rowBytes, chosen, rowBytes);
    const kept = cand + ((<usize>best * <usize>n) << 2); // sqDist(row, chosen) of every row
    for (let i = 0; i < n; i++) {
      const p = closest + (<usize>i << 3);
      store<f64>(p, Math.min(<f64>load<f32>(kept + (<usize>i << 2)), load<f64>(p)));
    }
    potential = load<f64>(pots + (<usize>best << 3));
  }
  free(closest);
  free(cumulative);
  free(ids);
  free(pots);
  free(cand);
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
