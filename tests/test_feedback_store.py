"""The feedback store on SQLite and PostgreSQL: append-only events, derived labels, undo, migrations, agreement."""
from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest
from feedback_support import db_url  # noqa: F401 - fixture
from newsframe.core.errors import ConfigError
from newsframe.core.feedback import (
    CannotUndo,
    EventNotFound,
    FeedbackStore,
    Item,
    database_url,
    default_url,
    item_key,
)
from newsframe.core.feedback.database import HEAD, SCRIPTS, current_revision
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import text

A = Item.of(headline="Moscow warns of retaliation", body="The minister said the move was hostile.", id="a1",
            source="wire", published=dt.date(2024, 5, 1))
B = Item.of(text="Markets rally as talks resume")


def test_migrations_head_is_the_newest_script() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_open_migrates_and_reopen_keeps_everything(db_url: str) -> None:  # noqa: F811
    store = FeedbackStore.open(db_url)
    assert current_revision(store.engine) == HEAD
    event = store.add_label(A, "framing", "confrontational", "ann", model_version="v1", suggestion="cautious",
                            confidence=0.61)
    store.close()
    again = FeedbackStore.open(db_url)
    [stored] = again.events()
    assert stored.record() == event.record()
    assert stored.created_at.tzinfo is not None and stored.published == dt.date(2024, 5, 1)
    assert stored.record()["item"] == {"key": item_key(A.text), "text": A.text, "headline": A.headline,
                                       "body": A.body, "id": "a1", "source": "wire", "published": "2024-05-01"}
    again.close()


def test_change_of_mind_and_undo(db_url: str) -> None:  # noqa: F811
    store = FeedbackStore.open(db_url)
    first = store.add_label(A, "framing", "cautious", "ann")
    second = store.add_label(A, "framing", "confrontational", "ann")
    assert [e.label for e in store.current()] == ["confrontational"]
    undo = store.undo(second.id)
    assert undo.kind == "undo" and undo.target_id == second.id and undo.annotator == "ann" and undo.item_key == A.key
    assert [e.id for e in store.current()] == [first.id]  # the earlier label is back
    with pytest.raises(CannotUndo, match="already undone"):
        store.undo(second.id)
    with pytest.raises(CannotUndo, match="is an undo"):
        store.undo(undo.id)
    with pytest.raises(EventNotFound):
        store.undo(10_000)
    store.undo(first.id)
    assert store.current() == []
    assert [e.kind for e in store.events()] == ["label", "label", "undo", "undo"]  # nothing was lost
    store.close()


def test_item_label_is_the_newest_of_any_annotator_and_filters_apply(db_url: str) -> None:  # noqa: F811
    store = FeedbackStore.open(db_url)
    store.add_label(A, "framing", "cautious", "ann")
    store.add_label(B, "topic", "Business", "ann")
    middle = dt.datetime.now(dt.timezone.utc)
    late = store.add_label(A, "framing", "confrontational", "bob")
    by_item = store.current_by_item("framing")
    assert {k: e.label for k, e in by_item.items()} == {("framing", A.key): "confrontational"}
    assert store.current_by_item("framing", up_to=late.id - 1)[("framing", A.key)].label == "cautious"
    assert [(e.annotator, e.label) for e in store.current(task="framing")] == [("ann", "cautious"), ("bob", "confrontational")]
    assert [e.label for e in store.current(annotator="ann")] == ["cautious", "Business"]
    assert [e.id for e in store.events(since=middle)] == [late.id]
    assert [e.annotator for e in store.events(until=middle)] == ["ann", "ann"]
    assert store.last_event_id() == late.id
    store.close()


def test_agreement_is_cohens_kappa_over_doubly_labelled_items(db_url: str) -> None:  # noqa: F811
    store = FeedbackStore.open(db_url)
    first = ["cautious", "cautious", "confrontational", "none", "cautious"]
    second = ["cautious", "confrontational", "confrontational", "none", "none"]
    for i, (a, b) in enumerate(zip(first, second)):
        item = Item.of(text=f"item number {i}")
        store.add_label(item, "framing", a, "ann")
        mistake = store.add_label(item, "framing", "cautious" if b != "cautious" else "none", "bob")
        store.undo(mistake.id)  # bob's retracted label does not count
        store.add_label(item, "framing", b, "bob")
    store.add_label(Item.of(text="single"), "framing", "cautious", "ann")  # one annotator only: not paired
    result = store.agreement()
    assert result["framing"]["items"] == 5
    assert result["framing"]["kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-4)
    assert result["framing"]["agreement"] == 0.6
    store.close()


def _writer(url: str, annotator: str, n: int) -> None:
    store = FeedbackStore.open(url)
    for i in range(n):
        store.add_label(Item.of(text=f"{annotator} item {i}"), "framing", "cautious", annotator)
    store.close()


def test_two_processes_writing_at_once_lose_nothing(db_url: str) -> None:  # noqa: F811
    FeedbackStore.open(db_url).close()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(db_url, name, 40)) for name in ("p1", "p2")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    store = FeedbackStore.open(db_url)
    events = store.events()
    assert len(events) == 80 and len({e.id for e in events}) == 80
    assert sorted({e.annotator for e in events}) == ["p1", "p2"]
    store.close()


def test_database_url_precedence_and_default_beside_models(tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert default_url(models) == f"sqlite:///{tmp_path / 'newsframe-feedback.sqlite'}"
    assert database_url(models, environ={}) == default_url(models)
    assert database_url(models, environ={"NEWSFRAME_DB": "sqlite:///x.db"}) == "sqlite:///x.db"
    assert database_url(models, "sqlite:///y.db", environ={"NEWSFRAME_DB": "sqlite:///x.db"}) == "sqlite:///y.db"


@pytest.mark.parametrize("url, message", [("nonsense", "cannot use database URL"),
                                          ("nosuchdb://u:secret@h/d", "cannot use database URL"),
                                          ("postgresql+psycopg://u:secret@127.0.0.1:1/d", "cannot open the feedback database")])
def test_bad_database_urls_are_config_errors_without_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        FeedbackStore.open(url)
    assert "secret" not in str(caught.value)


def test_sqlite_file_is_created_with_wal(tmp_path: Path) -> None:
    store = FeedbackStore.open(f"sqlite:///{tmp_path / 'sub' / 'f.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (tmp_path / "sub" / "f.sqlite").is_file()
    store.close()


def test_the_migrations_build_exactly_the_models_schema(db_url: str) -> None:  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from newsframe.core.feedback.models import Base

    store = FeedbackStore.open(db_url)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert differences == []
