#!/usr/bin/env python3
"""Trains the three models of SAP_LLM Desktop and exports them to ONNX.

Input: training tables written by `sapllm train-data <folder> --out <dir>` (the Rust
pipeline's own feature code) for a TRAIN split and a TEST split of the generated corpus whose
layout families are disjoint (`sapllm-corpus generate --split train|test`).

Models (all small, CPU, deterministic with the fixed seeds below):
- ranker:  gradient-boosted trees over candidate-group features -> P(value is right);
- doctype: multinomial logistic regression over hashed words + rule scores -> document type;
- subtype: the same over the subtype rows -> invoice subtype.

Output per model: models/<name>/model.onnx, model.json (spec read by Rust: name, version,
features, classes, sha256, feature_version) and metrics.json (held-out metrics, size,
latency) from which MODEL_CARD.md is written.

Usage: python models/train.py --train <tables-train> --test <tables-test> --out models
       [--version 1] [--feature-version 1] [--doc-feature-version 1]
"""
import argparse
import hashlib
import json
import os
import time
from collections import defaultdict

import numpy as np
import onnxruntime as ort
from scipy.sparse import csr_matrix
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

SEED = 7

# Ranker features the model is not allowed to learn from (their columns are zeroed for
# training, so no tree splits on them and the served value does not matter). Both describe the
# generator's house style more than whether a value is right: generated pages offer few rival
# readings per field (78 % of the training rows have none, 1 % three or more) and print the
# document number in body type (98 % of its rows; 10 of 3007 above 1.2 times the body size),
# so what the trees learned from the few other rows (larger type = wrong, more rivals =
# wrong) pushed right values on real pages below p = 0.2: a number printed in the title line
# in larger type, a field with several rival readings on a longer real page.
RANKER_IGNORED_FEATURES = {
    33: "number of rival candidate groups of the field",
    39: "type size of the value relative to the body text",
}
# A leaf must rest on this many training rows (0.2 % of the table): the model then cannot
# learn a rule from a handful of generated rows, which is what failed on real layouts.
RANKER_MIN_SAMPLES_LEAF = 100


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def candidates(dirname):
    rows = read_jsonl(os.path.join(dirname, "candidates.jsonl"))
    X = np.array([r["features"] for r in rows], dtype=np.float32)
    y = np.array([r["label"] for r in rows], dtype=np.int64)
    rule = np.array([r["rule_confidence"] for r in rows], dtype=np.float32)
    keys = [(r["doc"], r["field"]) for r in rows]
    return X, y, rule, keys


def sparse_rows(dirname, name):
    rows = read_jsonl(os.path.join(dirname, f"{name}.jsonl"))
    if not rows:
        return None, [], [], []
    width = rows[0]["width"]
    data, ind, ptr = [], [], [0]
    for r in rows:
        data.extend(r["value"])
        ind.extend(r["index"])
        ptr.append(len(data))
    X = csr_matrix((np.array(data, dtype=np.float32), np.array(ind), np.array(ptr)),
                   shape=(len(rows), width))
    return X, [r["label"] for r in rows], [r.get("rule") for r in rows], [r["doc"] for r in rows]


def top1(scores, y, keys):
    """Share of (document, field) pairs with a right candidate where the best-scored one is right."""
    groups = defaultdict(list)
    for i, k in enumerate(keys):
        groups[k].append(i)
    hit = total = 0
    for idx in groups.values():
        if not any(y[i] for i in idx):
            continue
        total += 1
        best = max(idx, key=lambda i: scores[i])
        hit += int(y[best] == 1)
    return hit / total if total else None, total


