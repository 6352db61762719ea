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

from graph.errors import IngestError
from graph.ontology import NODE_BY_LABEL, REL_BY_TYPE, REL_IDENTITY, key_of, rel_allowed
from graph.store import GraphStore

UNION_PROPS = ("sources", "aliases", "evidence")


@dataclass
class RelRecord:
    type: str
    start: tuple[str, str]  # (label, key value)
    end: tuple[str, str]
    props: dict[str, Any] = field(default_factory=dict)

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

    def rel(self, type_: str, start: tuple[str, str], end: tuple[str, str], **props: Any) -> None:
        if type_ not in REL_BY_TYPE:
            raise IngestError(f"unknown relationship type {type_!r}")
        if not rel_allowed(type_, start[0], end[0]):
            raise IngestError(f"the ontology does not allow ({start[0]})-[:{type_}]->({end[0]})")
        if start == end:
            return
        rec = RelRecord(type_, start, end, {})
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


def write_batch(
    store: GraphStore,
    batch: GraphBatch,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """MERGE every node, then every relationship, in batches; returns (nodes, relationships) written."""
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (label, key), props in batch.nodes.items():
        by_label[label].append({"key": key, "props": _scalar_props(props), "lists": _list_props(props)})
    n_nodes = 0
    for label, rows in by_label.items():
        k = key_of(label)
        cypher = f"UNWIND $rows AS row MERGE (n:{label} {{{k}: row.key}}) SET n += row.props " + _union_set(
            "n", "row.lists"
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
            f"MERGE (a)-[r:{t} {ident_map}]->(b) SET r += row.props " + _union_set("r", "row.lists")
        )
        n_rels += store.write_rows(cypher, rows, batch_size)
        if progress:
            progress(len(rows))
    return n_nodes, n_rels


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
