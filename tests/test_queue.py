"""``newsframe queue add`` and the choice behind it: uncertainty priorities, near-duplicates removed, a share doubled."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from feedback_support import db_url  # noqa: F401 - fixture
from newsframe.cli import main
from newsframe.core.feedback import FeedbackStore, Item
from newsframe.core.feedback import queue as work_queue
from newsframe.serve.queueing import DUPLICATE_JACCARD, choose, priorities, shingles

BASE = "The foreign minister warned that any incursion would be met with a firm and immediate response"


def test_priorities_follow_the_formula() -> None:
    confrontational = np.array([0.5, 0.9, 0.5, 0.5])
    posture = np.array([0.5, 0.99, 0.99, 0.01])
    expected = np.maximum(1 - np.abs(2 * posture - 1), posture * (1 - np.abs(2 * confrontational - 1)))
    assert np.allclose(priorities(confrontational, posture), expected)
    # a text that surely frames no posture is not worth a framing label, however unsure the framing model is
    assert priorities(confrontational, posture)[3] < 0.05 < priorities(confrontational, posture)[2]
    assert np.allclose(priorities(np.array([0.5, 1.0]), None), [1.0, 0.0])


def test_choose_takes_the_most_uncertain_and_drops_near_duplicates() -> None:
    texts = [BASE, BASE.upper() + "  ", BASE.replace("firm", "swift"), "Shares rally as markets climb", "Rain expected"]
    chosen, duplicates = choose(texts, np.array([0.9, 0.95, 0.8, 0.5, 0.7]), size=10)
    assert chosen == [1, 4, 3] and duplicates == 2  # the case variant and the one-word rewrite are the same item
    assert choose(texts, np.array([0.9, 0.95, 0.8, 0.5, 0.7]), size=2)[0] == [1, 4]
    assert choose(texts, np.array([0.9, 0.95, 0.8, 0.5, 0.7]), size=10, taken_keys={Item(texts[4]).key})[0] == [1, 3]
    edited = shingles(BASE.replace("firm", "swift"))
    assert len(shingles(BASE) & edited) / len(shingles(BASE) | edited) >= DUPLICATE_JACCARD


def _articles(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "headline", "body", "source", "published"])
        for i in range(n):
            writer.writerow([f"a{i}", f"Headline {i}: talks on tariffs {'stall' if i % 2 else 'resume'} in round {i}",
                             f"Officials number {i} said the {'threats' if i % 3 else 'offer'} would stand.", "wire",
                             f"2024-05-{1 + i % 28:02d}"])
        writer.writerow(["dup", "Headline 0: talks on tariffs resume in round 0", "Officials number 0 said the offer would stand.", "wire", ""])
        writer.writerow(["empty", "", "", "wire", ""])
    return path


def test_queue_add_queues_the_chosen_share_once(tiny_models: Path, db_url: str, tmp_path: Path,  # noqa: F811
                                                capsys: pytest.CaptureFixture[str]) -> None:
    articles = _articles(tmp_path / "day.csv", 30)
    args = ["queue", "add", str(articles), "--size", "10", "--models", str(tiny_models), "--db", db_url]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "queued 10 items (1 for two annotators) from 32 rows" in out and "1 rows without text" in out
    store = FeedbackStore.open(db_url)
    try:
        entries = [work_queue.entry(store, i) for i in range(1, 11)]
        assert all(e is not None and e.source == "wire" and e.item_id.startswith("a") for e in entries)
        assert sum(e.copies == 2 for e in entries) == 1
        assert sorted(e.priority for e in entries) == sorted(e.priority for e in entries)
        assert [e.priority for e in sorted(entries, key=lambda e: e.id)] == sorted((e.priority for e in entries), reverse=True)
        assert main([*args[:4], "40"] + args[5:]) == 0  # again: the 10 queued are not queued twice
        assert "10 already queued" in capsys.readouterr().out
        assert work_queue.size(store) == 30  # 30 distinct texts (the duplicate row is the same item as a0)
    finally:
        store.close()


@pytest.mark.parametrize("argv, message", [
    (["queue", "add", "missing.csv"], "file not found"),
    (["queue", "add", "{notext}"], "missing text column"),
])
def test_bad_input_exits_2(argv: list[str], message: str, tiny_models: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notext.csv").write_text("id,title\n1,x\n")
    argv = [a.replace("{notext}", str(tmp_path / "notext.csv")) for a in argv]
    assert main([*argv, "--models", str(tiny_models), "--db", f"sqlite:///{tmp_path / 'f.sqlite'}"]) == 2
    assert message in capsys.readouterr().err


def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for option in (["--size", "0"], ["--second-share", "1.5"]):
        with pytest.raises(SystemExit) as caught:
            main(["queue", "add", "x.csv", *option])
        assert caught.value.code == 2
    assert "expected a share from 0 to 1" in capsys.readouterr().err