def per_field_top1(scores, y, keys):
    fields = sorted({k[1] for k in keys})
    out = {}
    for f in fields:
        sel = [i for i, k in enumerate(keys) if k[1] == f]
        acc, n = top1(scores[sel], y[sel], [keys[i] for i in sel])
        out[f] = {"top1": acc, "pairs": n}
    return out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def export(model, width, name, classes, out, version, feature_version, ignored_features=None):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    onx = convert_sklearn(
        model,
        initial_types=[("features", FloatTensorType([None, width]))],
        options={id(model): {"zipmap": False}},
        target_opset={"": 17, "ai.onnx.ml": 3},
    )
    # Name the probability output as the Rust side expects it.
    for o in onx.graph.output:
        if o.name == "probabilities":
            break
    else:
        raise SystemExit(f"{name}: exported graph has no 'probabilities' output")
    path = os.path.join(folder, "model.onnx")
    with open(path, "wb") as f:
        f.write(onx.SerializeToString())
    spec = {
        "name": name,
        "version": version,
        "features": width,
        "classes": [str(c) for c in classes],
        "sha256": sha256(path),
        "feature_version": feature_version,
    }
    if ignored_features:
        # Read by the Rust tests, which check that the model really ignores them.
        spec["ignored_features"] = [int(i) for i in ignored_features]
    with open(os.path.join(folder, "model.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    return path


def latency_ms(path, width, rows, runs=200):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(SEED).random((rows, width), dtype=np.float32)
    for _ in range(10):
        sess.run(None, {"features": x})
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        sess.run(None, {"features": x})
        t.append((time.perf_counter() - s) * 1000)
    return float(np.median(t))


def check_onnx_matches(path, model, X):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = sess.run(["probabilities"], {"features": X.astype(np.float32)})[0]
    want = model.predict_proba(X)
    diff = float(np.max(np.abs(got - want)))
    if diff > 1e-3:
        raise SystemExit(f"{path}: ONNX and scikit-learn disagree by {diff}")
    return diff


def train_ranker(args, metrics):
    Xtr, ytr, _, _ = candidates(args.train)
    Xte, yte, rule_te, keys_te = candidates(args.test)
    ignored = sorted(RANKER_IGNORED_FEATURES)
    Xtr[:, ignored] = 0.0
    Xte[:, ignored] = 0.0
    # Classic gradient boosting: skl2onnx exports it reliably (its HistGradientBoosting
    # converter failed on this version), and at this data size it trains in seconds.
    clf = GradientBoostingClassifier(
        n_estimators=250, learning_rate=0.08, max_depth=4,
        min_samples_leaf=RANKER_MIN_SAMPLES_LEAF, subsample=0.9, random_state=SEED)
    clf.fit(Xtr, ytr)
    p = clf.predict_proba(Xte)[:, 1]
    model_top1, pairs = top1(p, yte, keys_te)
    rule_top1, _ = top1(rule_te, yte, keys_te)
    # Calibration: mean predicted probability vs observed rate of the chosen candidates.
    groups = defaultdict(list)
    for i, k in enumerate(keys_te):
        groups[k].append(i)
    chosen = [max(idx, key=lambda i: p[i]) for idx in groups.values()]
    bins = np.linspace(0, 1, 6)
    calib = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = [i for i in chosen if lo <= p[i] < hi or (hi == 1 and p[i] == 1)]
        if sel:
            calib.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(sel),
                          "mean_p": float(np.mean(p[sel])), "right": float(np.mean(yte[sel]))})
    path = export(clf, Xtr.shape[1], "ranker", clf.classes_, args.out, args.version,
                  args.feature_version, ignored_features=ignored)
    diff = check_onnx_matches(path, clf, Xte[:500])
    metrics["ranker"] = {
        "train_rows": int(len(ytr)), "train_positive": int(ytr.sum()),
        "test_rows": int(len(yte)), "test_pairs": pairs,
        "test_top1": model_top1, "rule_top1": rule_top1,
        "ignored_features": ", ".join(f"{i} ({why})" for i, why in RANKER_IGNORED_FEATURES.items()),
        "min_samples_leaf": RANKER_MIN_SAMPLES_LEAF,
        "per_field": per_field_top1(p, yte, keys_te),
        "calibration_of_winners": calib,
        "onnx_max_abs_diff": diff,
        "size_bytes": os.path.getsize(path),
        "latency_ms_p50_one_thread_64_rows": latency_ms(path, Xtr.shape[1], 64),
    }


