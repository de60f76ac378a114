"""Server lifecycle: model reload (SIGHUP, watching ``latest``) without dropped requests; graceful SIGTERM."""
from __future__ import annotations

import os
import shutil
import signal
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import pytest
import requests
from newsframe.core.artifacts import LATEST, resolve_version
from newsframe.train.config import load_config
from newsframe.train.trainer import train
from serve_support import HEADLINE, Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def second_version(tiny_data: Path, tiny_config_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another trained version (own directory), to publish into a served models directory.

    Trained with the tiny config cut to one feature set and one C per task, to keep it quick.
    """
    config = load_config(tiny_config_path)
    quick = {name: replace(task, feature_sets=task.feature_sets[:1], C=task.C[:1]) for name, task in config.tasks.items()}
    return train([tiny_data], replace(config, tasks=quick), tmp_path_factory.mktemp("second"), log=lambda _: None)


def copy_models(tiny_models: Path, dest: Path) -> Path:
    """A private, writable copy of the session's models directory (``latest`` stays a relative link)."""
    shutil.copytree(tiny_models, dest, symlinks=True)
    return dest


def publish(models: Path, version_dir: Path) -> str:
    """Put a version in ``models`` and move ``latest`` to it atomically, as ``VersionWriter.commit`` does."""
    shutil.copytree(version_dir, models / version_dir.name)
    link = models / f".tmp-{LATEST}-{uuid.uuid4().hex[:6]}"
    os.symlink(version_dir.name, link)
    os.replace(link, models / LATEST)
    return version_dir.name


class Traffic:
    """Requests sent back to back from a thread; records every answer's version and every failure."""

    def __init__(self, server: Server) -> None:
        self.server, self.versions, self.failures = server, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                response = self.server.post({"text": HEADLINE})
                if response.status_code == 200:
                    self.versions.append(response.json()["model_version"])
                else:
                    self.failures.append(f"HTTP {response.status_code}: {response.text[:200]}")
            except requests.RequestException as exc:
                self.failures.append(repr(exc))

    def __enter__(self) -> "Traffic":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def wait_for(self, version: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.versions[-5:] == [version] * 5:
                return
            time.sleep(0.05)
        raise AssertionError(f"still serving {self.versions[-3:]} after {timeout} s:\n{self.server.log()}")


def served_version(server: Server) -> str:
    return requests.get(server.url + "/readyz", timeout=10).json()["model_version"]


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def hup_server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without --watch on a private copy of the models (the tests below move its ``latest``)."""
    tmp_path = tmp_path_factory.mktemp("serve-hup")
    srv = Server(copy_models(tiny_models, tmp_path / "models"), tmp_path, workers=2, watch=0).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_sighup_reloads_without_dropping_requests(hup_server: Server, second_version: Path) -> None:
    old = served_version(hup_server)
    with Traffic(hup_server) as traffic:
        time.sleep(0.3)
        new = publish(hup_server.models, second_version)
        time.sleep(0.5)
        assert set(traffic.versions) == {old}, "moving latest alone must not reload a server without --watch"
        hup_server.signal(signal.SIGHUP)
        traffic.wait_for(new)
        time.sleep(0.3)
    assert traffic.failures == [], traffic.failures
    assert len(traffic.versions) > 20 and traffic.versions[0] == old and traffic.versions[-1] == new
    assert requests.get(hup_server.url + "/v1/models", timeout=10).json()["version"] == new
    metrics = lambda: requests.get(hup_server.url + "/metrics", timeout=10).text  # noqa: E731
    assert eventually(lambda: f'newsframe_model_info{{version="{new}"}} 1.0' in metrics() and old not in metrics())


def test_sighup_with_a_broken_version_keeps_serving(hup_server: Server) -> None:
    good = served_version(hup_server)
    broken = hup_server.models / "20990101T000000Z-broken"
    shutil.copytree(resolve_version(hup_server.models), broken)
    (broken / "topic.joblib").write_bytes(b"truncated")
    link = hup_server.models / ".tmp-latest-broken"
    os.symlink(broken.name, link)
    os.replace(link, hup_server.models / LATEST)
    with Traffic(hup_server) as traffic:
        hup_server.signal(signal.SIGHUP)
        assert eventually(lambda: "reload failed" in hup_server.log())
        time.sleep(0.5)
    assert traffic.failures == [] and set(traffic.versions) == {good}
    assert "sha256 does not match" in hup_server.log()
    assert served_version(hup_server) == good


def test_watching_latest_picks_up_a_new_version(tiny_models: Path, tmp_path: Path, second_version: Path) -> None:
    server = Server(copy_models(tiny_models, tmp_path / "models"), tmp_path, workers=2, watch=0.3).wait_ready()
    try:
        old = served_version(server)
        with Traffic(server) as traffic:
            time.sleep(0.3)
            new = publish(server.models, second_version)
            traffic.wait_for(new)
        assert traffic.failures == [], traffic.failures
        assert traffic.versions[0] == old and new != old
        assert "moved to" in server.log()
    finally:
        assert server.stop() == 0, server.log()


def _slow_batch(server: Server) -> tuple[dict, float]:
    """A batch that takes the server a noticeable time (grown until it does, within the documented limits)."""
    text = ("Diplomats urge restraint while generals threaten retaliation across the border. " * 100)[:7000]
    n = 64
    while True:
        body = {"items": [{"text": f"{i} {text}"} for i in range(n)], "explain": True}
        started = time.monotonic()
        assert server.post(body).status_code == 200
        took = time.monotonic() - started
        if took >= 0.8 or n >= 256:
            return body, took
        n = min(256, n * 2)


def test_sigterm_finishes_in_flight_requests_and_exits_0(tiny_models: Path, tmp_path: Path) -> None:
    server = Server(tiny_models, tmp_path, workers=1).wait_ready()
    body, took = _slow_batch(server)
    answers: list[requests.Response] = []
    in_flight = threading.Thread(target=lambda: answers.append(server.post(body)))
    in_flight.start()
    time.sleep(min(0.3, took / 3))
    server.signal(signal.SIGTERM)
    time.sleep(0.2)
    # No longer accepting: refused, or reset once the worker has finished its last request.
    with pytest.raises((requests.ConnectionError, requests.Timeout)):
        requests.get(server.url + "/healthz", timeout=5)
    in_flight.join(60)
    assert answers and answers[0].status_code == 200, server.log()
    assert len(answers[0].json()["results"]) == len(body["items"])
    assert server.process.wait(30) == 0, server.log()
    assert server.stop() == 0
    assert "Traceback" not in server.log()
