#!/usr/bin/python3
"""scikit-learn's KMeans on the data and starting centres of bench/kmeans.ts.

Run by `npm run bench -- kmeans` with Debian's /usr/bin/python3 (python3-sklearn,
python3-threadpoolctl). Reads two float32 .npy files written by the TypeScript
bench (the rows and the initial centres), fits
KMeans(n_clusters=k, init=centres, n_init=1, max_iter=iters, tol=0, algorithm=...)
under threadpool_limits(1) and prints one JSON object on stdout:

  {"sklearn": version, "numpy": version, "threadpool": [...threadpoolctl info...],
   "results": [{"algorithm": "lloyd", "msPerIter": best, "medianMsPerIter": median,
                "iterations": n_iter_, "inertia": inertia_, "runs": [...]}, ...]}

msPerIter is the wall time of a whole fit() divided by n_iter_ (as the TypeScript
bench divides a whole lloyd() call), best over --repeat runs.
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info, threadpool_limits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--x", required=True, help="rows, float32 .npy (n × d)")
    ap.add_argument("--init", required=True, help="initial centres, float32 .npy (k × d)")
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--algorithms", default="lloyd,elkan")
    a = ap.parse_args()

    X = np.ascontiguousarray(np.load(a.x), dtype=np.float32)
    init = np.ascontiguousarray(np.load(a.init), dtype=np.float32)
    k = init.shape[0]
    results = []
    with threadpool_limits(limits=1):
        info = threadpool_info()
        for algorithm in a.algorithms.split(","):
            runs = []
            model = None
            for _ in range(a.repeat):
                model = KMeans(n_clusters=k, init=init, n_init=1, max_iter=a.iters, tol=0,
                               algorithm=algorithm, copy_x=True)
                t0 = time.perf_counter()
                model.fit(X)
                runs.append((time.perf_counter() - t0) * 1000 / model.n_iter_)
            results.append({
                "algorithm": algorithm,
                "msPerIter": round(min(runs), 3),
                "medianMsPerIter": round(statistics.median(runs), 3),
                "iterations": int(model.n_iter_),
                "inertia": float(model.inertia_),
                "runs": [round(r, 3) for r in runs],
            })
    json.dump({
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "threadpool": info,
        "results": results,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
