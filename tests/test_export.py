"""Export formats and round trips through `import_file`, on every backend."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import ImportFormatError, RekgError
from graph.export import (
    FORMATS,
    SUFFIX,
    Subgraph,
    export_bytes,
    export_to_file,
    subgraph_for_answer,
    subgraph_for_entity,
)
from graph.stats import graph_stats
from ingest.importer import import_file

CASES = [("MP Materials", 2), ("China", 1)]


def _norm(v):  # noqa: ANN001, ANN202
    if isinstance(v, (list, tuple)):
        return tuple(_norm(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _props(p: dict) -> frozenset:
    return frozenset((k, _norm(v)) for k, v in p.items() if v not in (None, "", []))


def as_sets(sub: Subgraph) -> tuple[set, set]:
    nodes = {(n.uid, _props(n.props)) for n in sub.nodes}
    rels = {(r.start.uid, r.type, r.end.uid, _props(r.props)) for r in sub.relationships}
    return nodes, rels


@pytest.fixture(scope="module")
def subgraphs(store) -> dict:  # noqa: ANN001
    return {case: subgraph_for_entity(store, case[0], depth=case[1]) for case in CASES}


def test_neighbourhood_shape(store, subgraphs) -> None:  # noqa: ANN001
    sub = subgraphs[("MP Materials", 2)]
    uids = {n.uid for n in sub.nodes}
    assert "Company:MP Materials" in uids
    assert any(n.label == "Source" for n in sub.nodes), "exports carry the Source nodes they cite"
    cited = {s for item in [*sub.nodes, *sub.relationships] for s in item.props.get("sources") or []}
    have = {n.props["id"] for n in sub.nodes if n.label == "Source"}
    assert cited <= have
    assert not any(r.start.label == "Source" or r.end.label == "Source" for r in sub.relationships)
    assert all(r.start.uid in uids and r.end.uid in uids for r in sub.relationships)
    d1 = subgraph_for_entity(store, "MP Materials", depth=1)
    assert len(d1.entity_nodes) < len(sub.entity_nodes)
    only = subgraph_for_entity(store, "MP Materials", depth=1, rel_types=["HEADQUARTERED_IN"])
    assert {r.type for r in only.relationships} == {"HEADQUARTERED_IN"}


def test_alias_and_unknown_names(store) -> None:  # noqa: ANN001
    assert "Country:China" in {n.uid for n in subgraph_for_entity(store, "PRC").nodes}
    with pytest.raises(RekgError, match="no entity named 'Mp Matrials Incorporated Ltd'; did you mean"):
        subgraph_for_entity(store, "Mp Matrials Incorporated Ltd")


@pytest.mark.parametrize("fmt", ["json", "csv", "cypher"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_round_trip(store, empty_store, subgraphs, tmp_path: Path, fmt: str, case) -> None:  # noqa: ANN001
    sub = subgraphs[case]
    path = export_to_file(sub, fmt, tmp_path / f"out{SUFFIX[fmt]}")
    n, r = import_file(empty_store, path)
    assert (n, r) == (len(sub.nodes), len(sub.relationships))
    again = subgraph_for_entity(empty_store, case[0], depth=case[1])
    assert as_sets(again) == as_sets(sub)
    # re-exporting the imported graph gives the same file
    assert export_bytes(again, fmt) == export_bytes(sub, fmt)
    # importing twice changes nothing
    before = graph_stats(empty_store)
    import_file(empty_store, path)
    assert graph_stats(empty_store) == before
    assert as_sets(subgraph_for_entity(empty_store, case[0], depth=case[1])) == as_sets(sub)


def test_cypher_script_runs_in_the_engine(store, empty_store, subgraphs) -> None:  # noqa: ANN001
    """The script is real Cypher: executed statement by statement it builds the same graph."""
    sub = subgraphs[("China", 1)]
    script = export_bytes(sub, "cypher").decode()
    for line in script.splitlines():
        if line and not line.startswith("//"):
            empty_store.run(line.rstrip(";"))
    assert as_sets(subgraph_for_entity(empty_store, "China", depth=1)) == as_sets(sub)


def test_json_shape(subgraphs) -> None:  # noqa: ANN001
    data = json.loads(export_bytes(subgraphs[("China", 1)], "json"))
    node = next(n for n in data["nodes"] if n["id"] == "Country:China")
    assert node["labels"] == ["Country"] and node["properties"]["name"] == "China"
    ids = {n["id"] for n in data["nodes"]}
    assert all({"type", "start", "end", "properties"} <= set(r) for r in data["relationships"])
    assert all(r["start"] in ids and r["end"] in ids for r in data["relationships"])


def test_csv_headers_are_neo4j_bulk_import_form(subgraphs) -> None:  # noqa: ANN001
    raw = export_bytes(subgraphs[("MP Materials", 2)], "csv")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert {"nodes.csv", "relationships.csv"} <= set(z.namelist())
        nodes = list(csv.reader(io.StringIO(z.read("nodes.csv").decode())))
        rels = list(csv.reader(io.StringIO(z.read("relationships.csv").decode())))
    nh, rh = nodes[0], rels[0]
    assert nh[:2] == ["id:ID", ":LABEL"]
    assert rh[:3] == [":START_ID", ":END_ID", ":TYPE"]
    allowed = {"int", "float", "boolean", "string", "string[]"}
    for h in nh[2:] + rh[3:]:
        name, _, t = h.partition(":")
        assert name and t in allowed, h
    assert "sources:string[]" in nh and "aliases:string[]" in nh and "sources:string[]" in rh
    if any(h.startswith("year:") for h in rh):
        assert "year:int" in rh
    if any(h.startswith("value:") for h in rh):
        assert "value:float" in rh
    assert all(len(row) == len(nh) for row in nodes[1:])
    assert any(row[0] == "Company:MP Materials" and row[1] == "Company" for row in nodes[1:])


def test_graphml_parses_with_networkx(subgraphs) -> None:  # noqa: ANN001
    sub = subgraphs[("MP Materials", 2)]
    g = nx.read_graphml(io.BytesIO(export_bytes(sub, "graphml")))
    assert g.number_of_nodes() == len(sub.nodes)
    assert g.number_of_edges() == len(sub.relationships)
    mp = g.nodes["Company:MP Materials"]
    assert mp["name"] == "MP Materials" and mp["labels"] == ":Company"
    assert isinstance(json.loads(mp["sources"]), list)


def test_answer_subgraph(store) -> None:  # noqa: ANN001
    from qa.answer import Answer

    sub = subgraph_for_entity(store, "MP Materials", depth=1)
    rels = sub.relationships[:3]
    ans = Answer(question="q", status="ok", answer="a", nodes=[], relationships=rels)
    out = subgraph_for_answer(store, ans)
    uids = {n.uid for n in out.nodes}
    assert all(r.start.uid in uids and r.end.uid in uids for r in rels)
    assert any(n.label == "Source" for n in out.nodes)
    for fmt in FORMATS:
        assert export_bytes(out, fmt)


BAD_FILES = {
    "bad.json": b'{"nodes": [{"id": "Country:X", "labels": ["Country"], "properties": {"name": "X"}}], '
    b'"relationships": [{"type": "PRODUCES", "start": "Country:X", "end": "Mineral:Nope", "properties": {}}]}',
    "label.json": b'{"nodes": [{"id": "Spaceship:X", "labels": ["Spaceship"], "properties": {"name": "X"}}]}',
    "notjson.json": b"{nodes: oops",
    "evil.cypher": b"MERGE (n:Country {name: 'X'});\nMATCH (n) DETACH DELETE n;\n",
    "inject.cypher": b"MERGE (n:Country {name: 'X'}) SET n += {kind: 'a'}; MATCH (n) DETACH DELETE n;\n",
    "quote.cypher": b"MERGE (n:Country {name: 'X'}) SET n += {kind: 'a' + 'b'};\n",
    "notzip.zip": b"PK\x03\x04 not really",
    "unknown.txt": b"hello",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_malformed_file_writes_nothing(empty_store, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    with pytest.raises(ImportFormatError) as e:
        import_file(empty_store, path)
    assert name in str(e.value)
    if name.endswith(".cypher"):
        assert "line" in str(e.value)
    assert graph_stats(empty_store)["nodes"] == 0


def test_bad_csv_zip_names_the_line(empty_store, tmp_path: Path) -> None:  # noqa: ANN001
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("nodes.csv", "id:ID,:LABEL,name:string,atomic_number:int\nMineral:Dy,Mineral,Dy,sixty-six\n")
        z.writestr("relationships.csv", ":START_ID,:END_ID,:TYPE\n")
    path = tmp_path / "bad.zip"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ImportFormatError, match=r"bad.zip.*nodes.csv, line 2.*atomic_number"):
        import_file(empty_store, path)
    assert graph_stats(empty_store)["nodes"] == 0


def test_awkward_values_round_trip(empty_store, tmp_path: Path) -> None:  # noqa: ANN001
    """Quotes, backslashes, newlines, unicode and ';' inside list items survive every importable format."""
    from graph.store import GNode, GRel

    text = 'O\'Brien \\ "quoted"\nsecond line; with semicolon — 稀土'
    src = GNode(("Source",), {"id": "src-x", "title": text, "kind": "article", "date": "2026-01-02"})
    a = GNode(("Company",), {"name": "Ace; Inc.", "aliases": ["A;1", "Ace's"], "sources": ["src-x"], "hq_city": text})
    b = GNode(("Country",), {"name": "Ruritania", "sources": ["src-x"]})
    m = GNode(("Mineral",), {"name": "Unobtainium", "atomic_number": 120, "sources": ["src-x"]})
    rels = [
        GRel("HEADQUARTERED_IN", a, b, {"city": "Strelsau", "sources": ["src-x"], "evidence": [text]}),
        GRel("PRODUCES", b, m, {"metric": "mine_production", "year": 2025, "edition": "MCS 2026", "value": 1.5,
                                 "estimated": True, "sources": ["src-x"]}),
    ]  # fmt: skip
    sub = Subgraph([src, a, b, m], rels)
    for fmt in ("json", "csv", "cypher"):
        empty_store.clear()
        import_file(empty_store, export_to_file(sub, fmt, tmp_path / f"awkward{SUFFIX[fmt]}"))
        got = subgraph_for_entity(empty_store, "Ruritania", depth=2)
        assert as_sets(got) == as_sets(sub), fmt
