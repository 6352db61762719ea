"""The stored entity index: names and aliases in an SQLite file beside the data, so no process scans the graph.

`graph.resolve.index_from_store` reads every node into Python (3 s at 100k nodes, 30 s at 1M). This
module writes the same index once per change of the graph to `entity-index-*.sqlite` in the data
directory, and every later process reads only the rows it looks up:

- exact lookups (names, aliases, symbols, demonyms, unique surnames) are primary-key reads;
- fuzzy matches compare against one bucket of keys (same first character, length within 2 for
  mentions; the lengths that can reach the score cut-off for `resolve`), never every name;
- the translator's small tables (demonyms, capitals, the country each official speaks for) live
  in the same file.

Freshness: writers call `mark_changed(store)`, which bumps a generation counter in a side file;
the index records the generation and the per-label node counts it was built from. A process uses
the file only when both still match (a dozen index-backed count queries), else rebuilds it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from graph.ontology import ENTITY_LABELS
from graph.resolve import Entity, EntityIndex, index_from_store

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
FILE_PREFIX = "entity-index"
_CACHE_KEYS = 200_000  # looked-up keys kept per process before the cache is emptied
_BUCKETS = 512  # fuzzy buckets kept per process


def index_path(store: Any) -> Path | None:
    """Where this store's index lives: set by `graph.connect.open_store`, else in an embedded store's data dir."""
    explicit = getattr(store, "index_path", None)
    if explicit:
        return Path(explicit)
    data_dir = getattr(store, "data_dir", None)
    if data_dir:
        return Path(data_dir) / f"{FILE_PREFIX}-falkordb.sqlite"
    return None


def neo4j_index_path(data_dir: Path, uri: str, database: str | None) -> Path:
    digest = hashlib.sha1(f"{uri}|{database or ''}".encode()).hexdigest()[:12]
    return Path(data_dir) / f"{FILE_PREFIX}-neo4j-{digest}.sqlite"


# -- generation counter ---------------------------------------------------------------------------


def _gen_file(path: Path) -> Path:
    return path.with_suffix(".generation")


def generation(store: Any) -> int:
    """How many times writers have changed this store's graph (as far as the index knows)."""
    path = index_path(store)
    return _read_gen(path) if path else 0


