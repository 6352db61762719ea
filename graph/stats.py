"""Graph statistics for `rekg stats` and the Data page."""

from __future__ import annotations

from typing import Any

from graph.ontology import LABELS, REL_TYPES
from graph.store import GraphStore


def graph_stats(store: GraphStore) -> dict[str, Any]:
    labels = {r["label"]: r["c"] for r in store.run("MATCH (n) RETURN labels(n)[0] AS label, count(n) AS c")}
    types = {r["t"]: r["c"] for r in store.run("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS c")}
    return {
        "backend": store.backend,
        "nodes": sum(labels.values()),
        "relationships": sum(types.values()),
        "labels": {k: labels.get(k, 0) for k in LABELS} | {k: v for k, v in labels.items() if k not in LABELS},
        "relationship_types": {k: types.get(k, 0) for k in REL_TYPES}
        | {k: v for k, v in types.items() if k not in REL_TYPES},
        "sources": labels.get("Source", 0),
    }


def list_sources(store: GraphStore, limit: int = 1000) -> list[dict[str, Any]]:
    return store.run(
        "MATCH (s:Source) RETURN s.id AS id, s.title AS title, s.url AS url, s.date AS date, s.kind AS kind "
        "ORDER BY s.kind, s.date DESC LIMIT $limit",
        {"limit": limit},
    )
