#!/usr/bin/python3
"""scikit-learn doing what `npm run train` does, for `npm run bench -- train --vs-sklearn`.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-threadpoolctl). The
bench writes the plan of the model it trains (bench/train.ts: the schema's
features, log-scaled features, categorical features, the members' kind, k, seed
and features, restarts, folds, MiniBatch batch size, silhouette sample, and the
attack category of every label); this script then, on the same CSV file:

  read         csv.reader (no pandas on Debian's python3-sklearn), labels normalised
  preprocess   as src/data/preprocess.ts: vocabulary over all rows (sorted),
               log1p(max(v, 0)) on the log features, one-hot, mean/std on the
               normal rows (population variance, std floored at 0.01), clamped
               at ±1e6, float32
  fit          the 5-fold cross-validation (every member on the other folds'
               normal rows, n_init=1; distances of the held-out normal rows and
               of every attack row to the nearest centre; the median distance on
               the fit rows) and the final ensemble (every member on all normal
               rows, n_init=restarts; silhouette on a 2,000-row sample and
               Calinski-Harabasz). KMeans(algorithm="lloyd", tol=1e-4,
               max_iter=300) for kmeans members, MiniBatchKMeans(batch_size=2048,
               max_iter=100, tol=0, max_no_improvement=10,
               reassignment_ratio=0.01) for minibatch members, k-means++ starts
  threshold    scores fused as a silhouette-weighted geometric mean, the
               category-weighted F1-best cut, ROC-AUC and average precision

and prints one JSON object with the time of each phase (time.perf_counter), the
members' results, the threshold and metrics, the library versions and the
thread pools. --threads 1 runs under threadpool_limits(1) (with
OMP_NUM_THREADS=1 set by the caller); --threads N lets OpenMP and OpenBLAS use N.
--check X.npy compares the preprocessed matrix with Anomalyze's (outside the
timed phases).
"""

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans, MiniBatchKMeans  # noqa: E402
from sklearn.metrics import average_precision_score, calinski_harabasz_score, roc_auc_score, silhouette_score  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

T_IMPORTED = time.perf_counter()
EPSILON = 1e-3  # as src/model/ensemble.ts
MAX_Z = 1e6


def read_csv(path, n_features):
    rows = []
    labels = []
    with open(path, newline="") as f:
        for rec in csv.reader(f):
            if not rec or (len(rec) == 1 and rec[0].strip() == ""):
                continue
            rows.append(rec[:n_features])
            label = rec[n_features].strip()
            if label.endswith("."):
                label = label[:-1].rstrip()
            labels.append(label.lower())
    return rows, labels


def preprocess(rows, normal, plan):
    features = plan["features"]
    categorical = plan["categorical"]
    numeric = [f for f in features if f not in categorical]
    index = {f: i for i, f in enumerate(features)}
    cols = list(zip(*rows))  # per source column
    num = np.array([cols[index[f]] for f in numeric], dtype=np.float64).T  # n × numeric
    logs = np.array([f in plan["logFeatures"] for f in numeric])
    num[:, logs] = np.log1p(np.maximum(num[:, logs], 0))
    blocks = [num]
    names = list(numeric)
    for f in categorical:
        values = np.array(cols[index[f]])
        vocab = sorted(set(values))
        codes = np.searchsorted(np.array(vocab), values)
        onehot = np.zeros((len(values), len(vocab)))
        onehot[np.arange(len(values)), codes] = 1
        blocks.append(onehot)
        names += [f"{f}={v}" for v in vocab]
    raw = np.hstack(blocks)
    mean = raw[normal].mean(axis=0)
    std = np.maximum(raw[normal].std(axis=0), plan["minScale"])
    X = np.clip((raw - mean) / std, -MAX_Z, MAX_Z).astype(np.float32)
    return X, names


def make_model(spec, n_init, plan):
    if spec["kind"] == "minibatch":
        return MiniBatchKMeans(n_clusters=spec["k"], batch_size=plan["batchSize"], n_init=n_init, max_iter=100, tol=0.0,
                               max_no_improvement=10, reassignment_ratio=0.01, random_state=spec["seed"])
    return KMeans(n_clusters=spec["k"], n_init=n_init, max_iter=300, tol=1e-4, algorithm="lloyd", random_state=spec["seed"])


def nearest_distances(model, X):
    return model.transform(X).min(axis=1)


