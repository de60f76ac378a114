"""Progress of a batch run: a tqdm bar (rows/s, ETA) on a terminal, plain timed log lines otherwise."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """Counts rows as chunks finish. ``total`` is exact when known; otherwise it is estimated from ``fraction``."""

    def __init__(self, total: int | None = None, done: int = 0, stream: TextIO | None = None,
                 every: float = 10.0, tty: bool | None = None, log: Callable[[str], None] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done, self.rejected = total, done, 0
        self.every, self.started, self.last_log = every, time.monotonic(), 0.0
        self.first = done
        self.log = log or (lambda line: print(line, file=self.stream, flush=True))
        self.bar = None
        if tty if tty is not None else self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit=" rows", unit_scale=True, file=self.stream,
                            dynamic_ncols=True, smoothing=0.05, desc="scoring")

    def advance(self, read: int, rejected: int, fraction: float | None = None) -> None:
        """``read`` more rows finished (``rejected`` of them rejected); ``fraction`` of the input is behind us."""
        self.done += read
        self.rejected += rejected
        if self.total is None and fraction:
            estimate = int(self.done / fraction)
        else:
            estimate = self.total
        if self.bar is not None:
            if self.total is None and estimate:
                self.bar.total = estimate
            self.bar.set_postfix(rejected=self.rejected, refresh=False)
            self.bar.update(read)
            return
        now = time.monotonic()
        if now - self.last_log >= self.every:
            self.last_log = now
            self.log(self.line(estimate, now))

    def line(self, estimate: int | None, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = (self.done - self.first) / elapsed
        text = f"scoring: {self.done:,} rows done ({self.rejected:,} rejected), {rate:,.0f} rows/s"
        if estimate and rate > 0:
            left = max(estimate - self.done, 0)
            text += f", {min(100.0, 100 * self.done / estimate):.0f}%{'' if self.total else ' (estimated)'}, ETA {_duration(left / rate)}"
        return text

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
