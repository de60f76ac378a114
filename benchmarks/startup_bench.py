"""What a freshly started scoring process pays before it runs at full speed: imports, model load, cold word caches.

    python benchmarks/startup_bench.py --models DIR          # a version trained by this code (fast.pickle with seeds)

Every figure comes from fresh interpreters, alternated over ``--rounds`` rounds so that VM drift hits both sides:

* ``imports``: ``python -c "import numpy, pandas, pyarrow, pyarrow.csv"`` against ``python -c pass``;
* ``score_20_rows``: the whole ``newsframe score`` command on 20 AG News rows, ``--jobs 1`` and ``--jobs 2``;
* ``seeds``: in a fresh process, load the version and score ``--rows`` (10,000) resampled AG News rows twice (first pass: cold
  word caches; second: warm), with the version's seeded word caches and with the same fast model rebuilt without
  seeds. The rows come from the training corpus, so nearly every word is seeded;
* ``coverage`` (with ``--bbc CSV``, the BBC News file of ../shared/data/bbc_news): the share of word occurrences
  and of distinct words that the seeds cover on BBC entertainment, sport and tech articles, which are not training
  data.

Writes benchmarks/results/startup_bench.json. tests/test_batch_bench.py runs a one-round, 200-row smoke version.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from batch_bench import CHUNK, _ceiling_texts, make_input  # noqa: E402


def _wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return round(time.perf_counter() - started, 3)


def child(models: str, seeded: bool, rows: int) -> dict[str, float]:
    """One fresh process: load time, then a cold and a warm pass over the same ``rows`` rows."""
    from newsframe.core.fast.model import FastModel
    from newsframe.serve.predictor import Predictor

    texts = _ceiling_texts(rows, seed=1)
    started = time.perf_counter()
    predictor = Predictor.load(models)
    load = time.perf_counter() - started
    if not seeded:
        fast = predictor.fast
        predictor.fast = FastModel(fast.tasks, fast.unsupported)
    passes = []
    for _ in range(2):
        started = time.perf_counter()
        for start in range(0, rows, CHUNK):
            predictor.score_frame(texts[start:start + CHUNK])
        passes.append(round(rows / (time.perf_counter() - started), 1))
    return {"load_seconds": round(load, 3), "cold_docs_per_s": passes[0], "warm_docs_per_s": passes[1]}


def coverage(models: str, bbc: Path) -> dict[str, dict[str, float]]:
    """Share of word occurrences and distinct words the seeds cover, per seeded group, on BBC non-training articles."""
    import pandas as pd
    from newsframe.core.fast.text import Document
    from newsframe.core.text import join_text
    from newsframe.serve.predictor import Predictor

    frame = pd.read_csv(bbc)
    frame = frame[frame["category"].isin(["entertainment", "sport", "tech"])]
    texts = [join_text(t, b[:600]) for t, b in zip(frame["title"], frame["text"])]
    union = Predictor.load(models).fast.union
    out = {}
    for group, seed in union.seeds.items():
        known, lookup = set(seed.words), union.lookups[group]
        words = [w for text in texts for w in lookup.analyze(Document(text))]
        distinct = set(words)
        out[str(group)] = {"seeded_words": len(seed), "articles": len(texts),
                           "occurrences_covered": round(sum(w in known for w in words) / len(words), 3),
                           "distinct_covered": round(len(distinct & known) / len(distinct), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000, help="rows per pass in the seeds comparison")
    parser.add_argument("--bbc", type=Path, default=None, help="bbc_news.csv, for the coverage figures")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "startup_bench.json")
    parser.add_argument("--child", choices=["seeded", "unseeded"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.models, args.child == "seeded", args.rows)))
        return
    result = {"benchmark": "startup_bench", "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "models": args.models, "rows": args.rows, "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        rows = make_input(20, Path(tmp) / "in.csv")
        score = [sys.executable, "-m", "newsframe.cli", "score", str(rows), "--out", str(Path(tmp) / "out.csv"),
                 "--models", args.models]
        for _ in range(args.rounds):
            one = {"python_pass": _wall([sys.executable, "-c", "pass"]),
                   "imports": _wall([sys.executable, "-c", "import numpy, pandas, pyarrow, pyarrow.csv"]),
                   "score_20_rows_jobs1": _wall(score + ["--jobs", "1"]),
                   "score_20_rows_jobs2": _wall(score + ["--jobs", "2"])}
            for kind in ("seeded", "unseeded"):
                out = subprocess.run([sys.executable, __file__, "--models", args.models, "--rows", str(args.rows), "--child", kind],
                                     check=True, capture_output=True, text=True).stdout
                one[kind] = json.loads(out)
            result["rounds"].append(one)
            print(json.dumps(one), flush=True)
    rounds = result["rounds"]
    result["median"] = {key: median(r[key] for r in rounds) for key in rounds[0] if not isinstance(rounds[0][key], dict)}
    for kind in ("seeded", "unseeded"):
        result["median"][kind] = {k: median(r[kind][k] for r in rounds) for k in rounds[0][kind]}
    if args.bbc:
        result["coverage"] = coverage(args.models, args.bbc)
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    args.results.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("median", "coverage") if k in result}, indent=1))


if __name__ == "__main__":
    main()
