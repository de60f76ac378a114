"""``newsframe score --actors``: the actors file beside the output, its columns and row accounting, the same
guarantees as the main output (``--jobs``, ``--resume`` after SIGKILL, the Dask engine)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Iterator

import pandas as pd
import pytest
from batch_support import articles, cli, read_rows, write_input
from newsframe.core.schema import model_text
from newsframe.serve.actors import parse_date
from newsframe.serve.batch.run import score_file
from newsframe.serve.predictor import Predictor
from test_batch_resume import CHUNK, ROWS, _kill_mid_run

ACTOR_COLUMNS = ["actor_code", "actor_name", "actor_kind", "actor_sector", "actor_role", "actor_mentions",
                 "actor_framing", "actor_framing_confidence"]
REJECTED = [3, 40]  # 0-based input rows left without text


def dated(n: int, seed: int) -> pd.DataFrame:
    """AG News articles with a publication date each (2019 to 2023) and two rows without text."""
    frame = articles(n, seed=seed)
    frame["published"] = [(dt.date(2019, 1, 1) + dt.timedelta(days=37 * i % 1800)).isoformat() for i in range(n)]
    frame.loc[REJECTED, ["headline", "body"]] = ""
    return frame


def expected_rows(frame: pd.DataFrame, predictor: Predictor) -> list[dict]:
    """What the actors file must hold, worked out from the frame with the predictor's own actor finder."""
    out = []
    for i, record in enumerate(frame.to_dict(orient="records")):
        text = model_text(record.get("headline"), record.get("body"), record.get("text"))
        if not text:
            continue
        for actor in predictor.actors.find(text, parse_date(record.get("published"))):
            out.append({"row": i + 1, "id": record.get("id"), "actor_code": actor["code"], "actor_role": actor["role"],
                        "actor_mentions": actor["mentions"], "actor_framing": actor["framing"]["label"]})
    return out


def _key(rows: list[dict]) -> list[tuple]:
    return [(int(r["row"]), r.get("id"), r["actor_code"], r["actor_role"], int(r["actor_mentions"]), r["actor_framing"])
            for r in rows]


@pytest.fixture(scope="module")
def predictor(tiny_models: Path) -> Predictor:
    return Predictor.load(tiny_models)


@pytest.mark.parametrize(("fmt", "jobs"), [("csv", 1), ("parquet", 2), ("jsonl", 2)])
def test_actors_file_columns_and_rows(tmp_path: Path, tiny_models: Path, predictor: Predictor, fmt: str, jobs: int) -> None:
    frame = dated(150, seed=3)
    source = write_input(frame, tmp_path / f"in.{fmt}")
    summary = score_file(source, tmp_path / f"out.{fmt}", tiny_models, jobs=jobs, chunk_size=40, actors=True,
                         log=lambda _: None)
    assert summary.as_dict() == {"read": 150, "scored": 148, "rejected": 2}
    actors = tmp_path / f"out.actors.{fmt}"
    assert summary.actors == actors and f"actor rows -> {actors}" in summary.line()
    rows = read_rows(actors)
    assert list(rows[0]) == ["row", "id", *ACTOR_COLUMNS, "published", "source"]
    expected = expected_rows(frame, predictor)
    assert len(expected) > 100 and summary.actor_rows == len(rows)  # AG News world items name many actors
    assert _key(rows) == _key(expected)
    by_row = {int(r["row"]): r for r in rows}
    assert not {i + 1 for i in REJECTED} & set(by_row)  # rejected rows have no actors
    for r in rows:  # copied columns belong to the row; target-only actors are never framed
        source_row = frame.iloc[int(r["row"]) - 1]
        assert (r["id"], r["published"], r["source"]) == (source_row["id"], source_row["published"], source_row["source"])
        assert r["actor_role"] in {"source", "target", "mentioned"}
        assert r["actor_framing"] == "none" or r["actor_role"] == "source"
    assert not list(tmp_path.glob(".*"))  # no work directory or temporary left behind


