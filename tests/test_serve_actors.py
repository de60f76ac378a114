"""``POST /v1/predict`` with ``"actors": true`` (single and batch) and its ``published`` field, through Flask's test
client on the tiny model; the answer is the version's own actor finder, in the shape the OpenAPI document gives."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from newsframe.serve.web.state import current
from serve_support import assert_error

REPO = Path(__file__).resolve().parent.parent
SEED = (REPO / "data" / "samples" / "russia_us_talks_ukraine.txt").read_text(encoding="utf-8")
TEXT = "Russia handed Washington a list of demands. China called for calm and urged both sides to talk."
ACTOR_KEYS = ["code", "name", "kind", "sector", "role", "mentions", "framing", "sentences"]


def _finder(app: Flask):
    with app.app_context():
        return current().predictor.actors


def test_single_document_gets_its_actors(client: FlaskClient, app: Flask) -> None:
    plain = client.post("/v1/predict", json={"text": TEXT}).get_json()
    body = client.post("/v1/predict", json={"text": TEXT, "actors": True}).get_json()
    assert "actors" not in plain  # opt-in
    assert {k: v for k, v in body.items() if k != "actors"} == plain  # the rest of the answer is unchanged
    assert body["actors"] == _finder(app).find(TEXT)
    assert [a["code"] for a in body["actors"]][:1] == ["RUS"] and {"RUS", "USA", "CHN"} <= {a["code"] for a in body["actors"]}
    for actor in body["actors"]:
        assert [k for k in ACTOR_KEYS if k in actor] == [k for k in ACTOR_KEYS if k != "sector" or "sector" in actor]
        assert actor["role"] in {"source", "target", "mentioned"} and actor["mentions"] >= 1
        assert actor["framing"]["label"] in {"cautious", "confrontational", "none"}
        assert actor["framing"]["label"] == "none" or actor["role"] == "source"  # only an acting actor is framed
        for sentence in actor["sentences"]:
            assert 0 <= sentence["start"] < sentence["end"] <= len(TEXT)
            assert sentence["role"] in {"source", "target", "mentioned"}


def test_seed_article_names_the_four_actors(client: FlaskClient) -> None:
    body = client.post("/v1/predict", json={"text": SEED, "actors": True, "published": "2025-02-20"}).get_json()
    roles = {a["code"]: a["role"] for a in body["actors"]}
    assert {"RUS", "USA", "UKR", "CHN"} <= set(roles), roles
    assert roles["RUS"] == "source" and roles["CHN"] == "source"
    # Moscow's demand sentences carry CAMEO root 10 (demand), Beijing's "calling for peace" root 04: the verb cue
    # turns Russia confrontational although the framing model scores "talks" cautious (core/actors/verbcue.py).
    framing = {a["code"]: a["framing"]["label"] for a in body["actors"]}
    assert framing["RUS"] == "confrontational" and framing["CHN"] == "cautious", framing
    russia = next(a for a in body["actors"] if a["code"] == "RUS")
    assert {"word": "Pushes", "code": "100", "label": "confrontational"} in [s["cue"] for s in russia["sentences"]]


def test_batch_items_each_get_actors_and_errors_stay_in_their_slot(client: FlaskClient, app: Flask) -> None:
    items = [{"text": TEXT, "published": "2020-05-01"}, {"text": "   "}, {"headline": "China urges calm", "published": None},
             {"text": TEXT, "published": "2020-02-30"}]
    body = client.post("/v1/predict", json={"items": items, "actors": True}).get_json()
    first, empty, second, bad_date = body["results"]
    assert first["actors"] == _finder(app).find(TEXT, dt.date(2020, 5, 1))
    assert [a["code"] for a in second["actors"]] == ["CHN"]
    assert empty["error"]["code"] == "empty_text" and "actors" not in empty
    assert bad_date == {"error": {"code": "invalid_date",
                                  "message": "items[3].published: '2020-02-30' is not a date; expected \"YYYY-MM-DD\""}}
    without = client.post("/v1/predict", json={"items": items[:1]}).get_json()
    assert "actors" not in without["results"][0]


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"text": TEXT, "actors": "yes"}, "wrong_type", "actors"),
    ({"items": [{"text": TEXT}], "actors": 1}, "wrong_type", "actors"),
    ({"text": TEXT, "published": "20240101"}, "invalid_date", "published"),
    ({"text": TEXT, "published": "2024-1-5"}, "invalid_date", "published"),
    ({"text": TEXT, "published": "yesterday"}, "invalid_date", "published"),
    ({"text": TEXT, "published": 20240101}, "wrong_type", "published"),
    ({"text": TEXT, "published_at": "2024-01-01"}, "unknown_field", "published_at"),
])
def test_bad_fields_are_a_clear_422(client: FlaskClient, body: dict, code: str, field: str) -> None:
    response = client.post("/v1/predict", json=body)
    error = assert_error(response, 422, code)["error"]
    assert field in error["message"]


def test_published_date_resolves_leaders(client: FlaskClient) -> None:
    text = "Donald Trump warned Mexico over the wall."

    def codes(published: str | None) -> list[str]:
        body = client.post("/v1/predict", json={"text": text, "actors": True, "published": published}).get_json()
        return [a["code"] for a in body["actors"]]

    assert codes("2016-03-01") == ["USABUS", "MEX"]  # a businessman then
    assert codes("2018-03-01") == ["USA", "MEX"]  # the US president then


def test_openapi_documents_the_actors(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["Prediction"]["properties"]["actors"]["items"] == {"$ref": "#/components/schemas/Actor"}
    assert set(schemas["Actor"]["required"]) == set(ACTOR_KEYS) - {"sector"}
    for doc in schemas["Document"]["oneOf"]:
        assert {"actors", "published"} <= set(doc["properties"]) and doc["properties"]["published"]["format"] == "date"
    assert "actors" in schemas["Batch"]["properties"]
    for item in schemas["Item"]["oneOf"]:
        assert "published" in item["properties"] and "actors" not in item["properties"]


def test_version_carries_its_dictionary(tiny_models: Path) -> None:
    from newsframe.core.actors import ActorIndex
    from newsframe.serve.predictor import Predictor

    predictor = Predictor.load(tiny_models)
    entry = predictor.model.manifest["actors"]
    assert predictor.actors.index.directory == predictor.model.path / entry["dir"]
    assert entry["version"] == predictor.actors.index.version == ActorIndex.default().version
    assert {f"actors/{name}" for name in ("actors.csv", "patterns.csv", "agents.csv", "verbs.csv")} <= set(
        predictor.model.manifest["files"])  # hashed, so a changed dictionary refuses to load like a changed model


def _rewrite_manifest(version: Path, change) -> None:
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_older_version_falls_back_to_the_bundled_dictionary(version_copy: Path) -> None:
    from newsframe.core.actors.dictionary import DEFAULT_DIR
    from newsframe.serve.web.app import create_app

    _rewrite_manifest(version_copy, lambda m: m.pop("actors"))
    client = create_app({"MODELS": str(version_copy)}).test_client()
    body = client.post("/v1/predict", json={"text": TEXT, "actors": True}).get_json()
    assert body["actors"][0]["code"] == "RUS"
    with client.application.app_context():
        assert current().predictor.actors.index.directory == DEFAULT_DIR


def test_unloadable_dictionary_is_a_clear_503(version_copy: Path) -> None:
    from newsframe.serve.web.app import create_app

    _rewrite_manifest(version_copy, lambda m: m["actors"].update(dir="nowhere"))
    client = create_app({"MODELS": str(version_copy)}).test_client()
    assert client.post("/v1/predict", json={"text": TEXT}).status_code == 200  # the rest of the service still works
    body = assert_error(client.post("/v1/predict", json={"text": TEXT, "actors": True}), 503, "actors_unavailable")
    assert "nowhere" not in body["error"]["message"]  # no server path in the answer


def test_find_many_answers_as_find_does(tiny_models: Path) -> None:
    from newsframe.serve.predictor import Predictor

    finder = Predictor.load(tiny_models).actors
    texts = [TEXT, SEED, "Talks on Ukraine resumed in Geneva.", "Stocks rose on Monday."]
    days = [dt.date(2024, 5, 1), None, dt.date(2015, 1, 1), None]
    single = [finder.find(text, day) for text, day in zip(texts, days)]
    assert finder.find_many(texts, days) == single
    assert finder.find_many(texts, days, detail=False) == [
        [{k: v for k, v in actor.items() if k != "sentences"} for actor in actors] for actors in single]
    assert single[0][0]["code"] == "RUS" and single[3] == []