def train_classifier(args, metrics, name, C):
    Xtr, ytr, _, _ = sparse_rows(args.train, name)
    if Xtr is None:
        print(f"{name}: no training rows, skipped")
        return
    Xte, yte, rule_te, _ = sparse_rows(args.test, name)
    clf = LogisticRegression(C=C, max_iter=2000, random_state=SEED)
    clf.fit(Xtr, ytr)
    m = {"train_rows": len(ytr), "classes": [str(c) for c in clf.classes_]}
    if Xte is not None:
        pred = clf.predict(Xte)
        m["test_rows"] = len(yte)
        m["test_accuracy"] = float(np.mean(pred == np.array(yte)))
        m["rule_accuracy"] = float(np.mean([r == t for r, t in zip(rule_te, yte)]))
        confusion = defaultdict(int)
        for t, q in zip(yte, pred):
            if t != q:
                confusion[f"{t} -> {q}"] += 1
        m["errors"] = dict(sorted(confusion.items(), key=lambda kv: -kv[1])[:15])
    path = export(clf, Xtr.shape[1], name, clf.classes_, args.out, args.version,
                  args.doc_feature_version)
    if Xte is not None:
        m["onnx_max_abs_diff"] = check_onnx_matches(path, clf, Xte[:200].toarray())
    m["size_bytes"] = os.path.getsize(path)
    m["latency_ms_p50_one_thread_1_row"] = latency_ms(path, Xtr.shape[1], 1)
    metrics[name] = m


CARD_INTRO = {
    "ranker": ("Candidate ranker",
               "Gradient-boosted trees (scikit-learn GradientBoostingClassifier, 250 trees, depth 4, "
               "at least 100 training rows per leaf) over 66 features of a candidate group: how the rule generators found the value, "
               "where it is on the page, what it looks like, how it compares with its rivals (two "
               "of them ignored: `ignored_features` below). "
               "Its probability that a candidate is right picks each header field's winner and "
               "becomes the field's confidence; the rule extractor proposes the candidates, and the "
               "arithmetic self-correction and validation still apply on top."),
    "doctype": ("Document-type classifier",
                "Multinomial logistic regression over hashed unigrams and bigrams of the text and of "
                "the page head (2 x 1024 buckets) plus the rule classifier's scores."),
    "subtype": ("Invoice-subtype identifier",
                "Multinomial logistic regression over the document-type features, the rule "
                "subtype scores (cue phrases in eight languages) and facts from extraction (zero "
                "VAT, negative total, VAT IDs of two countries, PO number, line count, amount due "
                "below the total, total under the small-amount limit, zero VAT with the buyer's "
                "VAT ID, no printed subtype evidence); document feature version 2."),
}


