"""An in-memory set of nodes and relationships, validated against the ontology, written idempotently.

Every loader (dataset, articles, `rekg import`) builds a `GraphBatch` first and writes it only
when the whole input has been read and checked, so a bad file writes nothing. Writes MERGE on
the ontology's keys and union list properties (sources, aliases), so running twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.entity_index import mark_changed
from graph.errors import IngestError
from graph.locks import exclusive_writer
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE, REL_IDENTITY, key_of, rel_allowed
from graph.store import GraphStore
from graph.text import control_char

UNION_PROPS = ("sources", "aliases", "evidence")


@dataclass
class RelRecord:
    type: str
    start: tuple[str, str]  # (label, key value)
    end: tuple[str, str]
    props: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # where the input stated it ('relationships.csv, line 12'), for error messages

    def identity(self) -> tuple:
        ident = tuple(self.props.get(p) for p in REL_IDENTITY.get(self.type, ()))
        return (self.type, self.start, self.end, ident)


class GraphBatch:
    def __init__(self) -> None:
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.rels: dict[tuple, RelRecord] = {}

    def node(self, label: str, key: str, **props: Any) -> tuple[str, str]:
        if label not in NODE_BY_LABEL:
            raise IngestError(f"unknown node label {label!r}; the ontology has {sorted(NODE_BY_LABEL)}")
        key = str(key).strip()
        if not key:
            raise IngestError(f"a {label} needs a non-empty {key_of(label)}")
        ref = (label, key)
        cur = self.nodes.setdefault(ref, {key_of(label): key})
        _merge_props(cur, props)
        return ref

    def rel(self, type_: str, start: tuple[str, str], end: tuple[str, str], *, origin: str = "", **props: Any) -> None:
        if type_ not in REL_BY_TYPE:
            raise IngestError(f"unknown relationship type {type_!r}")
        if not rel_allowed(type_, start[0], end[0]):
            raise IngestError(f"the ontology does not allow ({start[0]})-[:{type_}]->({end[0]})")
        if start == end:
            return
        rec = RelRecord(type_, start, end, {}, origin)
        _merge_props(rec.props, props)
        cur = self.rels.get(rec.identity())
        if cur is None:
            self.rels[rec.identity()] = rec
        else:
            _merge_props(cur.props, rec.props)

    def has(self, ref: tuple[str, str]) -> bool:
        return ref in self.nodes

    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.rels)


def _merge_props(cur: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if v is None or v == "" or v == []:
            continue
        if k in UNION_PROPS:
            old = cur.get(k) or []
            cur[k] = old + [x for x in v if x not in old]
        elif k not in cur:
            cur[k] = v


def _no_control_chars(batch: GraphBatch) -> None:
    """The last line of defence (every reader also checks, with file and line): a control character in a key
    crashes the embedded FalkorDB server, so no batch carrying one reaches an engine."""

    def bad(v: Any) -> str | None:
        if isinstance(v, str):
            return control_char(v)
        if isinstance(v, list):
            return next((b for b in map(bad, v) if b), None)
        return None

    for (label, key), props in batch.nodes.items():
        found = bad(key) or next((b for b in map(bad, props.values()) if b), None)
        if found:
            raise IngestError(f"control character {found} in the {label} {key[:40]!r}; nothing was written")
    for rec in batch.rels.values():
        found = bad(rec.start[1]) or bad(rec.end[1]) or next((b for b in map(bad, rec.props.values()) if b), None)
        if found:
            raise IngestError(
                f"control character {found} in a {rec.type} relationship of {rec.start[1][:40]!r}; nothing was written"
            )


def write_batch(
    store: GraphStore,
    batch: GraphBatch,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """MERGE every node, then every relationship, in batches; returns (nodes, relationships) as the engine counted them.

    A relationship whose endpoint is neither in the batch nor in the graph is an IngestError naming it
    (raised before anything is written), never a silent drop of the MATCH that finds no node.
    """
    with exclusive_writer(store):  # one writer per data directory at a time (graph/locks.py)
        return _write_batch(store, batch, batch_size=batch_size, progress=progress)


def _write_batch(
    store: GraphStore,
    batch: GraphBatch,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    _no_control_chars(batch)
    check_endpoints(store, batch)
    if batch.nodes:
        mark_changed(store)  # the stored entity index (graph/entity_index.py) is rebuilt by its next reader
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (label, key), props in batch.nodes.items():
        by_label[label].append({"key": key, "props": _scalar_props(props), "lists": _list_props(props)})
    n_nodes = 0
    for label, rows in by_label.items():
        k = key_of(label)
        cypher = (
            f"UNWIND $rows AS row MERGE (n:{label} {{{k}: row.key}}) SET n += row.props "
            + _union_set("n", "row.lists")
            + " RETURN count(n) AS c"
        )
        n_nodes += store.write_rows(cypher, rows, batch_size)
        if progress:
            progress(len(rows))
    # A missing identity property is written as '' (MERGE cannot match on null, and a MERGE on fewer properties
    # would match a relationship that has more: the headline figure must not merge into one of its details).
    by_shape: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in batch.rels.values():
        ident = {p: "" if rec.props.get(p) is None else rec.props.get(p) for p in REL_IDENTITY.get(rec.type, ())}
        rest = {k: v for k, v in rec.props.items() if k not in ident}
        by_shape[(rec.start[0], rec.type, rec.end[0])].append(
            {
                "a": rec.start[1],
                "b": rec.end[1],
                "ident": ident,
                "props": _scalar_props(rest),
                "lists": _list_props(rest),
            }
        )
    n_rels = 0
    for (sl, t, el), rows in by_shape.items():
        idents = REL_IDENTITY.get(t, ())
        ident_map = "{" + ", ".join(f"{p}: row.ident.{p}" for p in idents) + "}" if idents else ""
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{sl} {{{key_of(sl)}: row.a}}) MATCH (b:{el} {{{key_of(el)}: row.b}}) "
            f"MERGE (a)-[r:{t} {ident_map}]->(b) SET r += row.props "
            + _union_set("r", "row.lists")
            + " RETURN count(r) AS c"
        )
        written = store.write_rows(cypher, rows, batch_size)
        if written != len(rows):  # an endpoint vanished between the check and the write (a concurrent delete)
            raise IngestError(
                f"{len(rows) - written} of {len(rows)} ({sl})-[:{t}]->({el}) relationships found no endpoint"
            )
        n_rels += written
        if progress:
            progress(len(rows))
    return n_nodes, n_rels


def check_endpoints(store: GraphStore, batch: GraphBatch, *, chunk: int = 5000) -> None:
    """Raise IngestError when a relationship's start or end node is neither in the batch nor in the graph."""
    outside: dict[tuple[str, str], RelRecord] = {}
    for rec in batch.rels.values():
        for ref in (rec.start, rec.end):
            if ref not in batch.nodes and ref not in outside:
                outside[ref] = rec
    if not outside:
        return
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in outside:
        by_label[label].append(key)
    missing: list[tuple[str, str]] = []
    for label, keys in by_label.items():
        k = key_of(label)
        for i in range(0, len(keys), chunk):
            part = keys[i : i + chunk]
            found = {
                r["k"] for r in store.run(f"MATCH (n:{label}) WHERE n.{k} IN $keys RETURN n.{k} AS k", {"keys": part})
            }
            missing += [(label, x) for x in part if x not in found]
    if missing:
        n_rels = (
            sum(1 for rec in batch.rels.values() if rec.start in missing or rec.end in missing)
            if len(missing) < 1000
            else None
        )
        first = outside[missing[0]]
        where = f" ({first.origin})" if first.origin else ""
        shown = ", ".join(f"{label} {key!r}" for label, key in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise IngestError(
            f"{len(missing)} relationship endpoint(s) are not nodes of the input or the graph: {shown}{more}; e.g. "
            f"({first.start[0]} {first.start[1]!r})-[:{first.type}]->({first.end[0]} {first.end[1]!r}){where}"
            + (f"; {n_rels} relationship(s) would be lost" if n_rels is not None else "")
            + ". Nothing was written."
        )


def _scalar_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in UNION_PROPS}


def _list_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props.get(k) or [] for k in UNION_PROPS}


def _union_set(var: str, lists: str) -> str:
    """Union list properties instead of overwriting them (idempotent, and keeps earlier sources)."""
    parts = []
    for p in UNION_PROPS:
        parts.append(
            f"{var}.{p} = CASE WHEN {var}.{p} IS NULL THEN {lists}.{p} "
            f"ELSE {var}.{p} + [x IN {lists}.{p} WHERE NOT x IN {var}.{p}] END"
        )
    return "SET " + ", ".join(parts)
