"""Forgetting an article: remove what only it supports, keep what other sources also support.

A relationship or node whose `sources` is just this article goes; one that other sources back
keeps everything but this article's id (and the evidence sentences taken from it). The article's
Source node, its Sentence nodes and its MENTIONS go too. Dataset nodes are never deleted: they
carry the dataset's own sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.entity_index import mark_changed
from graph.errors import IngestError
from graph.locks import exclusive_writer


@dataclass
class ForgetReport:
    source_id: str
    title: str
    relationships_deleted: int
    relationships_kept: int
    nodes_deleted: int
    nodes_kept: int
    sentences_deleted: int

    def render(self) -> str:
        return (
            f"Forgot {self.title!r} ({self.source_id}): deleted {self.relationships_deleted} relationships and "
            f"{self.nodes_deleted} entities only it supported, and its {self.sentences_deleted} sentences; "
            f"{self.relationships_kept} relationships and {self.nodes_kept} entities other sources support lost "
            "only this source"
        )


def forget_source(store: Any, source_id: str) -> ForgetReport:
    """Remove one article's contribution to the graph (see the module docstring)."""
    with exclusive_writer(store):  # never interleaved with an ingest (graph/locks.py)
        return _forget(store, source_id)


def _forget(store: Any, source_id: str) -> ForgetReport:
    rows = store.run("MATCH (s:Source {id: $sid}) RETURN s.title AS title, s.kind AS kind", {"sid": source_id})
    if not rows:
        raise IngestError(f"no source with id {source_id!r} in the graph (see `rekg stats` or the Data page)")
    if rows[0]["kind"] != "article":
        raise IngestError(f"{source_id!r} is a {rows[0]['kind'] or 'dataset'} source; only articles can be forgotten")
    p: dict[str, Any] = {"sid": source_id}
    text = store.run("MATCH (s:Source {id: $sid})-[:HAS_SENTENCE]->(x:Sentence) RETURN collect(x.text) AS t", p)
    mine = text[0]["t"] if text else []
    shared = store.run(  # a sentence another article also prints stays as that article's evidence
        "MATCH (x:Sentence) WHERE x.text IN $mine AND x.source_id <> $sid RETURN collect(DISTINCT x.text) AS t",
        {"mine": mine, "sid": source_id},
    )
    p["sentences"] = [t for t in mine if t not in set(shared[0]["t"] if shared else [])]
    sentences = store.run(
        "MATCH (s:Source {id: $sid})-[:HAS_SENTENCE]->(x:Sentence) DETACH DELETE x RETURN count(*) AS n", p
    )[0]["n"]
    rel_del = store.run(
        "MATCH ()-[r]->() WHERE r.sources IS NOT NULL AND $sid IN r.sources AND size(r.sources) = 1 "
        "DELETE r RETURN count(*) AS n",
        p,
    )[0]["n"]
    rel_kept = store.run(
        "MATCH ()-[r]->() WHERE r.sources IS NOT NULL AND $sid IN r.sources "
        "SET r.sources = [x IN r.sources WHERE x <> $sid], "
        "r.evidence = [x IN coalesce(r.evidence, []) WHERE NOT x IN $sentences] RETURN count(*) AS n",
        p,
    )[0]["n"]
    # entities only this article brought: no other source, and nothing left but this article's mentions
    node_del = store.run(
        "MATCH (n) WHERE n.sources IS NOT NULL AND n.sources = [$sid] "
        "OPTIONAL MATCH (n)-[r]-(m) WHERE NOT (m:Source AND m.id = $sid) "
        "WITH n, count(r) AS others WHERE others = 0 DETACH DELETE n RETURN count(*) AS n",
        p,
    )[0]["n"]
    node_kept = store.run(
        "MATCH (n) WHERE n.sources IS NOT NULL AND $sid IN n.sources "
        "SET n.sources = [x IN n.sources WHERE x <> $sid] RETURN count(*) AS n",
        p,
    )[0]["n"]
    store.run("MATCH (s:Source {id: $sid}) DETACH DELETE s", p)
    mark_changed(store)
    return ForgetReport(source_id, rows[0]["title"] or source_id, rel_del, rel_kept, node_del, node_kept, sentences)
