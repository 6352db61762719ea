"""The store interface every layer above `graph/` talks to, and backend-neutral values.

Two adapters implement `GraphStore`: `graph.falkor.FalkorStore` (embedded, default) and
`graph.neo4j_store.Neo4jStore`. Both return rows whose values are plain Python values,
`GNode`, `GRel` or lists of them, so nothing above this layer knows which engine answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from graph.ontology import NODE_BY_LABEL, key_of

T = TypeVar("T")


@dataclass(frozen=True)
class GNode:
    labels: tuple[str, ...]
    props: dict[str, Any] = field(hash=False, compare=False)

    @property
    def label(self) -> str:
        known = [label for label in self.labels if label in NODE_BY_LABEL]
        return known[0] if known else (self.labels[0] if self.labels else "")

    @property
    def uid(self) -> str:
        """Backend-neutral identity: label and key value (no engine-internal ids)."""
        label = self.label
        key = key_of(label) if label in NODE_BY_LABEL else "name"
        return f"{label}:{self.props.get(key, self.props.get('name', ''))}"

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.props.get("title") or self.uid)


@dataclass(frozen=True)
class GRel:
    type: str
    start: GNode
    end: GNode
    props: dict[str, Any] = field(hash=False, compare=False)

    @property
    def uid(self) -> str:
        extra = self.props.get("metric", "") or ""
        year = self.props.get("year", "")
        edition = self.props.get("edition", "")
        role = self.props.get("role", "")
        uid = f"{self.start.uid}-{self.type}-{self.end.uid}|{extra}|{year}|{edition}|{role}"
        more = [str(self.props[k]) for k in ("detail", "mineral", "period") if self.props.get(k)]
        return uid + ("|" + "|".join(more) if more else "")


class GraphStore(Protocol):
    """What every backend offers. `read` is the only door for questions' queries."""

    backend: str

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a trusted query written by the app itself (may write)."""

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int = 5000,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run a query read-only, enforced by the engine, with a timeout; at most `row_cap` rows are read."""

    def write_rows(self, cypher: str, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> int:
        """Run `cypher` (which reads `$rows`) once per batch; each batch is one transaction."""

    def ensure_schema(self) -> None:
        """Create the ontology's constraints and indexes (idempotent)."""

    def clear(self) -> None:
        """Delete every node and relationship."""

    def replace(self, load: Callable[[GraphStore], T]) -> T:
        """Run `load` on an empty graph that becomes the graph only when `load` returns: a load that fails
        leaves the previous graph exactly as it was (FalkorDB: a staging graph renamed over the old one, so
        readers see the old graph until the swap; Neo4j: a snapshot restored on failure)."""

    def close(self) -> None:
        """Release connections (and stop an embedded server this process started)."""


def batched(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def plain(value: Any) -> Any:
    """A JSON-friendly version of a result value: nodes become their names."""
    if isinstance(value, GNode):
        return value.name
    if isinstance(value, GRel):
        return value.type
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def graph_items(rows: Iterable[dict[str, Any]]) -> tuple[list[GNode], list[GRel]]:
    """All nodes and relationships that appear anywhere in result rows (paths included)."""
    nodes: dict[str, GNode] = {}
    rels: dict[str, GRel] = {}

    def visit(v: Any) -> None:
        if isinstance(v, GNode):
            nodes.setdefault(v.uid, v)
        elif isinstance(v, GRel):
            rels.setdefault(v.uid, v)
            visit(v.start)
            visit(v.end)
        elif isinstance(v, (list, tuple)):
            for x in v:
                visit(x)
        elif isinstance(v, dict):
            for x in v.values():
                visit(x)

    for row in rows:
        visit(row)
    return list(nodes.values()), list(rels.values())
