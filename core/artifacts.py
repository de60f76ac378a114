"""Versioned model directories: written atomically, verified (hashes, library versions) before unpickling.

Layout: ``MODELS/<version>/`` holds ``manifest.json``, one ``<task>.joblib`` pipeline per task and
``report/``; ``MODELS/latest`` is a symlink to the newest complete version. A version is assembled in
``MODELS/.tmp-<version>`` and renamed into place only when complete, and ``latest`` is swapped with
``os.replace``, so readers never see a half-written version.

Trust model: joblib files are pickles and run code when loaded. newsframe loads them only from the
models directory its operator configured, and only after every file's sha256 matches the manifest; it
never loads a path taken from a request. The hashes catch corruption, truncation and mismatched files,
not an attacker who can write to the models directory: protect that directory like the code itself.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from newsframe.core.errors import ArtifactError

FORMAT = "newsframe-model/1"
MANIFEST = "manifest.json"
LATEST = "latest"
TMP_PREFIX = ".tmp-"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions that decide whether a pickled pipeline loads and predicts the same.

    Read from the installed packages' metadata, not by importing them: checking a version must not cost the
    seconds that importing scikit-learn and SciPy takes (a process that scores through ``fast.pickle`` never
    imports them at all).
    """
    from importlib.metadata import version

    return {"python": platform.python_version(), "scikit-learn": version("scikit-learn"), "numpy": np.__version__,
            "scipy": version("scipy"), "joblib": version("joblib")}


def new_version_id(now: datetime | None = None) -> str:
    """Sortable, unique version name: UTC time plus a short random suffix."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


class VersionWriter:
    """Assemble a version in a temporary directory; ``commit`` publishes it and moves ``latest``."""

    def __init__(self, models_dir: str | Path) -> None:
        self.models_dir = Path(models_dir)
        self.version = new_version_id()
        self.models_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(self.models_dir)
        self.tmp = self.models_dir / f"{TMP_PREFIX}{self.version}"
        self.tmp.mkdir()

    def dump(self, name: str, obj: Any) -> Path:
        """Pickle one object into the version."""
        import joblib

        path = self.tmp / name
        joblib.dump(obj, path)
        return path

    def commit(self, manifest: dict[str, Any], move_latest: bool = True) -> Path:
        """Hash every file, write the manifest, rename into place, then atomically repoint ``latest``.

        With ``move_latest=False`` the version is published beside the others and ``latest`` stays where it was
        (``train --promote-if-better`` when the new version is worse).
        """
        files = sorted(p for p in self.tmp.rglob("*") if p.is_file())
        manifest = {"format": FORMAT, "version": self.version, **manifest,
                    "files": {p.relative_to(self.tmp).as_posix(): sha256_file(p) for p in files}}
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False), encoding="utf-8")
        final = self.models_dir / self.version
        os.replace(self.tmp, final)
        if not move_latest:
            return final
        link = self.models_dir / f"{TMP_PREFIX}{LATEST}-{uuid.uuid4().hex[:6]}"
        os.symlink(self.version, link)
        os.replace(link, self.models_dir / LATEST)
        return final

    def abort(self) -> None:
        """Remove the unfinished version; ``latest`` is untouched."""
        shutil.rmtree(self.tmp, ignore_errors=True)


def _remove_stale_temporaries(models_dir: Path) -> None:
    # Left by a run that was killed outright (SIGKILL, power loss); never referenced by ``latest``.
    for stale in models_dir.glob(f"{TMP_PREFIX}*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def resolve_version(path: str | Path) -> Path:
    """A version directory, given either the directory itself or a models directory with ``latest``."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    if (path / LATEST).exists():
        return (path / LATEST).resolve()
    if not path.exists():
        raise ArtifactError(f"{path}: models directory not found; train one with `newsframe train --out {path}`")
    raise ArtifactError(f"{path}: no model version here (no {MANIFEST} and no '{LATEST}'); train one with `newsframe train --out {path}`")


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """Parse and sanity-check a manifest without touching the pickles."""
    path = version_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: manifest missing; the version is incomplete") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArtifactError(f"{path}: not a {FORMAT} manifest (format={manifest.get('format') if isinstance(manifest, dict) else None!r})")
    for key in ("version", "files", "tasks", "libraries"):
        if key not in manifest:
            raise ArtifactError(f"{path}: manifest lacks '{key}'")
    return manifest


