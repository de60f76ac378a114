"""Errors that the CLI turns into a clear message and exit code 2 (bad input), never a traceback.

The exit codes every ``newsframe`` command uses: 0 done; 1 an internal failure; 2 bad usage, input, configuration
or model; 3 finished, but some input rows were rejected (batch scoring).
"""
from __future__ import annotations

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_REJECTS = 0, 1, 2, 3


class NewsframeError(Exception):
    """Base class for errors caused by the user's input, config or artifacts."""

    exit_code = EXIT_BAD_INPUT


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
    """A setting is invalid: a training config file, a server setting or a command-line option."""


class Interrupted(BaseException):
    """Training was stopped by SIGINT or SIGTERM; nothing was published.

    A ``BaseException``, like ``KeyboardInterrupt``: libraries that catch ``Exception`` around a step (a cache
    write that only warns on failure, say) must not swallow the stop and carry on training.
    """

    exit_code = EXIT_BAD_INPUT


class ArtifactError(NewsframeError):
    """A model version is missing, incomplete, tampered with, or built with incompatible libraries."""
