"""Nearest-neighbour search over claim vectors (usearch HNSW, inner product on unit vectors).

Vectors are stored as float16 (half the memory of float32; cosines change by < 1e-3) and can
be read back by position, so a candidate found lexically still gets its cosine.

An index can be saved to a file and opened again memory-mapped (`VectorIndex.open`): no build, and
every process mapping the same file shares its pages. A mapped index is read-only in usearch, so
vectors put afterwards go to a small in-memory index beside it (`put`), which `search` consults
too and which wins for the positions it holds.
"""
from __future__ import annotations

import numpy as np

# HNSW parameters: usearch's defaults for connectivity, a wider search than its default (64)
# so that at 14 k vectors the top 50 equal the exact ones (measured in tools/MATCHING.md).
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256


def _new_index(ndim: int):
    from usearch.index import Index

    return Index(ndim=ndim, metric="ip", dtype="f16", connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)


class VectorIndex:
    """Unit vectors by position 0..n-1; `search` gives the nearest by cosine."""

    def __init__(self, vectors: np.ndarray, threads: int = 1) -> None:
        """Index `vectors` (n, ndim) at positions 0..n-1, adding with `threads` threads (a
        process's build uses one; a benchmark or the index job may use more)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size, self.ndim = vectors.shape
        self._index = _new_index(self.ndim)
        self._delta = None  # beside a mapped index: the vectors put since it was opened
        if self.size:
            self._index.add(np.arange(self.size, dtype=np.uint64), vectors, threads=threads)

    @classmethod
    def open(cls, path: str) -> "VectorIndex":
        """The index saved at `path` by `save`, memory-mapped (read-only; milliseconds whatever
        its size). Raises ValueError when the file is not a usearch index."""
        from usearch.index import Index

        index = Index.restore(path, view=True)
        if index is None:
            raise ValueError(f"{path} is not a usearch index")
        index.expansion_search = EXPANSION_SEARCH  # a search setting, not saved in the file
        self = cls.__new__(cls)
        self._index, self.size, self.ndim = index, len(index), index.ndim
        self._delta = _new_index(self.ndim)
        self._overlaid: set[int] = set()
        return self

    def save(self, path: str) -> None:
        """Write the index to `path` (for `open`); an index opened from a file is saved already."""
        if self._delta is not None:
            raise ValueError("a mapped index cannot be saved again")
        self._index.save(path)

    @property
    def mapped(self) -> bool:
        return self._delta is not None

    @property
    def overlay(self) -> int:
        """How many vectors were put beside a mapped index (0 for an index in memory)."""
        return 0 if self._delta is None else len(self._overlaid)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` positions nearest to unit vector `query`, best first, with their cosines
        (arrays of equal length, at most min(k, size))."""
        if not self.size or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.asarray(query, dtype=np.float32)
        overlay = self.overlay
        base_size = len(self._index)
        keys, cosines = self._search(self._index, query, min(k + overlay, base_size))
        if not overlay:
            return keys, cosines
        # The overlay holds the newer vector of the positions it has: their mapped one is stale.
        stale = np.array([key in self._overlaid for key in keys.tolist()], dtype=bool)
        more_keys, more_cosines = self._search(self._delta, query, min(k, overlay))
        keys = np.concatenate([keys[~stale], more_keys])
        cosines = np.concatenate([cosines[~stale], more_cosines])
        order = np.lexsort((keys, -cosines))[:k]
        return keys[order], cosines[order]

    @staticmethod
    def _search(index, query, k):
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = index.search(query, k)
        # usearch's "ip" distance is 1 - inner product.
        return found.keys.astype(np.int64), (1.0 - found.distances).astype(np.float32)

    def cosines(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of `query` with the stored vectors at `positions` (float32, same order)."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.float32)
        keys = np.asarray(positions, dtype=np.uint64)
        stored = np.empty((len(keys), self.ndim), dtype=np.float32)
        in_overlay = np.array([self.overlay > 0 and key in self._overlaid for key in keys.tolist()], dtype=bool)
        if in_overlay.any():
            stored[in_overlay] = np.asarray(self._delta.get(keys[in_overlay]), dtype=np.float32)
        if (~in_overlay).any():
            stored[~in_overlay] = np.asarray(self._index.get(keys[~in_overlay]), dtype=np.float32)
        return stored @ np.asarray(query, dtype=np.float32)

    def put(self, positions: np.ndarray, vectors: np.ndarray) -> None:
        """Store unit `vectors` at `positions`, replacing any stored there (a changed claim) or
        adding new positions (which must continue 0..size-1 without gaps). Beside a mapped index
        they go to the in-memory overlay."""
        positions = np.asarray(positions, dtype=np.uint64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(positions), self.ndim)
        target = self._index if self._delta is None else self._delta
        for position, vector in zip(positions.tolist(), vectors):
            if position in target:
                target.remove(position)
            target.add(position, vector)
            if self._delta is not None:
                self._overlaid.add(position)
        self.size = max(self.size, int(positions.max()) + 1) if len(positions) else self.size
