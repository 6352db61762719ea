"""One writer at a time per data directory: ingests, imports, resets and forgets run one after another.

Why: two `rekg ingest --reset` interleaved on one embedded server emptied a graph, duplicated facts or
left an append-only file the server could no longer replay. An exclusive `flock` on `<data dir>/writer.lock`
is held for the whole write (the kernel releases it if the process dies). It is re-entrant within a
process, so a reset that calls the batch writer does not wait for itself. Readers never take it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.entity_index import index_path

log = logging.getLogger(__name__)
WRITER_LOCK = "writer.lock"

_lock = threading.RLock()
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth) in this process


def data_dir_of(store: Any) -> Path | None:
    """The local directory that holds this store's files (the embedded data dir; for Neo4j, where its index is)."""
    d = getattr(store, "data_dir", None)
    if d:
        return Path(d)
    idx = index_path(store)
    return idx.parent if idx is not None else None


@contextmanager
def exclusive_writer(store: Any) -> Iterator[None]:
    """Hold the data directory's writer lock for the duration (waits for another writer to finish)."""
    d = data_dir_of(store)
    if d is None:
        yield
        return
    path = d / WRITER_LOCK
    with _lock:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
        else:
            d.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("another process is writing to %s; waiting for it to finish", d)
                t0 = time.monotonic()
                fcntl.flock(fd, fcntl.LOCK_EX)
                log.warning("the other writer finished after %.1f s; writing now", time.monotonic() - t0)
            _held[path] = (fd, 1)
        try:
            yield
        finally:
            fd, depth = _held[path]
            if depth == 1:
                del _held[path]
                os.close(fd)
            else:
                _held[path] = (fd, depth - 1)
