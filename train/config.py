"""Training configuration: defaults, TOML loading with validation, and a plain-dict form for the manifest."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomllib
from newsframe.core.errors import ConfigError
from newsframe.core.text import PREPROCESSORS

CALIBRATIONS = ("sigmoid", "isotonic")


@dataclass(frozen=True)
class FeatureSet:
    """One TF-IDF feature recipe: word n-grams, character n-grams (within word bounds), or both.

    ``preprocess`` names a function in ``newsframe.core.text.PREPROCESSORS`` (e.g. headline weighting,
    negation and hedge cues) that every vectoriser of the recipe applies instead of plain lowercasing.
    """

    name: str
    word_ngram: tuple[int, int] | None = (1, 2)
    char_ngram: tuple[int, int] | None = None
    sublinear_tf: bool = True
    min_df: int = 1
    max_features: int | None = None
    preprocess: str | None = None


@dataclass(frozen=True)
class TaskConfig:
    """The search space for one task; every combination is scored by cross-validated macro-F1."""

    feature_sets: tuple[FeatureSet, ...] = (
        FeatureSet("word12"),
        FeatureSet("word12+char25", char_ngram=(2, 5), min_df=2),
    )
    C: tuple[float, ...] = (0.1, 0.3, 1.0)
    class_weight: tuple[str | None, ...] = (None,)
    # Naive-Bayes feature scaling (newsframe.core.nbsvm): smoothing values to try; None is a plain LinearSVC.
    nb_alpha: tuple[float | None, ...] = (None,)
    calibration: str = "sigmoid"
    calibration_folds: int = 3


# Topic: naive-Bayes-scaled LinearSVC (NBSVM), chosen by the cross-validated comparison in BENCHMARKS.md.
TOPIC_DEFAULT = TaskConfig(nb_alpha=(0.1,))

# Framing and posture defaults: the winners of the cross-validated comparison in research/reports/framing_experiments.md
# (python -m research.framing). Word uni/bigrams + char_wb 2-5-grams on text whose headline is written twice,
# with negation scope marking and hedge cue tokens; class weights and isotonic calibration did not help.
HEADLINE_CUES = FeatureSet("word12+char25 headline2+cues", char_ngram=(2, 5), min_df=2, preprocess="headline2+cues")
HEADLINE = FeatureSet("word12+char25 headline2", char_ngram=(2, 5), min_df=2, preprocess="headline2")
# Framing: NB-scaled LinearSVC, alpha 0.3 (the `nb` stage of python -m research.framing; figures in research/README.md).
FRAMING_DEFAULT = TaskConfig(feature_sets=(HEADLINE_CUES, HEADLINE), C=(0.3, 1.0), class_weight=(None,), nb_alpha=(0.3,),
                             calibration="sigmoid")
POSTURE_DEFAULT = TaskConfig(feature_sets=(HEADLINE_CUES, HEADLINE), C=(0.3, 1.0), class_weight=(None,), calibration="sigmoid")


STREAM_MODES = ("auto", "memory", "stream")
STREAM_LOSSES = ("hinge", "log_loss", "modified_huber")


@dataclass(frozen=True)
class StreamConfig:
    """When and how training streams (``newsframe.train.streaming``) instead of fitting in memory.

    ``mode = "auto"`` streams when the input is larger than ``stream_above_mb`` (file sizes, Parquet counted
    uncompressed): the in-memory fit needs about 100 bytes of memory per byte of input (BENCHMARKS.md), so the default
    keeps it under 6 GiB. The streamed model: per task, its richest feature set hashed into ``hash_features`` columns
    per vectoriser, TF-IDF weights from a streaming document-frequency pass, the task's first ``nb_alpha`` scaling,
    an averaged SGD linear model (``loss``, ``epochs``; regularisation ``alpha``, by default ``1 / (C * rows)`` with
    the task's first ``C``: the SVM objective the in-memory fit solves) and a sigmoid (or isotonic, as the task says)
    calibration fitted on a ``calibration_fraction`` of the rows held out of the fit. ``workers`` processes hash the
    text (the costly part) in parallel.
    """

    mode: str = "auto"
    stream_above_mb: float = 48.0
    chunk_rows: int = 20_000
    hash_features: int = 1 << 20
    loss: str = "hinge"
    alpha: float | None = None
    epochs: int = 2
    workers: int = 2
    calibration_fraction: float = 0.1
    cache_dir: str | None = None  # where the hashed counts of one run are kept (default: the system temp dir)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a trained model besides the data. Same data + same config = same model."""

    seed: int = 0
    test_size: float = 0.2
    cv_folds: int = 3
    refit_on_all: bool = True
    tasks: dict[str, TaskConfig] = field(default_factory=lambda: {"topic": TOPIC_DEFAULT, "framing": FRAMING_DEFAULT, "posture": POSTURE_DEFAULT})
    streaming: StreamConfig = field(default_factory=StreamConfig)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form, as stored in the manifest."""
        return asdict(self)


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return raw


def _tuple_or_none(value: Any, where: str) -> tuple[int, int] | None:
    if value is None or value is False:
        return None
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) and v >= 1 for v in value) and value[0] <= value[1]):
        raise ConfigError(f"{where}: expected [min, max] with 1 <= min <= max, got {value!r}")
    return (int(value[0]), int(value[1]))


def _task_from_dict(raw: dict[str, Any], where: str, base: TaskConfig | None = None) -> TaskConfig:
    """A task's search space: ``base`` (the task's default) with the keys given in ``raw`` replaced."""
    _build(TaskConfig, raw, where)
    task = base or TaskConfig()
    if "feature_sets" in raw:
        sets = []
        for i, fs in enumerate(raw["feature_sets"]):
            here = f"{where}.feature_sets[{i}]"
            if not isinstance(fs, dict) or "name" not in fs:
                raise ConfigError(f"{here}: expected a table with a 'name'")
            _build(FeatureSet, fs, here)
            word = _tuple_or_none(fs.get("word_ngram", (1, 2)), f"{here}.word_ngram")
            char = _tuple_or_none(fs.get("char_ngram"), f"{here}.char_ngram")
            if word is None and char is None:
                raise ConfigError(f"{here}: needs word_ngram or char_ngram")
            preprocess = fs.get("preprocess")
            if preprocess is not None and preprocess not in PREPROCESSORS:
                raise ConfigError(f"{here}.preprocess: unknown {preprocess!r}; known: {', '.join(PREPROCESSORS)}")
            sets.append(FeatureSet(str(fs["name"]), word, char, bool(fs.get("sublinear_tf", True)),
                                   int(fs.get("min_df", 1)), fs.get("max_features"), preprocess))
        if not sets:
            raise ConfigError(f"{where}.feature_sets: must not be empty")
        task = replace(task, feature_sets=tuple(sets))
    if "C" in raw:
        values = raw["C"] if isinstance(raw["C"], list) else [raw["C"]]
        if not values or not all(isinstance(c, (int, float)) and c > 0 for c in values):
            raise ConfigError(f"{where}.C: expected positive numbers, got {raw['C']!r}")
        task = replace(task, C=tuple(float(c) for c in values))
    if "class_weight" in raw:
        values = [None if v in ("none", None) else v for v in raw["class_weight"]]
        if not values or any(v not in (None, "balanced") for v in values):
            raise ConfigError(f"{where}.class_weight: expected a list of 'none' and/or 'balanced'")
        task = replace(task, class_weight=tuple(values))
    if "nb_alpha" in raw:
        values = [None if v in ("none", None) else v for v in (raw["nb_alpha"] if isinstance(raw["nb_alpha"], list) else [raw["nb_alpha"]])]
        if not values or not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0) for v in values):
            raise ConfigError(f"{where}.nb_alpha: expected positive numbers and/or 'none', got {raw['nb_alpha']!r}")
        task = replace(task, nb_alpha=tuple(None if v is None else float(v) for v in values))
    if "calibration" in raw:
        if raw["calibration"] not in CALIBRATIONS:
            raise ConfigError(f"{where}.calibration: expected one of {', '.join(CALIBRATIONS)}")
        task = replace(task, calibration=raw["calibration"])
    if "calibration_folds" in raw:
        task = replace(task, calibration_folds=_int_at_least(raw["calibration_folds"], 2, f"{where}.calibration_folds"))
    return task


def _int_at_least(value: Any, low: int, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ConfigError(f"{where}: expected an integer >= {low}, got {value!r}")
    return value


def config_from_dict(raw: dict[str, Any]) -> TrainConfig:
    """Validate a parsed config mapping; unspecified keys keep their defaults."""
    _build(TrainConfig, raw, "config")
    config = TrainConfig()
    if "seed" in raw:
        config = replace(config, seed=_int_at_least(raw["seed"], 0, "config.seed"))
    if "test_size" in raw:
        if not isinstance(raw["test_size"], (int, float)) or not 0 < raw["test_size"] < 1:
            raise ConfigError(f"config.test_size: expected a fraction between 0 and 1, got {raw['test_size']!r}")
        config = replace(config, test_size=float(raw["test_size"]))
    if "cv_folds" in raw:
        config = replace(config, cv_folds=_int_at_least(raw["cv_folds"], 2, "config.cv_folds"))
    if "refit_on_all" in raw:
        config = replace(config, refit_on_all=bool(raw["refit_on_all"]))
    if "streaming" in raw:
        config = replace(config, streaming=_stream_from_dict(raw["streaming"]))
    if "tasks" in raw:
        tasks = dict(config.tasks)
        for name, task_raw in raw["tasks"].items():
            if name not in tasks:
                raise ConfigError(f"config.tasks: unknown task '{name}'; known: {', '.join(tasks)}")
            tasks[name] = _task_from_dict(task_raw, f"config.tasks.{name}", tasks[name])
        config = replace(config, tasks=tasks)
    return config


def _stream_from_dict(raw: Any) -> StreamConfig:
    where = "config.streaming"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table")
    _build(StreamConfig, raw, where)
    stream = StreamConfig()
    for key, choices in (("mode", STREAM_MODES), ("loss", STREAM_LOSSES)):
        if key in raw:
            if raw[key] not in choices:
                raise ConfigError(f"{where}.{key}: expected one of {', '.join(choices)}, got {raw[key]!r}")
            stream = replace(stream, **{key: raw[key]})
    for key, low in (("chunk_rows", 100), ("hash_features", 2), ("epochs", 1), ("workers", 1)):
        if key in raw:
            stream = replace(stream, **{key: _int_at_least(raw[key], low, f"{where}.{key}")})
    for key in ("stream_above_mb", "alpha"):
        if key in raw:
            value = raw[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or (key == "alpha" and value == 0):
                raise ConfigError(f"{where}.{key}: expected a {'positive' if key == 'alpha' else 'non-negative'} number, got {value!r}")
            stream = replace(stream, **{key: float(value)})
    if "calibration_fraction" in raw:
        value = raw["calibration_fraction"]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value < 0.5:
            raise ConfigError(f"{where}.calibration_fraction: expected a fraction between 0 and 0.5, got {value!r}")
        stream = replace(stream, calibration_fraction=float(value))
    if "cache_dir" in raw:
        if not isinstance(raw["cache_dir"], str) or not raw["cache_dir"].strip():
            raise ConfigError(f"{where}.cache_dir: expected a directory path")
        stream = replace(stream, cache_dir=raw["cache_dir"])
    return stream


def load_config(path: str | Path | None) -> TrainConfig:
    """Read a TOML config file, or return the defaults when ``path`` is None."""
    if path is None:
        return TrainConfig()
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return config_from_dict(raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
