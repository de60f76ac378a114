#!/usr/bin/env python3
"""fastText's side of ``score_vs_fasttext.py``; runs under the bench venv (``bash benchmarks/setup_peers.sh``).

    BENCH/python benchmarks/fasttext_score.py train AG_NEWS.csv MODEL.bin [--bucket N]
    BENCH/python benchmarks/fasttext_score.py score MODEL.bin INPUT.csv OUTPUT.csv
    BENCH/python benchmarks/fasttext_score.py latency MODEL.bin HEADLINES.json

``score`` is the end-to-end job newsframe's ``score`` command is compared with, in one process: import pandas and
fastText, load the model, read the CSV with pandas, build each row's text (headline and body, as newsframe's
``model_text``; lowercased and line breaks made spaces, the normalisation the model was trained on, done by
pandas' vectorised string methods), one ``model.predict`` call over all rows (fastText's C++ batch loop), and write the
input columns plus ``topic_predicted`` and ``topic_confidence`` with pandas. Topic only: fastText has one task. It prints one
JSON line with the seconds of each step. ``latency`` prints the median microseconds of ``model.predict(headline)``.
"""
from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()
TRAIN = dict(dim=10, lr=0.5, epoch=25, wordNgrams=2, minCount=1, loss="softmax", thread=1, seed=0)


def texts_of(frame):  # type: ignore[no-untyped-def]
    """Headline and body, lowercased, line breaks as spaces (fastText's ``predict`` takes one line per text)."""
    text = (frame["headline"].fillna("") + " " + frame["body"].fillna("")).str.lower()
    return text.str.replace("\n", " ", regex=False)


def train(data: str, model_path: str, bucket: int) -> None:
    import fasttext
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    order = np.random.default_rng(0).permutation(len(frame))  # fastText reads the file in order: shuffle it
    lines = ("__label__" + frame["topic"].str.replace(" ", "_").str.replace("/", "_") + " " + texts_of(frame)).iloc[order]
    path = model_path + ".train.txt"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    fasttext.train_supervised(input=path, verbose=0, bucket=bucket, **TRAIN).save_model(model_path)


def score(model_path: str, source: str, target: str) -> None:
    import fasttext
    import pandas as pd

    steps = {"imports": time.perf_counter() - T0}
    t = time.perf_counter()
    model = fasttext.load_model(model_path)
    steps["load model"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    steps["read csv"] = time.perf_counter() - t
    t = time.perf_counter()
    texts = texts_of(frame).tolist()
    steps["texts"] = time.perf_counter() - t
    t = time.perf_counter()
    labels, probabilities = model.predict(texts, k=1)
    steps["predict"] = time.perf_counter() - t
    t = time.perf_counter()
    frame["topic_predicted"] = [label[0][len("__label__"):] for label in labels]
    frame["topic_confidence"] = [round(float(p[0]), 6) for p in probabilities]
    frame.to_csv(target, index=False)
    steps["write csv"] = time.perf_counter() - t
    print(json.dumps({"rows": len(frame), "seconds": time.perf_counter() - T0, "steps": steps}))


def latency(model_path: str, headlines_path: str) -> None:
    import fasttext
    import numpy as np

    model = fasttext.load_model(model_path)
    headlines = [h.lower() for h in json.load(open(headlines_path, encoding="utf-8"))]
    for text in headlines:
        model.predict(text)
    times = []
    for text in headlines:
        t = time.perf_counter_ns()
        model.predict(text)
        times.append(time.perf_counter_ns() - t)
    print(json.dumps({"median_us": float(np.median(times)) / 1000, "p90_us": float(np.percentile(times, 90)) / 1000}))


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "train":
        bucket = int(rest[rest.index("--bucket") + 1]) if "--bucket" in rest else 2_000_000
        train(rest[0], rest[1], bucket)
    elif command == "score":
        score(*rest)
    elif command == "latency":
        latency(*rest)
    else:
        sys.exit(f"unknown command {command!r}")