def _read_gen(path: Path) -> int:
    try:
        return int(_gen_file(path).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def mark_changed(store: Any) -> None:
    """Called after any write that may add, rename or remove entities: the next reader rebuilds the index."""
    path = index_path(store)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = _gen_file(path)
    tmp = gen.with_name(f"{gen.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(str(_read_gen(path) + 1))
    os.replace(tmp, gen)
    _OPEN.pop(path, None)


def fingerprint(store: Any) -> dict[str, int]:
    """Node counts per entity label: one count per label, answered from the engines' label indexes."""
    out = {}
    for label in ENTITY_LABELS:
        rows = store.run(f"MATCH (n:{label}) RETURN count(n) AS c")
        out[label] = int(rows[0]["c"]) if rows else 0
    return out


# -- opening and building -------------------------------------------------------------------------

_OPEN: dict[Path, StoredIndex] = {}
_LOCK = threading.Lock()


def open_index(store: Any) -> StoredIndex:
    """The store's entity index: the stored file when it is current, else rebuilt from the graph (once)."""
    path = index_path(store)
    if path is None:  # a store the app did not open (no data dir known): build in memory, as before
        return build(store, None)
    with _LOCK:
        counts = fingerprint(store)
        gen = _read_gen(path)
        cached = _OPEN.get(path)
        if cached is not None and cached.is_current(gen, counts):
            return cached
        if path.exists():
            try:
                idx = StoredIndex(path)
                if idx.is_current(gen, counts):
                    _OPEN[path] = idx
                    return idx
                idx.close()
            except sqlite3.DatabaseError as e:
                log.warning("entity index %s is unreadable (%s); rebuilding it", path, e)
        idx = build(store, path, gen=gen, counts=counts)
        _OPEN[path] = idx
        return idx


def refresh(store: Any) -> StoredIndex:
    """Rebuild the index now (end of an ingest), so the next process starts without a graph scan."""
    path = index_path(store)
    with _LOCK:
        if path is not None:
            _OPEN.pop(path, None)
        idx = build(store, path, gen=_read_gen(path) if path else 0, counts=fingerprint(store))
        if path is not None:
            _OPEN[path] = idx
        return idx


def build(store: Any, path: Path | None, *, gen: int = 0, counts: dict[str, int] | None = None) -> StoredIndex:
    """Scan the graph once (names, aliases, symbols, demonyms, surnames) and write the index file."""
    t0 = time.perf_counter()
    mem = index_from_store(store)
    countries = store.run("MATCH (c:Country) RETURN c.name AS name, c.demonym AS demonym, c.capital AS capital")
    officials = store.run("MATCH (o:Official) WHERE o.country IS NOT NULL RETURN o.name AS name, o.country AS country")
    if path is None:
        target = ":memory:"
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"))
        Path(target).unlink(missing_ok=True)
    con = sqlite3.connect(target, check_same_thread=False)
    _write(con, mem, countries, officials)
    meta = {
        "schema_version": SCHEMA_VERSION,
        "generation": gen,
        "counts": counts if counts is not None else fingerprint(store),
        "max_tokens": mem.max_tokens,
        "built_at": time.time(),
        "build_seconds": round(time.perf_counter() - t0, 3),
        "backend": getattr(store, "backend", ""),
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
    con.commit()
    if path is None:
        return StoredIndex(None, connection=con)
    con.close()
    os.replace(target, path)
    log.info("entity index %s built in %.2f s", path, meta["build_seconds"])
    return StoredIndex(path)


def _write(con: sqlite3.Connection, mem: EntityIndex, countries: list[dict], officials: list[dict]) -> None:
    con.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE keys (key TEXT PRIMARY KEY, kord INTEGER NOT NULL, len INTEGER NOT NULL, first TEXT NOT NULL,
                           free INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE ents (key TEXT NOT NULL, pos INTEGER NOT NULL, label TEXT NOT NULL, name TEXT NOT NULL,
                           cased TEXT, PRIMARY KEY (key, pos)) WITHOUT ROWID;
        CREATE TABLE demonyms (d TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE capitals (pos INTEGER PRIMARY KEY, cap TEXT NOT NULL, name TEXT NOT NULL);
        CREATE TABLE person_country (name TEXT PRIMARY KEY, country TEXT NOT NULL);
        """
    )
    con.executemany(
        "INSERT INTO keys VALUES (?, ?, ?, ?, ?)",
        ((k, i, len(k), k[:1], int(k in mem._free)) for i, k in enumerate(mem._by_key)),
    )
    con.executemany(
        "INSERT INTO ents VALUES (?, ?, ?, ?, ?)",
        (
            (k, p, e.label, e.name, None if (c := mem._ent_surfaces(k, e)) is None else "\x1f".join(sorted(c)))
            for k, ents in mem._by_key.items()
            for p, e in enumerate(ents)
        ),
    )
    # the translator's tables, built exactly as qa.rules built them from the graph (later rows win)
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for r in countries:
        if r.get("demonym") is not None:
            demonyms[str(r["demonym"]).lower()] = r["name"]
        if r.get("capital") is not None:
            capitals[r["capital"]] = r["name"]
    con.executemany("INSERT INTO demonyms VALUES (?, ?)", demonyms.items())
    con.executemany("INSERT INTO capitals VALUES (?, ?, ?)", ((i, c, n) for i, (c, n) in enumerate(capitals.items())))
    people = {r["name"]: r["country"] for r in officials if r.get("name")}
    con.executemany("INSERT INTO person_country VALUES (?, ?)", people.items())
    con.executescript(
        """
        CREATE INDEX keys_bucket ON keys (first, len, kord) WHERE free = 1 AND len >= 5;
        CREATE INDEX keys_len ON keys (len, kord);
        CREATE INDEX ents_label ON ents (label, key);
        """
    )


# -- reading --------------------------------------------------------------------------------------


class StoredIndex(EntityIndex):
    """An `EntityIndex` whose maps live in SQLite: a process reads only the keys it looks up."""

    def __init__(self, path: Path | None, *, connection: sqlite3.Connection | None = None) -> None:
        super().__init__()
        self.path = path
        if connection is None:
            if path is None:
                raise ValueError("a stored index needs a path or a connection")
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._con = connection
        self._lock = threading.Lock()
        meta = {k: json.loads(v) for k, v in self._q("SELECT k, v FROM meta")}
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema version {meta.get('schema_version')} is not {SCHEMA_VERSION}")
        self.meta: dict[str, Any] = meta
        self._max_tokens = int(meta.get("max_tokens") or 1)
        self._rows: dict[str, list[tuple[Entity, set[str] | None]]] = {}
        self._buckets: dict[tuple[str, int], list[str]] = {}

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._con.close()

    @property
    def generation(self) -> int:
        return int(self.meta.get("generation") or 0)

    def is_current(self, gen: int, counts: dict[str, int]) -> bool:
        return self.generation == gen and self.meta.get("counts") == counts

    def add(self, label: str, name: str, aliases: Iterable[str] = (), *, case_sensitive: Iterable[str] = ()) -> None:
        raise TypeError("the stored index is read-only: write to the graph, then `mark_changed(store)`")

    # -- storage hooks of EntityIndex ------------------------------------------------------
    def _prefetch(self, keys: Iterable[str]) -> None:
        missing = list(dict.fromkeys(k for k in keys if k and k not in self._rows))
        if len(self._rows) + len(missing) > _CACHE_KEYS:
            self._rows.clear()
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            found: dict[str, list[tuple[Entity, set[str] | None]]] = {}
            for key, label, name, cased in self._q(
                f"SELECT key, label, name, cased FROM ents WHERE key IN ({','.join('?' * len(chunk))}) ORDER BY key, pos",
                chunk,
            ):
                found.setdefault(key, []).append(
                    (Entity(label, name), None if cased is None else set(cased.split("\x1f")))
                )
            for key in chunk:
                self._rows[key] = found.get(key, [])

    def _row(self, key: str) -> list[tuple[Entity, set[str] | None]]:
        if key not in self._rows:
            self._prefetch([key])
        return self._rows[key]

    def _ents(self, key: str) -> list[Entity]:
        return [e for e, _ in self._row(key)]

    def _ent_surfaces(self, key: str, ent: Entity) -> set[str] | None:
        return next((c for e, c in self._row(key) if e == ent), None)

    def _resolve_pool(self, key: str, wanted: tuple[str, ...] | None) -> list[str]:
        """Only keys whose length can reach `resolve`'s cut-off (ratio 86: 2·min/(a+b) ≥ 0.86), so no match is lost."""
        n = len(key)
        lo, hi = int(n * 86 / 114), int(n * 114 / 86) + 1
        if wanted is None:
            rows = self._q("SELECT key FROM keys WHERE len BETWEEN ? AND ? ORDER BY kord", (lo, hi))
        else:
            marks = ",".join("?" * len(wanted))
            rows = self._q(
                "SELECT k.key FROM keys k WHERE k.len BETWEEN ? AND ? AND EXISTS "
                f"(SELECT 1 FROM ents e WHERE e.key = k.key AND e.label IN ({marks})) ORDER BY k.kord",
                (lo, hi, *wanted),
            )
        return [r[0] for r in rows]

    def _fuzzy_pool_for(self, key: str) -> list[str]:
        """The keys a mention may match at all: same first character, length within 2 (the checks `_fuzzy` applies)."""
        bucket = (key[:1], len(key))
        if bucket not in self._buckets:
            if len(self._buckets) >= _BUCKETS:
                self._buckets.clear()
            self._buckets[bucket] = [
                r[0]
                for r in self._q(
                    "SELECT key FROM keys WHERE free = 1 AND len >= 5 AND first = ? AND len BETWEEN ? AND ? ORDER BY kord",
                    (key[:1], len(key) - 2, len(key) + 2),
                )
            ]
        return self._buckets[bucket]

    def entities(self, label: str | None = None) -> list[Entity]:
        sql = "SELECT e.label, e.name FROM ents e JOIN keys k ON k.key = e.key"
        params: tuple = ()
        if label is not None:
            sql, params = sql + " WHERE e.label = ?", (label,)
        rows = self._q(sql + " ORDER BY k.kord, e.pos", params)
        return list(dict.fromkeys(Entity(lab, name) for lab, name in rows))

    def size(self) -> int:
        return int(self._q("SELECT count(*) FROM keys")[0][0])

    # -- the translator's tables -----------------------------------------------------------
    def demonyms(self) -> dict[str, str]:
        return dict(self._q("SELECT d, name FROM demonyms"))

    def capitals(self) -> dict[str, str]:
        return dict(self._q("SELECT cap, name FROM capitals ORDER BY pos"))

    def person_country(self) -> Mapping[str, str]:
        return _PersonCountry(self)


class _PersonCountry(Mapping[str, str]):
    """The country an official speaks for, read per name (the table grows with the graph)."""

    def __init__(self, index: StoredIndex) -> None:
        self._index = index
        self._cache: dict[str, str | None] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._cache:
            rows = self._index._q("SELECT country FROM person_country WHERE name = ?", (name,))
            self._cache[name] = rows[0][0] if rows else None
        value = self._cache[name]
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter([r[0] for r in self._index._q("SELECT name FROM person_country")])

    def __len__(self) -> int:
        return int(self._index._q("SELECT count(*) FROM person_country")[0][0])
