"""Article sentences under each engine's own full-text index, and the search over them.

FalkorDB: `db.idx.fulltext.createNodeIndex('Sentence', 'text')` / `db.idx.fulltext.queryNodes`
(RediSearch syntax). Neo4j: `CREATE FULLTEXT INDEX ... FOR (n:Sentence) ON EACH [n.text]` /
`db.index.fulltext.queryNodes` (Lucene syntax). The query text is reduced to plain words first,
so nothing a user types is read as index syntax.
"""

from __future__ import annotations

import re
from typing import Any

from graph.errors import QueryError

NEO4J_INDEX = "sentence_text"
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|\d{4}")


def ensure_text_index(store: Any) -> None:
    """Create the Sentence full-text index if it is missing (idempotent on both engines)."""
    if store.backend == "neo4j":
        store.run(f"CREATE FULLTEXT INDEX {NEO4J_INDEX} IF NOT EXISTS FOR (n:Sentence) ON EACH [n.text]")
        return
    rows = store.run("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types")
    for r in rows:
        types = r.get("types") or {}
        text_props = [p for p, t in types.items() if "FULLTEXT" in [str(x).upper() for x in (t or [])]]
        if r.get("label") == "Sentence" and "text" in text_props:
            return
    try:
        store.run("CALL db.idx.fulltext.createNodeIndex('Sentence', 'text')")
    except QueryError as e:
        if "already" not in str(e).lower():
            raise


def search_sentences(store: Any, words: list[str], limit: int = 20) -> list[dict[str, Any]]:
    """Sentences matching any of the words, best first: id, text, score, source id, title, date."""
    terms = [w for w in dict.fromkeys(w.lower() for w in words) if WORD.fullmatch(w)]
    if not terms:
        return []
    if store.backend == "neo4j":
        call = f"CALL db.index.fulltext.queryNodes('{NEO4J_INDEX}', $q) YIELD node, score"
        q = " OR ".join(terms)
    else:
        call = "CALL db.idx.fulltext.queryNodes('Sentence', $q) YIELD node, score"
        q = "|".join(terms)
    cypher = (
        f"{call} WITH node, score LIMIT $limit MATCH (s:Source)-[:HAS_SENTENCE]->(node) "
        "RETURN node.id AS id, node.text AS text, node.position AS position, score, s.id AS source, "
        "s.title AS title, s.date AS date ORDER BY score DESC"
    )
    try:
        return store.run(cypher, {"q": q, "limit": limit})
    except QueryError as e:
        if re.search(r"no such index|not found|There is no such fulltext|does not exist", str(e), re.I):
            return []
        raise


def refresh_text_index(store: Any) -> None:
    """Neo4j's full-text index is eventually consistent: wait until what was just written is searchable."""
    if store.backend == "neo4j":
        store.run("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
