"""Feedback databases for tests: a fresh SQLite file always, and a fresh schema on the PostgreSQL server named by
``NEWSFRAME_TEST_POSTGRES`` when that is set (``bash .ci/postgres.sh`` starts one and prints the URL). In CI
(``CI=true``) a missing URL fails the PostgreSQL tests instead of skipping them.

Import the ``db_url`` fixture into a test module (``from feedback_support import db_url``) to run its tests on both.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "NEWSFRAME_TEST_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]


def postgres_url() -> str:
    """The test server's URL, or skip (fail in CI)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        message = f"{POSTGRES_ENV} is not set: run `export {POSTGRES_ENV}=$(bash .ci/postgres.sh)`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of that backend; a PostgreSQL schema is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'feedback.sqlite'}"
        return
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty feedback database URL, once per backend."""
    yield from fresh_url(request.param, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A feedback database URL shared by a module's tests, once per backend (empty it with :func:`empty`)."""
    yield from fresh_url(request.param, tmp_path_factory.mktemp("feedback"))


def empty(engine: Engine) -> None:
    """Delete every event and queued item (the schema stays)."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM label_events"))
        conn.execute(text("DELETE FROM queue_items"))