def verify_files(version_dir: Path, manifest: dict[str, Any]) -> None:
    """Every listed file exists and matches its sha256; refuse naming the first that does not."""
    for name, expected in manifest["files"].items():
        path = version_dir / name
        if not path.is_file():
            raise ArtifactError(f"{path}: listed in the manifest but missing")
        if sha256_file(path) != expected:
            raise ArtifactError(f"{path}: sha256 does not match the manifest (corrupted, truncated or replaced); refusing to load it")


def check_libraries(manifest: dict[str, Any]) -> None:
    """Refuse pickles from another scikit-learn minor or numpy major: they may load wrong or not at all."""
    built, here = manifest["libraries"], library_versions()

    def minor(v: str) -> str:
        return ".".join(v.split(".")[:2])

    if minor(built.get("scikit-learn", "?")) != minor(here["scikit-learn"]):
        raise ArtifactError(f"model {manifest['version']} was built with scikit-learn {built.get('scikit-learn')}, "
                            f"this is {here['scikit-learn']}: retrain with `newsframe train` or install the matching version")
    if built.get("numpy", "?").split(".")[0] != here["numpy"].split(".")[0]:
        raise ArtifactError(f"model {manifest['version']} was built with numpy {built.get('numpy')}, this is {here['numpy']}")


class ModelVersion:
    """A verified model version; its pipelines are unpickled on first use (``pipelines``).

    A caller that scores through the version's fast path (``fast.pickle``) never touches the pipelines, and so
    never pays for unpickling them or for importing scikit-learn.
    """

    def __init__(self, path: Path, manifest: dict[str, Any], pipelines: dict[str, Any] | None = None) -> None:
        self.path, self.manifest = path, manifest
        self._pipelines = pipelines
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def tasks(self) -> list[str]:
        """Task names in manifest order (the order pipelines are trained and scored in)."""
        return list(self.manifest["tasks"])

    def labels(self, task: str) -> list[str]:
        return list(self.manifest["tasks"][task]["labels"])

    @property
    def pipelines_loaded(self) -> bool:
        return self._pipelines is not None

    @property
    def pipelines(self) -> dict[str, Any]:
        """Every task's fitted pipeline, unpickled (once, thread-safely) on first access."""
        with self._lock:
            if self._pipelines is None:
                self._pipelines = _load_pipelines(self.path, self.manifest)
            return self._pipelines


def _load_pipelines(version_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    import joblib

    pipelines = {}
    for task, info in manifest["tasks"].items():
        file = version_dir / info["file"]
        try:
            pipeline = joblib.load(file)
        except Exception as exc:  # a hash-valid file can still fail, e.g. a missing class after an upgrade
            raise ArtifactError(f"{file}: cannot be loaded ({exc.__class__.__name__}: {exc})") from None
        classes = [str(c) for c in getattr(pipeline, "classes_", [])]
        if classes != list(info["labels"]):
            raise ArtifactError(f"{file}: classes {classes} differ from the manifest's labels {info['labels']}")
        pipelines[task] = pipeline
    return pipelines


def load_version(path: str | Path, lazy: bool = False) -> ModelVersion:
    """Resolve, verify and load a model version; any problem is an ArtifactError naming the file.

    Every file is hashed and the library versions checked here, before anything is unpickled. With ``lazy``
    the pipelines are unpickled on first use of ``ModelVersion.pipelines`` instead of now.
    """
    version_dir = resolve_version(path)
    manifest = read_manifest(version_dir)
    verify_files(version_dir, manifest)
    check_libraries(manifest)
    model = ModelVersion(version_dir, manifest)
    if not lazy:
        model.pipelines  # noqa: B018 - unpickled now, so a broken pickle fails the load
    return model
