"""The app factory in-process (settings, isolation between apps) and the serve/up commands' start-up paths."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from newsframe.core.errors import ArtifactError, ConfigError
from newsframe.serve.web.app import DEFAULTS, create_app, load_settings
from serve_support import HEADLINE, Server


def test_settings_precedence_defaults_environment_mapping() -> None:
    assert load_settings(None, environ={}) == {**DEFAULTS, "API_KEY": None}
    env = {"NEWSFRAME_MODELS": "/srv/models", "NEWSFRAME_MAX_ITEMS": "10", "NEWSFRAME_API_KEY": "k",
           "NEWSFRAME_MAX_BODY_BYTES": "1000", "UNRELATED": "x"}
    settings = load_settings({"MAX_ITEMS": 5}, environ=env)
    assert settings["MODELS"] == "/srv/models" and settings["MAX_ITEMS"] == 5 and settings["API_KEY"] == "k"
    assert settings["MAX_CONTENT_LENGTH"] == 1000 and settings["MAX_TEXT_CHARS"] == 1000  # capped by the body
    assert load_settings(None, environ={"NEWSFRAME_API_KEY": ""})["API_KEY"] is None


@pytest.mark.parametrize("key, value", [("MAX_ITEMS", "many"), ("MAX_ITEMS", 0), ("MAX_TEXT_CHARS", -1),
                                        ("MAX_CONTENT_LENGTH", True), ("MAX_ITEMS", None)])
def test_bad_settings_are_refused(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=key):
        load_settings({key: value}, environ={})


def test_missing_model_is_an_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="newsframe train"):
        create_app({"MODELS": str(tmp_path / "nothing")})


def test_apps_share_no_state(tiny_models: Path) -> None:
    small = create_app({"MODELS": str(tiny_models), "MAX_ITEMS": 1})
    large = create_app({"MODELS": str(tiny_models), "MAX_ITEMS": 3})
    batch = {"items": [{"text": HEADLINE}, {"text": HEADLINE}]}
    assert small.test_client().post("/v1/predict", json=batch).status_code == 422  # too many items
    assert large.test_client().post("/v1/predict", json=batch).status_code == 200
    large.test_client().post("/v1/predict", json={"text": HEADLINE})
    lines = small.test_client().get("/metrics").get_data(as_text=True).splitlines()
    counted = [line for line in lines if line.startswith("newsframe_http_requests_total{")]
    assert len(counted) == 1 and 'status="422"' in counted[0], counted  # the other app's requests are not here
    assert small.extensions["newsframe"].predictor is not large.extensions["newsframe"].predictor


def test_serve_without_a_model_exits_2_with_a_message(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "newsframe.cli", "serve", "--models", str(tmp_path / "none"),
                          "--port", "1"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "models directory not found" in run.stderr and "Traceback" not in run.stderr


def test_up_serves_an_existing_model_without_training(tiny_models: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)
    before = sorted(p.name for p in models.iterdir())
    server = Server(models, tmp_path, workers=1, command="up").wait_ready()
    try:
        assert server.post({"text": HEADLINE}).status_code == 200
    finally:
        assert server.stop() == 0, server.log()
    assert sorted(p.name for p in models.iterdir()) == before
    assert "training one" not in server.log()
