"""Nearest-neighbour search over claim vectors (usearch HNSW, inner product on unit vectors).

Vectors are stored as float16 (half the memory of float32; cosines change by < 1e-3) and can
be read back by position, so a candidate found lexically still gets its cosine.
"""
from __future__ import annotations

import numpy as np

# HNSW parameters: usearch's defaults for connectivity, a wider search than its default (64)
# so that at 14 k vectors the top 50 equal the exact ones (measured in tools/MATCHING.md).
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256


class VectorIndex:
    """Unit vectors by position 0..n-1; `search` gives the nearest by cosine."""

    def __init__(self, vectors: np.ndarray, threads: int = 1) -> None:
        """Index `vectors` (n, ndim) at positions 0..n-1, adding with `threads` threads (a
        process's build uses one; a benchmark may use more)."""
        from usearch.index import Index

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size, self.ndim = vectors.shape
        self._index = Index(
            ndim=self.ndim,
            metric="ip",
            dtype="f16",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )
        if self.size:
            self._index.add(np.arange(self.size, dtype=np.uint64), vectors, threads=threads)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` positions nearest to unit vector `query`, best first, with their cosines
        (arrays of equal length, at most min(k, size))."""
        if not self.size or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = self._index.search(np.asarray(query, dtype=np.float32), min(k, self.size))
        # usearch's "ip" distance is 1 - inner product.
        return found.keys.astype(np.int64), (1.0 - found.distances).astype(np.float32)

    def cosines(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of `query` with the stored vectors at `positions` (float32, same order)."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.float32)
        stored = np.asarray(self._index.get(np.asarray(positions, dtype=np.uint64)), dtype=np.float32)
        return stored @ np.asarray(query, dtype=np.float32)

    def put(self, positions: np.ndarray, vectors: np.ndarray) -> None:
        """Store unit `vectors` at `positions`, replacing any stored there (a changed claim) or
        adding new positions (which must continue 0..size-1 without gaps)."""
        positions = np.asarray(positions, dtype=np.uint64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(positions), self.ndim)
        for position, vector in zip(positions, vectors):
            if int(position) < self.size:
                self._index.remove(int(position))
            self._index.add(int(position), vector)
        self.size = max(self.size, int(positions.max()) + 1) if len(positions) else self.size
