"""Errors that the CLI turns into a clear message and exit code 2 (bad input), never a traceback.

The exit codes every ``newsframe`` command uses: 0 done; 1 an internal failure; 2 bad usage, input, configuration
or model; 3 finished, but some input rows were rejected (batch scoring).
"""
from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
        self.path, self.message, self.row, self.column = str(path), message, row, column

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised on a worker (a Dask partition, a pool process), it must arrive whole: the default pickling would
        # call __init__ with the formatted text alone and fail.
        return _data_error, (self.path, self.message, self.row, self.column)


def _data_error(path: str, message: str, row: int | None, column: str | None) -> DataError:
    return DataError(path, message, row=row, column=column)


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


class StorageError(NewsframeError):
    """A file cannot be written because its filesystem is full, over quota or read-only; the message names it."""


# errno values that mean "this filesystem takes no more writes", whatever the file.
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def storage_error(exc: BaseException, path: str | Path) -> StorageError | None:
    """A StorageError naming the file (the one the OSError names, else ``path``) if ``exc`` means no space."""
    if not isinstance(exc, OSError):
        return None
    code = exc.errno if exc.errno in NO_SPACE_ERRNOS else next(
        (n for n in NO_SPACE_ERRNOS if f"[Errno {n}]" in str(exc)), None)  # pyarrow keeps errno in the text only
    if code is None:
        return None
    where = exc.filename or path
    return StorageError(f"{where}: cannot write: {os.strerror(code).lower()} (errno {code}); "
                        "free some space there or write elsewhere")


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an out-of-space OSError inside the block into a :class:`StorageError` naming the file or ``path``."""
    try:
        yield
    except OSError as exc:
        error = storage_error(exc, path)
        if error is None:
            raise
        raise error from None
