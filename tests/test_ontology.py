"""The ontology is the one source of truth: constraints, stored labels/types and provenance follow it."""

from __future__ import annotations

from graph.ontology import LABELS, NODE_BY_LABEL, REL_BY_TYPE, format_for_prompt, rel_allowed


def test_every_label_has_a_unique_constraint_on_its_key(store):
    constraints = set(store.constraints())
    for label in LABELS:
        assert (label, NODE_BY_LABEL[label].key) in constraints, f"no unique constraint on {label}"


def test_stored_labels_and_relationships_are_all_in_the_ontology(store):
    triples = store.run("MATCH (a)-[r]->(b) RETURN DISTINCT labels(a)[0] AS a, type(r) AS t, labels(b)[0] AS b")
    assert triples
    for row in triples:
        assert rel_allowed(row["t"], row["a"], row["b"]), row
    labels = {r["l"] for r in store.run("MATCH (n) RETURN DISTINCT labels(n)[0] AS l")}
    assert labels <= set(LABELS)


def test_every_node_and_relationship_cites_an_existing_source(store):
    missing_nodes = store.run(
        "MATCH (n) WHERE NOT n:Source AND (n.sources IS NULL OR size(n.sources) = 0) "
        "RETURN labels(n)[0] AS label, n.name AS name LIMIT 5"
    )
    assert missing_nodes == []
    missing_rels = store.run(
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'MENTIONS' AND (r.sources IS NULL OR size(r.sources) = 0) "
        "RETURN type(r) AS t, a.name AS a, b.name AS b LIMIT 5"
    )
    assert missing_rels == []
    ids = {r["id"] for r in store.run("MATCH (s:Source) RETURN s.id AS id")}
    cited = store.run("MATCH ()-[r]->() WHERE r.sources IS NOT NULL UNWIND r.sources AS s RETURN DISTINCT s")
    assert {r["s"] for r in cited} <= ids
    for row in store.run("MATCH (s:Source) RETURN s.title AS title, s.url AS url LIMIT 300"):
        assert row["title"]


def test_prompt_text_names_every_label_and_type():
    text = format_for_prompt()
    for label in LABELS:
        assert label in text
    for t in REL_BY_TYPE:
        assert t in text
