"""Batch scoring options and their checks, and the run summary with its exit code.

Exit codes: 0 every row scored; 3 finished, but some rows were rejected (see the rejects file);
2 bad usage or input (nothing published); 1 any other failure.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsframe.core.artifacts import resolve_version
from newsframe.core.errors import EXIT_OK, EXIT_REJECTS, NewsframeError
from newsframe.core.tables import table_format

DEFAULT_CHUNK_SIZE = 2000
ENGINES = ("local", "dask")


class UsageError(NewsframeError):
    """Options that cannot work together (exit 2)."""


@dataclass
class BatchOptions:
    """Everything a batch run needs; paths are resolved by :func:`check`."""

    input: Path
    output: Path
    models: Path
    scores: bool = False
    jobs: int = 1
    resume: bool = False
    engine: str = "local"
    scheduler: str | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    actors: bool = False  # also write <output stem>.actors.<ext> (serve/batch/actorrows.py)


@dataclass
class Summary:
    """Rows read, scored and rejected (read = scored + rejected), and where they went."""

    read: int
    scored: int
    rejected: int
    output: Path
    rejects: Path
    version: str
    actors: Path | None = None  # the actors file, with --actors
    actor_rows: int = 0

    def __post_init__(self) -> None:
        if self.read != self.scored + self.rejected:
            raise RuntimeError(f"row accounting broken: read {self.read} != scored {self.scored} + rejected {self.rejected}")

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTS if self.rejected else EXIT_OK

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "scored": self.scored, "rejected": self.rejected}

    def line(self) -> str:
        text = (f"read {self.read:,} rows: {self.scored:,} scored, {self.rejected:,} rejected; "
                f"model {self.version} -> {self.output}")
        text += f" (rejects: {self.rejects})" if self.rejected else ""
        return text + (f"; {self.actor_rows:,} actor rows -> {self.actors}" if self.actors is not None else "")


def rejects_path(output: Path) -> Path:
    """``<output stem>.rejects.jsonl`` beside the output."""
    return output.with_name(f"{output.stem}.rejects.jsonl")


def check(opts: BatchOptions) -> BatchOptions:
    """Refuse option combinations and paths that cannot work, before anything is read or loaded."""
    if opts.engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {opts.engine!r}")
    if opts.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {opts.jobs}")
    if opts.chunk_size < 1:
        raise UsageError(f"--chunk-size must be at least 1, got {opts.chunk_size}")
    if opts.scheduler and opts.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if opts.resume and opts.engine == "dask":
        raise UsageError("--resume works with the local engine only (a Dask run redoes failed tasks itself)")
    opts.input, opts.output = Path(opts.input).absolute(), Path(opts.output).absolute()
    opts.models = resolve_version(Path(opts.models).absolute())  # pinned: a new `latest` mid-run changes nothing
    table_format(opts.output)
    if not opts.input.exists():
        raise UsageError(f"{opts.input}: input not found")
    if opts.output.resolve() == opts.input.resolve():
        raise UsageError("--out must not be the input")
    if not opts.output.parent.is_dir():
        raise UsageError(f"{opts.output.parent}: output directory does not exist")
    if opts.engine == "local" and opts.output.is_dir():
        raise UsageError(f"{opts.output}: is a directory; the local engine writes one file (Dask writes directories)")
    if opts.engine == "dask" and opts.output.exists() and not opts.output.is_dir():
        raise UsageError(f"{opts.output}: exists and is a file; the Dask engine writes a directory of parts")
    return opts
