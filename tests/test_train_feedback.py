"""``train --feedback``: human labels beat bundled ones, the manifest records what was used, ``--promote-if-better``
moves ``latest`` only when the new version is not worse on held-out feedback, and a crash changes nothing."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from newsframe.core.artifacts import LATEST
from newsframe.core.feedback import FeedbackStore, Item, item_key
from newsframe.train.config import load_config
from newsframe.train.data import load_labelled
from newsframe.train.feedback import FeedbackMerge, held_out_key
from newsframe.train.trainer import train

pytestmark = pytest.mark.slow
FLIP = {"cautious": "confrontational", "confrontational": "cautious", "none": "none"}


def _label_everything(store: FeedbackStore, data: Path) -> dict[str, str]:
    """Label every framing row of the file: a third flipped; return item key -> human label."""
    frame = pd.read_csv(data)
    labels = {}
    for n, row in enumerate(r for _, r in frame.iterrows() if isinstance(r["framing"], str)):
        text = row["text"] if isinstance(row["text"], str) else None
        item = Item.of(None if text else row["headline"], None if text else row["body"], text)
        label = FLIP[row["framing"]] if n % 3 == 0 else row["framing"]
        if n == 0:  # a change of mind, undone: the first label is the one that counts
            store.undo(store.add_label(item, "framing", "none" if label != "none" else "cautious", "ann").id)
        store.add_label(item, "framing", label, "ann")
        labels[item.key] = label
    return labels


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    s = FeedbackStore.open(f"sqlite:///{tmp_path / 'feedback.sqlite'}")
    yield s
    s.close()


def test_human_labels_beat_bundled_ones_and_the_held_out_slice_is_left_out(store: FeedbackStore, tiny_data: Path) -> None:
    labels = _label_everything(store, tiny_data)
    store.add_label(Item.of(text="A brand new item the bundle lacks"), "topic", "World", "bob")
    merge = FeedbackMerge(store, log=lambda _: None)
    assert merge.last_event_id == store.last_event_id() and merge.rows == {"framing": len(labels), "topic": 1}
    assert merge.held_out == {k for k in merge.labels if held_out_key(k)} and merge.held_out
    data = merge.merge(load_labelled([tiny_data]))
    frame = data.frame.assign(key=data.frame["text"].map(item_key))
    bundled, fed = frame[frame["file"] != "feedback"], frame[frame["file"] == "feedback"]
    assert bundled.loc[bundled["key"].isin(labels.keys()), "framing"].isna().all()  # every bundled framing label gave way
    new_key = item_key("A brand new item the bundle lacks")
    expected = {**{k: v for k, v in labels.items() if k not in merge.held_out},
                **({new_key: None} if new_key not in merge.held_out else {})}
    assert {k: None if pd.isna(v) else v for k, v in zip(fed["key"], fed["framing"])} == expected
    held = frame[frame["key"].isin(merge.held_out)]
    assert held["framing"].isna().all() and held["topic"].isna().all()  # held out: no label of theirs trains
    assert not fed["key"].isin(merge.held_out).any()


def test_train_feedback_records_it_and_promotes_only_if_not_worse(store: FeedbackStore, tiny_data: Path,
                                                                   tiny_config_path: Path, tiny_models: Path,
                                                                   tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)
    before = os.readlink(models / LATEST)
    _label_everything(store, tiny_data)
    merge = FeedbackMerge(store, log=lambda _: None)
    version = train([tiny_data], load_config(tiny_config_path), models, log=lambda _: None, feedback=merge,
                    promote_if_better=True)
    manifest = json.loads((version / "manifest.json").read_text())
    record = manifest["feedback"]
    assert record["last_event_id"] == store.last_event_id() and record["rows"] == merge.rows
    assert record["sha256"] == merge.sha256 and len(record["sha256"]) == 64
    comparison = record["comparison"]
    assert comparison["current"]["version"] == before and comparison["new"]["version"] == version.name
    assert comparison["tasks"], comparison
    not_worse = comparison["new"]["mean_macro_f1"] >= comparison["current"]["mean_macro_f1"]
    assert record["promoted"] == not_worse
    assert os.readlink(models / LATEST) == (version.name if not_worse else before)
    assert version.is_dir()  # published either way, for a look or a manual promotion


def test_a_crash_mid_training_leaves_the_database_and_latest_untouched(store: FeedbackStore, tiny_data: Path,
                                                                        tiny_config_path: Path, tiny_models: Path,
                                                                        tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)
    _label_everything(store, tiny_data)
    database = Path(store.engine.url.database)
    events = [e.record() for e in store.events()]
    store.close()
    before = (os.readlink(models / LATEST), sorted(p.name for p in models.iterdir()))
    argv = [sys.executable, "-m", "newsframe.cli", "train", "--data", str(tiny_data), "--config", str(tiny_config_path),
            "--out", str(models), "--feedback", "--promote-if-better", "--db", f"sqlite:///{database}"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    deadline = time.monotonic() + 120
    for line in process.stdout:  # type: ignore[union-attr]
        seen.append(line)
        if line.startswith("training framing"):  # topic done, framing under way: crash now
            process.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "".join(seen)
    process.wait(30)
    process.stdout.close()  # type: ignore[union-attr]
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    assert any(line.startswith("feedback:") for line in seen), "".join(seen)
    assert os.readlink(models / LATEST) == before[0]
    assert sorted(p.name for p in models.iterdir() if not p.name.startswith(".tmp-")) == before[1]
    again = FeedbackStore.open(f"sqlite:///{database}")
    assert [e.record() for e in again.events()] == events
    again.close()
