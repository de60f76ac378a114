"""Microseconds to score one headline: the generic scikit-learn pipeline against the single-document fast path.

    python benchmarks/fastpath_bench.py --models /tmp/fm     # a version trained with the default config
    python benchmarks/fastpath_bench.py                      # trains one with the default config first (~2 min)

Headlines come from data/topic/ag_news.csv. The fast path's word caches are warmed on the first half of the rows
(headlines and bodies, as a service that has seen ~3,000 articles) and the timings are taken on headlines of the
other half, which still bring words the caches have not seen (about one per headline), as live traffic does; one
more line times a second pass, when every word is cached. Every timed prediction is also checked against the
pipeline's. Prints wall-clock median/p90/p99 and the median thread CPU time per path, with the load average: on a
shared machine other processes' load shows up in the wall-clock tail.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import timeit
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import sklearn
from newsframe.core.artifacts import load_version
from newsframe.core.fast.model import FastModel
from newsframe.core.fast.task import FastTask
from newsframe.core.text import join_text
from newsframe.serve.predictor import Predictor
from newsframe.train.config import TrainConfig
from newsframe.train.trainer import train

REPO = Path(__file__).resolve().parent.parent
PAIR = ("topic", "framing")


def timings(calls: dict[str, Callable[[str], object]], texts: list[str]) -> dict[str, np.ndarray]:
    """Per path and text, the wall time and the thread CPU time of ``call(text)`` in microseconds (n x 2 each).

    One path after the other, each over all texts, as a service runs one model: interleaving paths would make
    each evict the others' arrays from the CPU caches. CPU time leaves out the time other processes hold the
    CPU, so on a busy machine it shows the path's own cost better than wall time.
    """
    out = {name: np.empty((len(texts), 2)) for name in calls}
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    for name, call in calls.items():
        times = out[name]
        for i, text in enumerate(texts):
            started_wall, started_cpu = wall(), cpu()
            call(text)
            times[i] = (wall() - started_wall) / 1000, (cpu() - started_cpu) / 1000
    return out


def machine_reference() -> str:
    """Two fixed micro-tasks, to compare this run's machine state with others (best of 50 batches)."""
    small = np.arange(100.0)
    python_loop = min(timeit.repeat("sum(range(1000))", number=200, repeat=50)) / 200 * 1e6
    numpy_call = min(timeit.repeat(lambda: small + small, number=2000, repeat=50)) / 2000 * 1e6
    return f"machine reference: sum(range(1000)) {python_loop:.1f} us, one 100-element numpy add {numpy_call:.2f} us"


def row(name: str, micros: np.ndarray, baseline: np.ndarray | None = None) -> str:
    """One table line: wall median, p90, p99, CPU median (and the wall-median speed-up over ``baseline``)."""
    wall, cpu = micros[:, 0], micros[:, 1]
    speedup = f"{np.median(baseline[:, 0]) / np.median(wall):7.1f}x" if baseline is not None else ""
    return (f"  {name:46s} {np.median(wall):9.1f} {np.percentile(wall, 90):9.1f} "
            f"{np.percentile(wall, 99):9.1f} {np.median(cpu):9.1f} {speedup}")


def kernel_ab(fused: FastModel, texts: list[str], rounds: int = 6) -> dict[str, list[float]]:
    """Median us per headline of ``fused.predict`` with the compiled row kernel and with its numpy version.

    The same object and the same (already cached) words for both, in alternating order round by round, so that
    a slow moment of the machine falls on both sides. Empty when the kernel is not compiled or not used.
    """
    saved = fused.compiled
    if not saved or fused.packed is None:
        return {}
    out: dict[str, list[float]] = {"compiled": [], "numpy": []}
    try:
        for r in range(rounds):
            for name in ("compiled", "numpy") if r % 2 == 0 else ("numpy", "compiled"):
                fused.compiled = name == "compiled"
                out[name].append(round(float(np.median(timings({name: fused.predict}, texts)[name][:, 0])), 1))
    finally:
        fused.compiled = saved
    return out


def split_and_cold(fused: FastModel, texts: list[str], evicted: int = 300) -> dict[str, float]:
    """Median us per headline (words cached) of the two halves of ``fused.predict``, and of the whole with cold caches.

    ``analysis``: ``union.occurrences`` (preprocessing, n-grams, vocabulary probes, sort); ``row``: the compiled
    ``packed_row`` on that result. ``caches cleared``: ``predict`` right after reading 128 MB, which evicts the CPU
    caches, on the first ``evicted`` headlines: what the vocabularies and weights cost when read from memory.
    """
    from newsframe.core.fast.text import Document

    union = fused.union
    assert union is not None
    occurrences = [union.occurrences(Document(t)) for t in texts]
    out = {"analysis": float(np.median(timings({"a": lambda t: union.occurrences(Document(t))}, texts)["a"][:, 0]))}
    if fused.compiled and fused.packed is not None:
        from newsframe.core.fast._kernels import packed_row

        args = (union.start, fused.packed, union.tf_table, len(union.members), fused.intercept)
        times = [time.perf_counter_ns() - t0 for o in occurrences
                 if (t0 := time.perf_counter_ns()) and packed_row(o, *args) is not None]
        out["row"] = float(np.median(times)) / 1000
    flush, times = np.ones(16_000_000), []
    for text in texts[:evicted]:
        flush.sum()
        started = time.perf_counter_ns()
        fused.predict(text)
        times.append((time.perf_counter_ns() - started) / 1000)
    out["caches cleared"] = float(np.median(times))
    return {k: round(v, 1) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="models or version directory (default: train one with the default config)")
    parser.add_argument("-n", type=int, default=2000, help="timed headlines (default 2000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fastpath-bench-") as scratch:
        models = args.models
        if models is None:
            print("training a model with the default config ...")
            models = str(train(None, TrainConfig(), Path(scratch) / "models", log=lambda _: None))
        run(models, args.n)