def best_weighted_f1(scores, truth, weights):
    order = np.argsort(-scores, kind="stable")
    s, t, w = scores[order], truth[order], weights[order]
    tp = np.cumsum(w * t)
    fp = np.cumsum(w * (1 - t))
    pos = tp[-1]
    last = np.append(s[1:] != s[:-1], True)  # cut only between distinct scores
    f1 = np.where(last, 2 * tp / (tp + fp + pos), -1)
    best = int(np.argmax(f1))
    hi = s[best]
    threshold = (s[best + 1] + hi) / 2 if best + 1 < len(s) else hi - 1
    return float(threshold), float(f1[best])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--check", help="Anomalyze's preprocessed matrix (float32 .npy) to compare with")
    a = ap.parse_args()
    with open(a.plan) as f:
        plan = json.load(f)
    warnings.filterwarnings("ignore", category=FutureWarning)  # n_init defaults changing in 1.4: every n_init is explicit here

    with threadpool_limits(limits=a.threads):
        pools = threadpool_info()
        t0 = time.perf_counter()
        rows, labels = read_csv(a.data, len(plan["features"]))
        t_read = time.perf_counter()
        labels = np.array(labels)
        normal = labels == "normal"
        X, names = preprocess(rows, normal, plan)
        del rows
        t_pre = time.perf_counter()

        members = plan["members"]
        columns = [np.array([j for j, name in enumerate(names) if name.split("=")[0] in set(m["features"])]) for m in members]
        normal_idx = np.flatnonzero(normal)
        attack_idx = np.flatnonzero(~normal)
        folds = plan["folds"]
        fold_of = np.arange(len(normal_idx)) % folds
        cv_dist, cv_scale, cv_rows, cv_held = [], [], [], []
        for f in range(folds):
            fit_rows = normal_idx[fold_of != f]
            held = normal_idx[fold_of == f]
            score_rows = np.concatenate([held, attack_idx])
            dists, scales = [], []
            for spec, cols in zip(members, columns):
                Xf = X[np.ix_(fit_rows, cols)]
                model = make_model(spec, 1, plan).fit(Xf)
                scales.append(float(np.median(nearest_distances(model, Xf))))
                dists.append(nearest_distances(model, X[np.ix_(score_rows, cols)]))
            cv_dist.append(dists)
            cv_scale.append(scales)
            cv_rows.append(score_rows)
            cv_held.append(len(held))
        t_cv = time.perf_counter()

        final = []
        for spec, cols in zip(members, columns):
            Xm = X[np.ix_(normal_idx, cols)]
            model = make_model(spec, plan["nInit"], plan).fit(Xm)
            labels_m = model.labels_
            final.append({
                "kind": spec["kind"], "k": spec["k"], "columns": int(len(cols)),
                "inertia": float(model.inertia_), "iterations": int(model.n_iter_ if spec["kind"] == "kmeans" else model.n_steps_),
                "silhouette": float(silhouette_score(Xm, labels_m, sample_size=min(plan["silhouetteSample"], len(Xm)), random_state=spec["seed"])),
                "calinskiHarabasz": float(calinski_harabasz_score(Xm, labels_m)),
                "scale": float(np.median(nearest_distances(model, Xm))),
            })
        t_fit = time.perf_counter()

        raw = np.array([max(m["silhouette"], 0.01) for m in final])
        weights = raw / raw.sum()
        cv = np.zeros(len(labels))
        for f in range(folds):
            log_sum = sum(w * np.log(d / s + EPSILON) for w, d, s in zip(weights, cv_dist[f], cv_scale[f]))
            scores = np.exp(log_sum)
            held = cv_held[f]
            cv[cv_rows[f][:held]] += scores[:held]
            cv[cv_rows[f][held:]] += scores[held:] / folds
        truth = (~normal).astype(np.float64)
        cats = np.array([plan["categories"].get(lbl, "unknown") for lbl in labels])
        row_w = np.ones(len(labels))
        attack_cats = sorted(set(cats[~normal]))
        if attack_cats:
            per = (~normal).sum() / len(attack_cats)
            for c in attack_cats:
                sel = cats == c
                row_w[sel] = per / sel.sum()
        threshold, f1 = best_weighted_f1(cv, truth, row_w)
        roc = float(roc_auc_score(truth, cv)) if attack_cats else None
        ap_score = float(average_precision_score(truth, cv)) if attack_cats else None
        t_end = time.perf_counter()

    check = None
    if a.check:
        theirs = np.load(a.check)
        diff = np.abs(theirs.astype(np.float64) - X.astype(np.float64))
        check = {"shape": list(theirs.shape), "sameShape": theirs.shape == X.shape,
                 "maxAbsDiff": float(diff.max()) if theirs.shape == X.shape else None,
                 "equalShare": float((theirs == X).mean()) if theirs.shape == X.shape else None}

    json.dump({
        "sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
        "threads": a.threads, "threadpool": pools,
        "rows": int(len(labels)), "normalRows": int(normal.sum()), "dim": int(X.shape[1]),
        "seconds": {
            "import": round(T_IMPORTED - T_START, 3), "read": round(t_read - t0, 3), "preprocess": round(t_pre - t_read, 3),
            "crossValidation": round(t_cv - t_pre, 3), "finalFit": round(t_fit - t_cv, 3), "fit": round(t_fit - t_pre, 3),
            "threshold": round(t_end - t_fit, 3), "total": round(t_end - T_START, 3),
        },
        "members": final, "threshold": threshold, "objectiveF1": f1, "rocAuc": roc, "averagePrecision": ap_score,
        "check": check,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
