"""Where feedback is kept and how the database is opened: URL, engine, and the schema migrated to head.

``NEWSFRAME_DB`` is an SQLAlchemy URL (``sqlite:////srv/feedback.sqlite``,
``postgresql+psycopg://user:pass@host/db``). Without it the database is an SQLite file beside the models
directory: ``<parent of MODELS>/newsframe-feedback.sqlite``, so ``models/`` and its feedback travel together.

Opening runs the Alembic migrations (``upgrade head``) under a lock (a file lock beside an SQLite file, an advisory
lock on PostgreSQL), so two processes opening a new database at once do not both create it. A database already at
head is recognised without importing Alembic.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsframe.core.errors import ConfigError
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

ENV_VAR = "NEWSFRAME_DB"
DEFAULT_FILE = "newsframe-feedback.sqlite"
HEAD = "0001_feedback"  # the newest migration in migrations/versions; checked by tests/test_feedback_store.py
_PG_LOCK_ID = 0x6E657773  # any fixed number: the advisory lock that serialises migrations
SCRIPTS = str(Path(__file__).with_name("migrations"))


def default_url(models: str | Path) -> str:
    """The SQLite file beside the models directory."""
    return f"sqlite:///{Path(models).resolve().parent / DEFAULT_FILE}"


def database_url(models: str | Path, explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``explicit``, else ``NEWSFRAME_DB``, else :func:`default_url`."""
    environ = os.environ if environ is None else environ
    return explicit or environ.get(ENV_VAR) or default_url(models)


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes a second writer (another gunicorn worker)
    # wait for the lock instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create(url: str) -> Engine:
    """An engine for ``url``; ConfigError for a URL SQLAlchemy cannot use (the password never in the message)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigError(f"{ENV_VAR}: cannot use database URL {_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as a placeholder, it may hold a password
        return "(unparsable URL)"


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (under the migration lock)."""
    from alembic import command
    from alembic.config import Config

    with _migration_lock(engine):
        if revision == "head" and current_revision(engine) == HEAD:
            return  # another process migrated while this one waited
        config = Config()
        config.set_main_option("script_location", SCRIPTS)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


def open_engine(url: str) -> Engine:
    """Create the engine and bring the schema to head; ConfigError if the database cannot be reached."""
    engine = create(url)
    try:
        if current_revision(engine) != HEAD:
            migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(f"{ENV_VAR}: cannot open the feedback database {_safe(url)}: "
                          f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
    return engine
