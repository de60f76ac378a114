#!/usr/bin/env python3
"""Check a fastText Python build against the fastText CLI (issue 6: newer registry
builds were seen to train to NaN or near-chance accuracy from Python).

Runs under the bench venv (setup_peers.sh builds both the Python module and the
CLI, bin/fasttext, from the 0.9.2 source distribution):

  ../newsframe-bench-venv/bin/python benchmarks/check_fasttext.py

On AG News (dev.csv, stratified 5-fold CV, seed 0) it trains the Joulin et al.
2016 AG setup (dim 10, lr 0.25, wordNgrams 2, minCount 1, bucket 10M, one
thread) for 5 epochs (the paper's setting, which underfits 4,864 training rows)
and with lr 0.5 for 25 epochs, with both, and prints per-fold accuracy. Exit status 1 if the
Python build is NaN, below 85% at lr 0.5, 25 epochs, or more than 1 point below the CLI.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_data  # noqa: E402
from peers import _ft_write, ft_normalize  # noqa: E402

ARGS = dict(dim=10, lr=0.25, wordNgrams=2, minCount=1, bucket=10_000_000, epoch=5, thread=1, seed=0)
CONFIGS = {"paper_5_epochs": ARGS, "lr0.5_25_epochs": dict(ARGS, lr=0.5, epoch=25)}


def main() -> int:
    import fasttext

    cli = Path(sys.executable).parent / "fasttext"
    ds = bench_data.load("ag_news")
    texts = [ft_normalize(t) for t in ds.texts]
    rows = []
    with tempfile.TemporaryDirectory() as td:
        td = Path(td)
        for k, (tr, te) in enumerate(ds.folds):
            _ft_write(td / "train.txt", texts, ds.labels, tr, 0)
            _ft_write(td / "test.txt", texts, ds.labels, te, 0)
            for cname, args in CONFIGS.items():
                m = fasttext.train_supervised(input=str(td / "train.txt"), verbose=0, **args)
                n, p_at_1, _ = m.test(str(td / "test.txt"))
                row = {"config": cname, "fold": k, "python_acc": p_at_1}
                if cli.exists():
                    cmd = [str(cli), "supervised", "-input", str(td / "train.txt"), "-output", str(td / "m"),
                           "-verbose", "0"]
                    for a, v in args.items():
                        cmd += [f"-{a}", str(v)]
                    subprocess.run(cmd, check=True, capture_output=True)
                    out = subprocess.run([str(cli), "test", str(td / "m.bin"), str(td / "test.txt")],
                                         check=True, capture_output=True, text=True).stdout
                    row["cli_acc"] = float(re.search(r"P@1\s+([0-9.]+)", out).group(1))
                rows.append(row)
                print(json.dumps(row), flush=True)
    ok = True
    for cname in CONFIGS:
        py = np.array([r["python_acc"] for r in rows if r["config"] == cname])
        print(f"{cname}: python build mean accuracy {py.mean():.4f} (folds {np.round(py, 4).tolist()})")
        ok = ok and bool(np.isfinite(py).all())
        if cname == "lr0.5_25_epochs":
            ok = ok and py.mean() >= 0.85
        if cli.exists():
            c = np.array([r["cli_acc"] for r in rows if r["config"] == cname])
            print(f"{cname}: CLI          mean accuracy {c.mean():.4f} (folds {np.round(c, 4).tolist()})")
            ok = ok and py.mean() >= c.mean() - 0.01
    if not cli.exists():
        print(f"no CLI at {cli}: checked against the 85% floor only")
    print("OK" if ok else "FAIL: this fastText build does not reproduce the CLI / published behaviour")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