def run(models: str, n: int) -> None:
    """Time every path on ``n`` headlines and print the table."""
    version = load_version(models)
    rows = pd.read_csv(REPO / "data/topic/ag_news.csv", keep_default_na=False)
    half = len(rows) // 2
    warm = rows["headline"][:half].tolist() + [join_text(h, b) for h, b in zip(rows["headline"][:half], rows["body"][:half])]
    timed = rows["headline"][half:half + n].tolist()
    pair = {task: version.pipelines[task] for task in PAIR}
    fast = {task: FastTask.from_pipeline(p) for task, p in pair.items()}
    # Separate objects per timed path, so no path finds words another one has just cached.
    fused, fused_explain = FastModel.from_pipelines(pair), FastModel.from_pipelines(pair)
    predictor, predictor_explain = Predictor(version), Predictor(version)
    for text in warm:
        for task in fast.values():
            task.proba(text)
        fused.predict(text)
        fused_explain.predict(text, explain=True)
        predictor.predict_one(text)
        predictor_explain.predict_one(text, explain=True)

    load_before = os.getloadavg()
    tasks = "+".join(version.pipelines)
    fast_paths: dict[str, Callable[[str], object]] = {
        "topic: FastTask.proba(text)": fast["topic"].proba,
        "framing: FastTask.proba(text)": fast["framing"].proba,
        "topic+framing: FastModel.predict (one pass)": fused.predict,
        "topic+framing: FastModel.predict, explain": lambda t: fused_explain.predict(t, explain=True),
        f"Predictor.predict_one ({tasks})": predictor.predict_one,
        f"Predictor.predict_one ({tasks}), explain": lambda t: predictor_explain.predict_one(t, explain=True),
    }
    measured = timings(fast_paths, timed)
    cached = timings({"cached": fused.predict}, timed)["cached"]
    # The least-disturbed cost: per headline the fastest of 5 calls (every word cached), i.e. with the least
    # interference from other processes; only meaningful next to the median rows above.
    fastest = np.min([timings({"again": fused.predict}, timed)["again"] for _ in range(5)], axis=0)
    ab = kernel_ab(fused, timed)
    split = split_and_cold(fused, timed)
    generic = timings({task: lambda t, p=p: p.predict_proba([t]) for task, p in pair.items()}, timed)
    load_after = os.getloadavg()
    both = generic["topic"] + generic["framing"]  # per headline: the two calls a caller would make
    baselines = {"topic": generic["topic"], "framing": generic["framing"], "topic+framing": both}
    results = [row(f"{task}: pipeline.predict_proba([text])", generic[task]) for task in PAIR]
    results.append(row("topic+framing: both pipelines", both))
    for name, micros in measured.items():
        results.append(row(name, micros, baselines.get(name.split(":")[0])))
        if name.endswith("(one pass)"):
            results.append(row("  the same, second pass: every word cached", cached, both))
            results.append(row("  every word cached, fastest of 5 calls/headline", fastest, both))
            if ab:
                results.append("  compiled row kernel vs its numpy version, same object, words cached, 6 alternating "
                               f"rounds (medians, us): compiled {ab['compiled']}, numpy {ab['numpy']}")
            results.append("  words cached, medians (us): analysis and lookups (union.occurrences) "
                           f"{split['analysis']}, compiled row {split.get('row', '-')}; whole call right after "
                           f"evicting the CPU caches (128 MB read) {split['caches cleared']}")

    worst = 0.0  # the fast path must give the pipeline's probabilities
    for text in timed:
        got, one = fused.predict(text), predictor.predict_one(text)
        for task, pipeline in pair.items():
            want = pipeline.predict_proba([text])[0]
            worst = max(worst, float(np.abs(fast[task].proba(text) - want).max()), float(np.abs(got[task][0] - want).max()),
                        float(np.abs(np.array(list(one[task]["scores"].values())) - want).max()))

    words = np.mean([len(t.split()) for t in timed])
    members = ", ".join(f"{t}.{m.name}: {m.kind} {m.ngram_range}" for t, f in fast.items() for m in f.union.members)
    print(f"model {version.version} ({members})")
    print(f"{len(timed)} headlines (mean {words:.1f} words); python {platform.python_version()}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}; {os.cpu_count()} CPUs; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(machine_reference())
    print(f"max |fast - pipeline| probability difference over all timed headlines: {worst:.3g}")
    print(f"  {'microseconds per headline (wall; cpu)':46s} {'median':>9} {'p90':>9} {'p99':>9} {'cpu med':>9} {'speed-up':>8}")
    print("\n".join(results))


if __name__ == "__main__":
    main()