def corpus_note(path):
    if not path:
        return "not recorded"
    try:
        with open(os.path.join(path, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
    except OSError:
        return path
    fams = m.get("train_families") if m.get("split") == "train" else m.get("test_families")
    return (f"`sapllm-corpus generate --split {m.get('split')} --seed {m.get('seed')} "
            f"--count {m.get('count')}`: {len(m.get('documents', []))} documents, languages "
            f"{', '.join(m.get('languages', []))}; families: {', '.join(fams or [])}")


def write_card(out, name, m, args):
    title, what = CARD_INTRO[name]
    lines = [f"# Model card: {title} (`{name}`)", "", what, "",
             "## Training data", "",
             f"- train split: {corpus_note(args.train_corpus)}",
             f"- held-out split (layout families never seen in training): {corpus_note(args.test_corpus)}",
             "- feature tables written by `sapllm train-data` (the product's own feature code)", "",
             "## Metrics on the held-out families", ""]
    for k, v in m.items():
        if k in ("per_field", "errors", "calibration_of_winners", "classes"):
            continue
        lines.append(f"- {k}: {v:.4f}" if isinstance(v, float) else f"- {k}: {v}")
    if "per_field" in m:
        lines += ["", "| field | top-1 | pairs |", "|---|---|---|"]
        for f, x in m["per_field"].items():
            t = "-" if x["top1"] is None else f"{x['top1']:.4f}"
            lines.append(f"| {f} | {t} | {x['pairs']} |")
    if "calibration_of_winners" in m:
        lines += ["", "Calibration of the chosen candidates (mean probability vs share right):", "",
                  "| p | n | mean p | right |", "|---|---|---|---|"]
        for c in m["calibration_of_winners"]:
            lines.append(f"| {c['bin']} | {c['n']} | {c['mean_p']:.3f} | {c['right']:.3f} |")
    if "errors" in m:
        lines += ["", "Most frequent confusions (truth -> predicted): " +
                  ", ".join(f"{k} {v}" for k, v in m["errors"].items())]
    if name == "ranker":
        lines += ["", "## What the ranker may not learn from", "",
                  "Columns " + ", ".join(f"{i} ({why})" for i, why in RANKER_IGNORED_FEATURES.items()) +
                  " are zeroed for training (the spec lists them as `ignored_features`; a Rust test "
                  "checks the model does not react to them), and every leaf rests on at least "
                  f"{RANKER_MIN_SAMPLES_LEAF} training rows. Why: the generator offers few rival readings "
                  "per field and prints document numbers in body type, so trees fitted to the handful "
                  "of other generated rows learned 'larger type or more rivals = wrong' and pushed "
                  "right values on real pages (printed e-invoices) below p = 0.2. The two features were "
                  "found by reading which features moved those real right answers; a handful of "
                  "variants (which columns, leaf size 10 or 100, depth 3 or 4) were then compared on "
                  "the generated held-out tables and on the dev tables, so the dev set is not an "
                  "untouched test of this choice. On the generated held-out families it costs about "
                  "0.001 header micro-F1 (winners by the served blend, simulated on the same tables: 0.9744 "
                  "vs 0.9753 without the two changes)."]
    lines += ["", "## Size, speed, licence", "",
              f"- ONNX file: {m.get('size_bytes', 0) / 1024:.0f} KiB (committed; SHA-256 in model.json, checked before loading)",
              "- latency: see the metrics above (ONNX Runtime, one thread, measured by train.py) and "
              "`sapllm bench` for the whole extraction stage per page",
              "- licence: proprietary, trained only on documents generated by `sapllm-corpus` (no third-party data)",
              "", "Reproduce: `models/build.sh` (corpus, tables, training, cards)."]
    with open(os.path.join(out, name, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--version", default="1")
    ap.add_argument("--feature-version", type=int, default=1)
    ap.add_argument("--doc-feature-version", type=int, default=1)
    ap.add_argument("--only", choices=["ranker", "doctype", "subtype"], action="append",
                    help="train only this model (repeatable); default: all three")
    ap.add_argument("--train-corpus", help="corpus folder of the train tables (for the card)")
    ap.add_argument("--test-corpus", help="corpus folder of the test tables (for the card)")
    args = ap.parse_args()
    metrics = {}
    if not args.only or "ranker" in args.only:
        train_ranker(args, metrics)
    if not args.only or "doctype" in args.only:
        train_classifier(args, metrics, "doctype", C=4.0)
    if not args.only or "subtype" in args.only:
        train_classifier(args, metrics, "subtype", C=4.0)
    for name, m in metrics.items():
        with open(os.path.join(args.out, name, "metrics.json"), "w", encoding="utf-8") as f:
            json.dump(m, f, indent=2)
            f.write("\n")
        write_card(args.out, name, m, args)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk not in ("per_field", "errors", "calibration_of_winners")}
                      for k, v in metrics.items()}, indent=2))


if __name__ == "__main__":
    main()
