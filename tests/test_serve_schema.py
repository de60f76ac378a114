"""Schemathesis against the real server's /openapi.json: no 5xx, no response outside the schema, and every
other check schemathesis has (bounded: a fixed number of examples per operation, well under a minute)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from newsframe.core.feedback import FeedbackStore, Item
from newsframe.core.feedback import queue as work_queue
from serve_support import Server

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).parent / "fixtures" / "schemathesis.toml"
MAX_EXAMPLES = 20


@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Small documented limits: the schema's maxLength/maxItems follow them, so the smallest request that breaks
    # a limit (what negative fuzzing must build) stays small. With the defaults (50,000 characters, 256 items)
    # hypothesis's "minimum possible example is too large" health check fired now and then, suppressed or not.
    limits = {"NEWSFRAME_MAX_TEXT_CHARS": "64", "NEWSFRAME_MAX_ITEMS": "4", "NEWSFRAME_MAX_BODY_BYTES": "4096"}
    root = tmp_path_factory.mktemp("serve-schema")
    # Its own feedback database, with one queued item so that the queue operations get past 404.
    limits["NEWSFRAME_DB"] = f"sqlite:///{root / 'feedback.sqlite'}"
    store = FeedbackStore.open(limits["NEWSFRAME_DB"])
    work_queue.add(store, [work_queue.Candidate(Item.of(text="Ministers meet to discuss the budget"), 1.0, 2, None, {})])
    store.close()
    srv = Server(tiny_models, root, env=limits).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_schemathesis_finds_nothing(server: Server, tmp_path: Path) -> None:
    st = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    command = [st, "--config-file", str(CONFIG), "--no-color", "run", f"{server.url}/openapi.json",
               "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--suppress-health-check", "large_base_example", "--generation-database", "none",
               "--request-timeout", "20", "--output-truncate", "true"]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=180)
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "13 selected" in run.stdout and "failure" not in run.stdout.lower().split("summary")[-1], report
    assert " 500 " not in server.log() and "Traceback" not in server.log(), server.log()[-3000:]
