"""Shared fixtures: the tiny in-repo training set and one tiny trained model per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from newsframe.core.artifacts import LATEST
from newsframe.serve.web.app import create_app
from newsframe.train.config import load_config
from newsframe.train.trainer import train

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_data() -> Path:
    return FIXTURES / "tiny_train.csv"


@pytest.fixture(scope="session")
def tiny_config_path() -> Path:
    return FIXTURES / "tiny.toml"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory, tiny_data: Path, tiny_config_path: Path) -> Path:
    """A models directory holding one trained tiny version behind ``latest`` (read-only for tests)."""
    out = tmp_path_factory.mktemp("models")
    train([tiny_data], load_config(tiny_config_path), out, log=lambda _: None)
    return out


@pytest.fixture(scope="session")
def app(tiny_models: Path) -> Flask:
    """The HTTP app on the tiny model, for contract tests through Flask's test client (no sockets)."""
    return create_app({"MODELS": str(tiny_models)})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def version_copy(tmp_path: Path, tiny_models: Path) -> Path:
    """A writable copy of the tiny version, for tests that tamper with it."""
    target = tmp_path / "v"
    shutil.copytree((tiny_models / LATEST).resolve(), target)
    return target