def test_without_optional_columns(tmp_path: Path, tiny_models: Path, predictor: Predictor) -> None:
    frame = dated(60, seed=5)[["headline", "body"]]
    source = write_input(frame, tmp_path / "in.parquet")
    summary = score_file(source, tmp_path / "out.parquet", tiny_models, chunk_size=7, actors=True, log=lambda _: None)
    table = pd.read_parquet(tmp_path / "out.actors.parquet")
    assert list(table.columns) == ["row", *ACTOR_COLUMNS]
    assert str(table["row"].dtype) == "int64" and str(table["actor_mentions"].dtype) == "int64"
    assert summary.actor_rows == len(table) == len(expected_rows(frame, predictor))


def test_without_actors_no_file(tmp_path: Path, tiny_models: Path) -> None:
    source = write_input(dated(50, seed=1), tmp_path / "in.csv")
    summary = score_file(source, tmp_path / "out.csv", tiny_models, log=lambda _: None)
    assert summary.actors is None and not (tmp_path / "out.actors.csv").exists()


@pytest.fixture(scope="module")
def resume_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_input(dated(ROWS, seed=7), tmp_path_factory.mktemp("actors-resume") / "in.csv")


def test_resume_after_sigkill_gives_the_same_actors_file(tmp_path: Path, resume_source: Path, tiny_models: Path) -> None:
    reference = tmp_path / "reference.csv"
    score_file(resume_source, reference, tiny_models, chunk_size=CHUNK, actors=True, log=lambda _: None)
    output = tmp_path / "resumed.csv"
    common = (str(resume_source), "--models", str(tiny_models), "--actors")
    _kill_mid_run(output, *common, "--jobs", "2")
    assert not (tmp_path / "resumed.actors.csv").exists()  # nothing published by the killed run
    result = cli("score", *common, "--out", str(output), "--chunk-size", str(CHUNK), "--resume")
    assert result.returncode == 3, result.stderr
    assert "chunk(s) already finished" in result.stderr and "actor rows ->" in result.stdout
    assert output.read_bytes() == reference.read_bytes()
    assert (tmp_path / "resumed.actors.csv").read_bytes() == (tmp_path / "reference.actors.csv").read_bytes()


def test_resume_refuses_a_changed_actors_option(tmp_path: Path, resume_source: Path, tiny_models: Path) -> None:
    output = tmp_path / "out.csv"
    _kill_mid_run(output, str(resume_source), "--models", str(tiny_models), after_chunks=1)
    result = cli("score", str(resume_source), "--models", str(tiny_models), "--out", str(output),
                 "--chunk-size", str(CHUNK), "--resume", "--actors")
    assert result.returncode == 2 and "cannot resume: actors changed" in result.stderr


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    # dashboard on a free port: another run may hold 8787, and its warning would be an error here
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0") as c:
        yield c


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_dask_actors_match_local(tmp_path: Path, tiny_models: Path, cluster, fmt: str) -> None:
    source = write_input(dated(170, seed=11), tmp_path / "in.jsonl")
    local = score_file(source, tmp_path / f"local.{fmt}", tiny_models, chunk_size=40, actors=True, log=lambda _: None)
    remote = score_file(source, tmp_path / f"dask.{fmt}", tiny_models, chunk_size=40, actors=True, engine="dask",
                        scheduler=cluster.scheduler_address, log=lambda _: None)
    assert remote.as_dict() == local.as_dict() and remote.actor_rows == local.actor_rows > 0
    parts = sorted(p.name for p in (tmp_path / f"dask.actors.{fmt}").iterdir())
    assert parts == [f"part-{i:05d}.{fmt}" for i in range(5)]
    assert read_rows(tmp_path / f"dask.actors.{fmt}") == read_rows(tmp_path / f"local.actors.{fmt}")
    assert not list(tmp_path.glob(".*"))
