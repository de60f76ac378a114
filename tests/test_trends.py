"""``newsframe trends``: per-actor framing over time from a small generated actors file (real CSV, real PNG)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from batch_support import cli
from newsframe.core.errors import ConfigError, DataError
from newsframe.serve.trends import trends

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def actors_file(tmp_path: Path) -> Path:
    """Three weeks of two outlets: RUS confrontational in outlet A, cautious in B; USA only a target; one bad date."""
    rows = []
    for week, day in enumerate(["2024-01-01", "2024-01-08", "2024-01-15"]):
        for i in range(4):
            rows.append({"row": len(rows) + 1, "id": f"x{len(rows)}", "actor_code": "RUS", "actor_name": "Russia",
                         "actor_kind": "country", "actor_role": "source", "actor_mentions": 1,
                         "actor_framing": "confrontational" if i < 2 + (week == 2) else "cautious",
                         "actor_framing_confidence": 0.8, "published": day, "source": "A" if i % 2 == 0 else "B"})
        rows.append({"row": len(rows) + 1, "id": f"x{len(rows)}", "actor_code": "USA", "actor_name": "United States",
                     "actor_kind": "country", "actor_role": "target", "actor_mentions": 2, "actor_framing": "none",
                     "actor_framing_confidence": None, "published": day, "source": "A"})
    rows.append({**rows[0], "row": len(rows) + 1, "published": "not a date"})
    path = tmp_path / "scored.actors.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_weekly_counts_and_shares_per_actor(tmp_path: Path, actors_file: Path) -> None:
    result = trends(actors_file, tmp_path / "out", by=("actor",), freq="W-MON", actors=None)
    table = pd.read_csv(result.csv)
    assert list(table.columns) == ["actor_code", "actor_name", "period", "n_rows", "n_cautious", "n_confrontational",
                                   "n_none", "share_cautious", "share_confrontational"]
    assert result.rows == 15 and result.dropped == 1 and "1 rows without a valid published date" in result.line()
    rus = table[table["actor_code"] == "RUS"]
    assert rus["n_rows"].tolist() == [4, 4, 4]
    assert rus["n_confrontational"].tolist() == [2, 2, 3]
    assert rus["share_confrontational"].tolist() == [0.5, 0.5, 0.75]
    usa = table[table["actor_code"] == "USA"]
    assert usa["n_none"].tolist() == [1, 1, 1] and usa["share_cautious"].isna().all()  # never framed: no share
    assert result.png.read_bytes()[:8] == PNG_MAGIC and result.png.stat().st_size > 5000


def test_by_source_and_actor_filter(tmp_path: Path, actors_file: Path) -> None:
    result = trends(actors_file, tmp_path / "out", freq="MS", actors=["RUS"])  # default by: actor and source
    table = pd.read_csv(result.csv)
    assert set(table["actor_code"]) == {"RUS"} and set(table["source"]) == {"A", "B"}
    by_source = table.set_index("source")
    # one month: outlet A holds i=0,2 of each week (confrontational, confrontational except i=2 in weeks 1-2)
    assert by_source.loc["A", "n_rows"] == 6 and by_source.loc["A", "n_confrontational"] == 4
    assert by_source.loc["B", "n_confrontational"] == 3 and by_source.loc["B", "share_cautious"] == 0.5


def test_clear_errors(tmp_path: Path, actors_file: Path) -> None:
    with pytest.raises(ConfigError, match="unknown actor code.*XYZ"):
        trends(actors_file, tmp_path / "o", actors=["RUS", "XYZ"])
    with pytest.raises(ConfigError, match="--freq"):
        trends(actors_file, tmp_path / "o", freq="fortnightly")
    no_date = tmp_path / "nodate.actors.csv"
    pd.read_csv(actors_file).drop(columns=["published"]).to_csv(no_date, index=False)
    with pytest.raises(DataError, match="published"):
        trends(no_date, tmp_path / "o")
    assert not (tmp_path / "o" / "trends.csv").exists()


def test_cli_exit_codes(tmp_path: Path, actors_file: Path) -> None:
    done = cli("trends", str(actors_file), "--out", str(tmp_path / "out"), "--freq", "W", "--actor", "RUS", "USA")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "trends.csv").exists() and "table rows" in done.stdout
    bad = cli("trends", str(actors_file), "--out", str(tmp_path / "out2"), "--actor", "NOPE")
    assert bad.returncode == 2 and "unknown actor code(s) NOPE" in bad.stderr and "Traceback" not in bad.stderr
    bad = cli("trends", str(actors_file), "--out", str(tmp_path / "out2"), "--freq", "sometimes")
    assert bad.returncode == 2 and "--freq" in bad.stderr
