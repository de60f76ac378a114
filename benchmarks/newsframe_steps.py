#!/usr/bin/env python3
"""newsframe's side of the step breakdown in ``score_vs_fasttext.py``: the same steps ``fasttext_score.py score``
times, done with newsframe's own functions in one process, so the two tools' costs can be read side by side.

    python benchmarks/newsframe_steps.py MODELS INPUT.csv OUTPUT.csv

Steps: imports (pandas and the predictor), load the model version (``Predictor.load``: pipelines and the fast
path), read the CSV with pandas, build each row's text (``serve.batch.rows.model_texts``, the batch rule), score
every text (``Predictor.score_frame``: topic, framing and posture; the compiled analysis and rows run in one call),
and write the input columns plus the prediction columns with pandas. ``newsframe score`` does these in chunks and
adds its journal, progress and atomic write; this is the floor under it. Prints one JSON line: seconds per step,
and for the scoring step the thread CPU time per document.
"""
from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()


def main(models: str, source: str, target: str) -> None:
    import pandas as pd
    from newsframe.serve.batch.rows import model_texts
    from newsframe.serve.predictor import Predictor

    steps = {"imports": time.perf_counter() - T0}
    t = time.perf_counter()
    predictor = Predictor.load(models)
    steps["load model"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    steps["read csv"] = time.perf_counter() - t
    t = time.perf_counter()
    columns = {c: frame[c].tolist() for c in ("text", "headline", "body") if c in frame.columns}
    texts, reasons = model_texts(columns, len(frame), source)
    if any(reason is not None for reason in reasons):
        raise SystemExit("the benchmark input has rows that cannot be scored")
    steps["texts"] = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.thread_time()
    predictions = predictor.score_frame([text for text in texts if text is not None])
    steps["predict"] = time.perf_counter() - t
    cpu_us = (time.thread_time() - cpu) * 1e6 / max(1, len(frame))
    t = time.perf_counter()
    pd.concat([frame, predictions], axis=1).to_csv(target, index=False)
    steps["write csv"] = time.perf_counter() - t
    print(json.dumps({"rows": len(frame), "seconds": time.perf_counter() - T0, "steps": steps,
                      "predict_cpu_us_per_doc": cpu_us}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
