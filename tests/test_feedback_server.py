"""Feedback through the real server (gunicorn, two workers): concurrent posts lose nothing, and everything survives
a restart; on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from feedback_support import db_url  # noqa: F401 - fixture
from serve_support import Server
from test_serve_api import _metric

pytestmark = pytest.mark.slow

POSTS = 60


def _post(server: Server, i: int) -> requests.Response:
    body = {"text": f"Minister {i} warns rivals over the border dispute", "task": "framing",
            "label": ("cautious", "confrontational")[i % 2], "annotator": f"annotator-{i % 3}", "id": f"item-{i}"}
    return requests.post(server.url + "/v1/feedback", json=body, timeout=30)


def _export(server: Server, query: str = "view=events") -> list[dict]:
    response = requests.get(f"{server.url}/v1/feedback?{query}", timeout=30)
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def test_concurrent_posts_from_two_workers_survive_a_restart(tiny_models: Path, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    env = {"NEWSFRAME_DB": db_url}
    server = Server(tiny_models, tmp_path, workers=2, env=env).wait_ready()
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: _post(server, i), range(POSTS)))
        assert [a.status_code for a in answers] == [201] * POSTS, [a.text for a in answers if a.status_code != 201][:3]
        records = [a.json() for a in answers]
        assert len({r["id"] for r in records}) == POSTS
        metrics = requests.get(server.url + "/metrics", timeout=10).text  # summed over both workers
        assert _metric(metrics, "newsframe_feedback_events_total", task="framing", kind="label") == POSTS
        undone = requests.post(f"{server.url}/v1/feedback/{records[0]['id']}/undo", timeout=30)
        assert undone.status_code == 201
    finally:
        assert server.stop() == 0, server.log()
    again = Server(tiny_models, tmp_path, workers=2, env=env).wait_ready()
    try:
        events = _export(again)
        assert sorted(e["id"] for e in events if e["kind"] == "label") == sorted(r["id"] for r in records)
        assert {e["item"]["id"]: e["label"] for e in events if e["kind"] == "label"} == \
            {r["item"]["id"]: r["label"] for r in records}
        current = _export(again, "view=current")
        assert len(current) == POSTS - 1 and records[0]["id"] not in {e["id"] for e in current}
        assert "Traceback" not in server.log() + again.log()
    finally:
        assert again.stop() == 0, again.log()
