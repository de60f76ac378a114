"""The on-disk cache of one task's hashed counts, so the streaming passes after the first skip the text analysis.

Each chunk is kept as one uncompressed ``.npz`` per feature member (float32 counts, int32 columns) plus its labels
and the part (fit / calibration / held-out) of every row; a pass loads one chunk at a time. Disk use is about
8 bytes per non-zero count (a few hundred per news article per member).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy import sparse

FIT, CALIBRATION, HELD_OUT = 0, 1, 2


class ChunkCache:
    """Chunks written in order to ``directory``; ``read(part)`` yields (counts per member, labels) of that part."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True)  # once: a cache removed under a running fit then fails loudly, not silently
        self.chunks: list[tuple[Path, list[str]]] = []
        self.rows: Counter = Counter({FIT: 0, CALIBRATION: 0, HELD_OUT: 0})

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def write(self, counts: dict[str, sparse.csr_matrix], labels: np.ndarray, part: np.ndarray) -> None:
        stem = self.directory / f"{len(self.chunks):06d}"
        for name, rows in counts.items():
            rows.indices = rows.indices.astype(np.int32, copy=False)
            sparse.save_npz(f"{stem}-{name}.npz", rows, compressed=False)
        np.save(f"{stem}-labels.npy", labels)
        np.save(f"{stem}-part.npy", part)
        self.chunks.append((stem, list(counts)))
        self.rows.update(part.tolist())

    def read(self, part: int) -> Iterator[tuple[dict[str, sparse.csr_matrix], np.ndarray]]:
        for stem, names in self.chunks:
            mask = np.load(f"{stem}-part.npy") == part
            if not mask.any():
                continue
            labels = np.load(f"{stem}-labels.npy")[mask]
            yield {name: sparse.load_npz(f"{stem}-{name}.npz")[mask] for name in names}, labels
