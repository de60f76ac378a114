"""Errors that the CLI turns into a clear message and exit code 2 (bad input), never a traceback."""
from __future__ import annotations


class NewsframeError(Exception):
    """Base class for errors caused by the user's input, config or artifacts."""

    exit_code = 2


class DataError(NewsframeError):
    """A data file cannot be used; the message names the file and, where known, the row and column."""

    def __init__(self, path: str, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = [str(path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")
        self.path, self.row, self.column = str(path), row, column


class ConfigError(NewsframeError):
    """The training configuration is invalid."""


class Interrupted(BaseException):
    """Training was stopped by SIGINT or SIGTERM; nothing was published.

    A ``BaseException``, like ``KeyboardInterrupt``: libraries that catch ``Exception`` around a step (a cache
    write that only warns on failure, say) must not swallow the stop and carry on training.
    """

    exit_code = 2


class ArtifactError(NewsframeError):
    """A model version is missing, incomplete, tampered with, or built with incompatible libraries."""
