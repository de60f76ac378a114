"""The work directory beside an output: finished chunk parts and the journal that makes ``--resume`` possible.

``.<output name>.newsframe-partial/`` holds ``journal.jsonl`` (first line: the run signature; then one line
per finished chunk, appended and fsynced only after that chunk's part files are in place), the part
files, and a lock so two runs never write the same output. A journal line cut short by a crash is
ignored, so the chunk is simply done again. The directory is removed once the output is published.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

from newsframe.core.errors import DataError
from newsframe.serve.batch.source import Position

FORMAT = "newsframe-batch/1"
JOURNAL = "journal.jsonl"


def input_signature(files: list[Path]) -> list[dict[str, Any]]:
    """What identifies the input: absolute path, size and modification time of every file."""
    out = []
    for path in files:
        stat = path.stat()
        out.append({"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return out


class WorkDir:
    """Finished chunks of one run, kept beside the output until it is published."""

    def __init__(self, output: Path) -> None:
        self.path = output.parent / f".{output.name}.newsframe-partial"
        self.journal = self.path / JOURNAL
        self._lock: int | None = None

    def open(self, signature: dict[str, Any], resume: bool, log: Callable[[str], None]) -> list[dict[str, Any]]:
        """Start (or, with ``resume``, continue) a run; return the journal entries of chunks already finished."""
        signature = {"format": FORMAT, **signature}
        done: list[dict[str, Any]] = []
        if self.path.exists():
            self._take_lock()
            if resume:
                done = self._read(signature)
                log(f"resuming: {len(done)} chunk(s) already finished" if done else "resuming: no chunk finished yet")
            else:
                log(f"discarding the unfinished run in {self.path} (use --resume to continue it)")
                self._clear()
        elif resume:
            log("nothing to resume; starting from the beginning")
        self.path.mkdir(exist_ok=True)
        self._take_lock()
        if not done:
            with open(self.journal, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"signature": signature}) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return done

    def part(self, index: int, ext: str) -> Path:
        return self.path / f"part-{index:06d}{ext}"

    def actors_part(self, index: int, ext: str) -> Path:
        return self.path / f"actors-{index:06d}{ext}"

    def rejects_part(self, index: int) -> Path:
        return self.path / f"rejects-{index:06d}.jsonl"

    def commit(self, entry: dict[str, Any]) -> None:
        """Record one finished chunk (its parts must already be in place)."""
        with open(self.journal, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def remove(self) -> None:
        """Delete the work directory after the output is published."""
        self._release()
        shutil.rmtree(self.path, ignore_errors=True)

    def _read(self, signature: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            lines = self.journal.read_bytes().split(b"\n")
            first = json.loads(lines[0])["signature"]
        except (OSError, ValueError, KeyError, IndexError):
            raise DataError(str(self.journal), "cannot resume: the journal is unreadable; run without --resume") from None
        changed = [k for k in signature if first.get(k) != signature[k]]
        if changed:
            raise DataError(str(self.journal), f"cannot resume: {', '.join(changed)} changed since the interrupted run; "
                            "run without --resume to start over")
        done, good_bytes = [], len(lines[0]) + 1
        for raw in lines[1:]:
            try:
                entry = json.loads(raw)
            except ValueError:
                break  # a line cut short by the crash: that chunk is redone
            if entry.get("chunk") != len(done):
                break
            done.append(entry)
            good_bytes += len(raw) + 1
        with open(self.journal, "r+b") as handle:  # drop any torn tail so new lines append cleanly
            handle.truncate(good_bytes)
            os.fsync(handle.fileno())
        return done

    def _clear(self) -> None:
        for item in self.path.iterdir():
            if item.name != ".lock":
                item.unlink() if item.is_file() else shutil.rmtree(item)

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataError(str(self.path), "another newsframe score run is writing this output") from None
        self._lock = fd

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def resume_point(done: list[dict[str, Any]]) -> tuple[Position | None, dict[str, int]]:
    """Where to continue reading, and the row counts of the finished chunks."""
    totals = {k: sum(int(e[k]) for e in done) for k in ("read", "scored", "rejected")}
    return (Position(**done[-1]["end"]) if done else None), totals
