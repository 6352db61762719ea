"""Both engines hold the same graph and give the same answers; an export from one imports into the other.

These tests need both engines at once: the embedded FalkorDB always, Neo4j through NEO4J_URI (set by `make test`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from graph.connect import open_store
from graph.export import export_bytes, subgraph_for_entity
from graph.stats import graph_stats
from ingest.importer import import_file
from qa.answer import Asker
from tests.conftest import load_all, make_settings, neo4j_skip_reason
from tests.test_export import as_sets
from tests.test_rules import CASES


@pytest.fixture(scope="module")
def both():  # noqa: ANN201
    if why := neo4j_skip_reason():
        pytest.skip(why)
    d = Path(tempfile.mkdtemp(prefix="rekg-conf-"))
    stores = {}
    for backend in ("falkordb", "neo4j"):
        settings = make_settings(d, backend)
        s = open_store(settings)
        load_all(s, settings)
        stores[backend] = (s, settings)
    yield stores
    for s, _ in stores.values():
        s.close()
    shutil.rmtree(d, ignore_errors=True)


def test_identical_counts_per_label_and_type(both):
    f = graph_stats(both["falkordb"][0])
    n = graph_stats(both["neo4j"][0])
    for key in ("nodes", "relationships", "labels", "relationship_types", "sources"):
        assert f[key] == n[key], key


def test_identical_answers(both):
    answers = {}
    for backend, (store, settings) in both.items():
        asker = Asker(store, settings)
        answers[backend] = [asker.ask(q, engine="rules") for q, *_ in CASES]
    for fa, na in zip(answers["falkordb"], answers["neo4j"], strict=True):
        assert (fa.status, fa.cypher, fa.params) == (na.status, na.cypher, na.params), fa.question
        assert sorted(map(_canonical, fa.rows)) == sorted(map(_canonical, na.rows)), fa.question


def _canonical(row: dict) -> str:
    """A row as text, with lists sorted: collect() and pattern comprehensions promise no order."""
    return json.dumps(
        {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in row.items()}, sort_keys=True, default=str
    )


@pytest.mark.parametrize("src,dst", [("falkordb", "neo4j"), ("neo4j", "falkordb")])
@pytest.mark.parametrize("fmt", ["json", "csv", "cypher"])
def test_export_from_one_engine_imports_into_the_other(both, src, dst, fmt, tmp_path):
    sub = subgraph_for_entity(both[src][0], "MP Materials", depth=2)
    path = tmp_path / f"export.{ {'json': 'json', 'csv': 'zip', 'cypher': 'cypher'}[fmt] }"
    path.write_bytes(export_bytes(sub, fmt))
    target_dir = Path(tempfile.mkdtemp(prefix="rekg-conf-dst-"))
    target = open_store(make_settings(target_dir, dst))
    try:
        target.clear()
        import_file(target, path)
        back = subgraph_for_entity(target, "MP Materials", depth=2)
        assert as_sets(back) == as_sets(sub)
    finally:
        if dst == "neo4j":  # the session's Neo4j holds the dataset for other tests: put it back
            load_all(target, make_settings(target_dir, dst))
        target.close()
        shutil.rmtree(target_dir, ignore_errors=True)


# Where the engines' Cypher differs; the app writes the portable form (right column) everywhere.
DIALECT = [
    # (what, Cypher that only Neo4j runs, the portable Cypher both run)
    ("regex", "MATCH (c:Country) WHERE c.name =~ 'Chi.*' RETURN c.name AS v",
     "MATCH (c:Country) WHERE c.name STARTS WITH 'Chi' RETURN c.name AS v"),
    ("shortestPath in MATCH", "MATCH (a:Company {name: 'MP Materials'}), (b:Company {name: 'Apple'}) "
     "MATCH p = shortestPath((a)-[*..3]->(b)) RETURN length(p) AS v",
     "MATCH (a:Company {name: 'MP Materials'}), (b:Company {name: 'Apple'}) RETURN length(shortestPath((a)-[*..3]->(b))) AS v"),
    ("zoned datetime", "RETURN datetime('2025-05-29T10:00:00+09:00') > datetime('2025-05-29T00:00:00Z') AS v",
     "RETURN '2025-05-29' > '2025-05-28' AS v"),
    ("elementId", "MATCH (c:Country {name: 'China'}) RETURN elementId(c) IS NOT NULL AS v",
     "MATCH (c:Country {name: 'China'}) RETURN c.name = 'China' AS v"),
]  # fmt: skip


@pytest.mark.parametrize("what,neo4j_only,portable", DIALECT, ids=[d[0] for d in DIALECT])
def test_dialect_differences_are_pinned(both, what, neo4j_only, portable):
    from graph.errors import QueryError

    falkor, neo = both["falkordb"][0], both["neo4j"][0]
    with pytest.raises(QueryError):
        falkor.read(neo4j_only)
    assert neo.read(neo4j_only)
    assert falkor.read(portable) == neo.read(portable)


def test_paths_through_a_node_twice_differ_so_the_app_asks_for_simple_paths(both):
    from qa.frame import DISTINCT_NODES

    base = ("MATCH (a:Company {name: 'JOGMEC'}), (b:Company {name: 'Lynas Rare Earths'}) MATCH p = (a)-[*1..3]-(b) "
            "WHERE NONE(n IN nodes(p) WHERE n:Source) {extra} RETURN count(p) AS c")  # fmt: skip
    falkor, neo = both["falkordb"][0], both["neo4j"][0]
    raw_f, raw_n = falkor.read(base.replace("{extra}", "")), neo.read(base.replace("{extra}", ""))
    assert raw_n[0]["c"] > raw_f[0]["c"]  # Neo4j also walks JOGMEC -> Carester -> JOGMEC -> Lynas
    simple = base.replace("{extra}", "AND " + DISTINCT_NODES)
    assert falkor.read(simple) == neo.read(simple)


def test_explain_is_an_engine_command(both):
    """Neo4j checks a question's query type with EXPLAIN; FalkorDB enforces read-only with GRAPH.RO_QUERY."""
    neo, falkor = both["neo4j"][0], both["falkordb"][0]
    assert neo.query_type("MATCH (c:Country) RETURN c") == "r"
    assert neo.query_type("CREATE (c:Country {name: 'X'})") in ("w", "rw")
    assert "Node By Label Scan" in falkor.explain("MATCH (c:Country) RETURN c")
