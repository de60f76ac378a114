"""newsframe's own default topic search on the 20 Newsgroups bydate training split, then one score on its test split.

    python benchmarks/search_20ng.py            # about 20 minutes on 2 cores; needs ../shared/data/20newsgroups_bydate

The full benchmark scores newsframe_topic at one fixed setting (the one the default search picks on the bundled AG
News rows). This runs what `newsframe train` would do on 20 Newsgroups instead: the default TrainConfig's topic
search (3-fold CV on the training split only), refit, and accuracy on the untouched test split. Writes
benchmarks/results/search_20ng.json.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_data import load  # noqa: E402
from newsframe.train.config import TrainConfig  # noqa: E402
from newsframe.train.model import search  # noqa: E402


def main() -> None:
    ds = load("20ng")
    train, test = ds.folds[0]
    labels = np.asarray(ds.labels).astype(str)
    started = time.perf_counter()
    pipeline, info = search("topic", [ds.texts[i] for i in train], labels[train].tolist(), TrainConfig(), log=print)
    accuracy = float((pipeline.predict([ds.texts[i] for i in test]) == labels[test]).mean())
    result = {"chosen": info["chosen"], "test_accuracy": accuracy, "n_train": len(train), "n_test": len(test),
              "seconds": round(time.perf_counter() - started)}
    print(json.dumps(result))
    (HERE / "results" / "search_20ng.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
