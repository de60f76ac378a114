"""Start and stop the real ``newsframe serve`` process (gunicorn) on a free loopback port, for the serve tests."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

HEADLINE = "Washington weighs sanctions as Moscow demands talks on Ukraine"


def free_port() -> int:
    """A port that was free a moment ago (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ``newsframe serve`` process; ``stop()`` sends SIGTERM and returns the exit code."""

    def __init__(self, models: Path, log_dir: Path, *, workers: int = 2, threads: int = 1, watch: float = 0.0,
                 env: dict[str, str] | None = None, command: str = "serve", args: tuple[str, ...] = ()) -> None:
        self.models, self.port = models, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFRAME_", "PROMETHEUS_"))}
        environ.update(env or {})
        argv = [sys.executable, "-m", "newsframe.cli", command, "--models", str(models), "--host", "127.0.0.1",
                "--port", str(self.port), "--workers", str(workers), "--threads", str(threads), "--watch", str(watch), *args]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, env=environ)

    def wait_ready(self, timeout: float = 60.0) -> "Server":
        """Poll ``/readyz`` until it answers 200; fail with the server log if the process dies first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or no worker booted yet
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, wait, return the exit code (kill only if it hangs, and then fail loudly)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"server did not stop within {timeout} s after SIGTERM:\n{self.log()}")
        self._log.close()
        return self.process.returncode

    def post(self, body: Any, **kwargs: Any) -> requests.Response:
        """POST a JSON body to /v1/predict."""
        return requests.post(self.url + "/v1/predict", json=body, timeout=30, **kwargs)


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the JSON error shape with this status and code, and shows no traceback."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json() if callable(response.json) else response.json  # requests, or Flask's test client
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def browser_page(server: Server) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A page of Debian's headless Chromium, with the requests that left ``server`` and the page's script errors."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (see `make system-deps`)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            external: list[str] = []
            page.on("request", lambda r: None if r.url.startswith(server.url) else external.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield page, external, errors
        finally:
            browser.close()
