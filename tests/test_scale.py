"""Scale behaviour (issue 16), not timing: the stored entity index links exactly as the graph-built one did,
no process start scans the graph, neighbourhoods and paths are bounded, counts come from the engine,
bulk writes lose nothing silently. Timings live in bench/scale.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.entity_index import StoredIndex, generation, index_path, mark_changed, open_index
from graph.errors import IngestError
from graph.export import _fair_shares, neighbourhood, neighbours_page, node_by_uid, subgraph_for_entity
from graph.resolve import ORG_LABELS, index_from_store, resolve_org
from graph.stats import graph_stats
from ingest.batch import GraphBatch, write_batch
from qa.frame import LINK_LABELS
from qa.rules import RulesTranslator

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def _questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "dev2.jsonl"):
        p = EVAL / name
        if p.exists():
            out += [json.loads(line)["question"] for line in p.read_text().splitlines() if line.strip()]
    from tests.cases import TRUST_CASES  # paraphrases, negations, abbreviations, unknown entities

    out += [c[0] for c in TRUST_CASES]
    return list(dict.fromkeys(out))


def _probes(store: Any) -> list[str]:
    """Every name and alias in the graph, and misspelt, shortened and re-cased versions of them."""
    rows = store.run("MATCH (n) WHERE NOT n:Source AND NOT n:Sentence RETURN n.name AS name, n.aliases AS aliases")
    surfaces = sorted({s for r in rows for s in [r["name"], *(r["aliases"] or [])] if isinstance(s, str) and s})
    out: list[str] = []
    for s in surfaces:
        out += [s, s.lower(), s.upper(), s + "s", s.split()[0]]
        if len(s) > 5:
            mid = len(s) // 2
            out += [s[:mid] + s[mid + 1 :], s[: mid - 1] + s[mid] + s[mid - 1] + s[mid + 1 :], s[:-1] + "x"]
    return list(dict.fromkeys(out))


def _ment(ms: list) -> list[tuple]:  # noqa: ANN001
    return [(m.entity, m.start, m.end, m.surface, m.score) for m in ms]


class Recording:
    """A store that logs the queries it is asked (to prove what a process start does not do)."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.queries = inner, []
        self.backend = inner.backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def run(self, cypher: str, params: dict | None = None) -> list[dict]:
        self.queries.append(cypher)
        return self._inner.run(cypher, params)


# -- the stored index ------------------------------------------------------------------------------


def test_stored_index_links_like_the_graph_built_one(store) -> None:  # noqa: ANN001
    mem, stored = index_from_store(store), open_index(store)
    assert isinstance(stored, StoredIndex) and stored.path is not None and stored.path.exists()
    probes = _probes(store)
    assert len(probes) > 1500
    for p in probes:
        assert stored.resolve(p, fuzzy=True) == mem.resolve(p, fuzzy=True), p
        assert stored.resolve(p, ORG_LABELS, fuzzy=True) == mem.resolve(p, ORG_LABELS, fuzzy=True), p
        assert stored.resolve(p, ("Country", "Mineral")) == mem.resolve(p, ("Country", "Mineral")), p
        assert resolve_org(stored, p) == resolve_org(mem, p), p
        text = f"What did {p} do in 2024 with MP and the US?"
        assert _ment(stored.find_mentions(text, LINK_LABELS, fuzzy=True)) == _ment(
            mem.find_mentions(text, LINK_LABELS, fuzzy=True)
        ), p
        assert _ment(stored.find_mentions(text)) == _ment(mem.find_mentions(text)), p
    assert stored.entities() == mem.entities()
    assert stored.entities("Country") == mem.entities("Country")


def test_translations_are_the_same_with_the_stored_index(store) -> None:  # noqa: ANN001
    new = RulesTranslator(store)
    old = RulesTranslator(store)
    old.index = index_from_store(store)
    old.demonyms = {r["d"].lower(): r["name"] for r in store.run(
        "MATCH (c:Country) WHERE c.demonym IS NOT NULL RETURN c.name AS name, c.demonym AS d")}  # fmt: skip
    old.person_country = {r["name"]: r["country"] for r in store.run(
        "MATCH (o:Official) WHERE o.country IS NOT NULL RETURN o.name AS name, o.country AS country")}  # fmt: skip
    assert new.demonyms == old.demonyms and dict(new.person_country) == old.person_country
    questions = _questions()
    assert len(questions) >= 90
    for q in questions:
        a, b = new.translate(q, []), old.translate(q, [])
        assert (a is None) == (b is None), q
        if a is not None and b is not None:
            assert (a.cypher, a.params, a.intent, a.not_understood) == (
                b.cypher,
                b.params,
                b.intent,
                b.not_understood,
            ), q
            assert _ment(a.linked) == _ment(b.linked), q


def test_translator_start_does_not_scan_the_graph(store) -> None:  # noqa: ANN001
    open_index(store)  # current now (built at most once)
    gen = generation(store)
    rec = Recording(store)
    tr = RulesTranslator(rec)
    assert tr.index.generation == gen
    assert tr.parse("How much dysprosium did China produce in 2024?").mentions
    # only the freshness check: one count per label, which the engines answer from their label indexes
    assert all(q.startswith("MATCH (n:") and q.endswith("RETURN count(n) AS c") for q in rec.queries), rec.queries


def test_writes_mark_the_index_stale_and_the_next_reader_rebuilds(empty_store) -> None:  # noqa: ANN001
    batch = GraphBatch()
    batch.node("Company", "Zephyrine Magnetics", aliases=["Zephyrine"])
    write_batch(empty_store, batch)
    first = open_index(empty_store)
    assert first.resolve("Zephyrin Magnetics", fuzzy=True).name == "Zephyrine Magnetics"
    gen = generation(empty_store)
    again = open_index(empty_store)
    assert again.generation == gen  # nothing changed: the same index, no rebuild
    empty_store.run("MATCH (c:Company {name: 'Zephyrine Magnetics'}) SET c.aliases = ['Zeph Mag']")
    mark_changed(empty_store)  # what every rekg writer does (write_batch, forget)
    assert generation(empty_store) == gen + 1
    fresh = open_index(empty_store)
    assert fresh.generation == gen + 1 and fresh.resolve("Zeph Mag") is not None and fresh.resolve("Zephyrine") is None
    batch = GraphBatch()
    batch.node("Country", "Ruritania")
    write_batch(empty_store, batch)
    assert open_index(empty_store).resolve("Ruritania") is not None
    assert (
        index_path(empty_store).parent == Path(empty_store.index_path).parent
        if hasattr(empty_store, "index_path")
        else True
    )


def test_an_unreadable_index_file_is_rebuilt(empty_store) -> None:  # noqa: ANN001
    batch = GraphBatch()
    batch.node("Mineral", "Unobtainium", symbol="Uo")
    write_batch(empty_store, batch)
    path = open_index(empty_store).path
    mark_changed(empty_store)
    path.write_bytes(b"not a database")
    assert open_index(empty_store).resolve("Unobtainium") is not None


# -- counts ------------------------------------------------------------------------------------


def test_stats_are_the_full_scan_counts(store) -> None:  # noqa: ANN001
    st = graph_stats(store)
    labels = {r["l"]: r["c"] for r in store.run("MATCH (n) RETURN labels(n)[0] AS l, count(n) AS c")}
    types = {r["t"]: r["c"] for r in store.run("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS c")}
    assert st["nodes"] == sum(labels.values()) and st["relationships"] == sum(types.values())
    assert {k: v for k, v in st["labels"].items() if v} == labels
    assert {k: v for k, v in st["relationship_types"].items() if v} == types


# -- bounded neighbourhoods ------------------------------------------------------------------------


def test_fair_shares() -> None:
    assert _fair_shares({"A": 3, "B": 100_000, "C": 50}, 100) == {"A": 3, "C": 48, "B": 49}
    assert _fair_shares({"A": 3}, 100) == {"A": 3}
    assert sum(_fair_shares({t: 10_000 for t in "ABCDEFG"}, 1000).values()) <= 1000


def test_hub_neighbourhood_is_bounded_and_says_so(store) -> None:  # noqa: ANN001
    full = subgraph_for_entity(store, "China", depth=1, limit=100_000)
    assert not full.truncated
    small = subgraph_for_entity(store, "China", depth=2, limit=15)
    assert small.truncated
    assert len(small.entity_nodes) <= 15
    # the row budget is shared out per type: a small cap still shows more than one kind of neighbour
    assert len({r.type for r in small.relationships}) >= 2
    cut = neighbourhood(store, [node_by_uid(store, "Country:China")], depth=1, limit=5)
    assert cut.truncated and len(cut.entity_nodes) <= 5


def test_neighbour_pages_are_disjoint_and_complete(store) -> None:  # noqa: ANN001
    china = node_by_uid(store, "Country:China")
    everything = {(r.uid, m.uid) for r, m in neighbours_page(store, china, "HEADQUARTERED_IN", limit=10_000)}
    pages: list[tuple[str, str]] = []
    for skip in range(0, len(everything) + 2, 2):
        pages += [(r.uid, m.uid) for r, m in neighbours_page(store, china, "HEADQUARTERED_IN", skip=skip, limit=2)]
    assert len(pages) == len(set(pages)) and set(pages) == everything and len(everything) >= 2


def test_export_limit_on_the_cli(loaded, tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from ui.cli import main

    store, settings = loaded
    monkeypatch.setenv("REKG_DATA_DIR", str(settings.data_dir))
    for var, value in (
        ("NEO4J_URI", settings.neo4j_uri),
        ("NEO4J_USER", settings.neo4j_user),
        ("NEO4J_PASSWORD", settings.neo4j_password),
        ("NEO4J_DATABASE", settings.neo4j_database),
    ):
        if value:  # the CLI opens the same engine as the fixture
            monkeypatch.setenv(var, value)
        else:
            monkeypatch.delenv(var, raising=False)
    out = tmp_path / "x.json"
    assert main(["export", "--entity", "China", "--depth", "2", "--limit", "10", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert len([n for n in data["nodes"] if n["labels"] != ["Source"]]) <= 10
    assert "cut at --limit 10" in capsys.readouterr().out


# -- writes ----------------------------------------------------------------------------------------


def test_writes_report_engine_counts_and_refuse_missing_endpoints(empty_store) -> None:  # noqa: ANN001
    batch = GraphBatch()
    a = batch.node("Company", "Alpha Rare Metals")
    c = batch.node("Country", "Freedonia")
    batch.rel("HEADQUARTERED_IN", a, c)
    assert write_batch(empty_store, batch) == (2, 1)
    again = GraphBatch()  # an endpoint that only the graph holds is fine
    b = again.node("Company", "Beta Magnets")
    again.rel("HEADQUARTERED_IN", b, ("Country", "Freedonia"))
    assert write_batch(empty_store, again) == (1, 1)
    before = graph_stats(empty_store)
    bad = GraphBatch()
    d = bad.node("Company", "Gamma Oxides")
    bad.rel("HEADQUARTERED_IN", d, ("Country", "Switzerland"), origin="relationships.csv, line 7")
    with pytest.raises(IngestError) as e:
        write_batch(empty_store, bad)
    msg = str(e.value)
    assert "Country 'Switzerland'" in msg and "relationships.csv, line 7" in msg and "Nothing was written" in msg
    assert graph_stats(empty_store) == before


def test_neo4j_reset_deletes_in_batches(empty_store) -> None:  # noqa: ANN001
    batch = GraphBatch()
    hub = batch.node("Country", "Hubland")
    for i in range(300):
        batch.rel("HEADQUARTERED_IN", batch.node("Company", f"Company {i:04d}"), hub)
    assert write_batch(empty_store, batch) == (301, 300)
    empty_store.clear()
    assert graph_stats(empty_store)["nodes"] == 0 and graph_stats(empty_store)["relationships"] == 0
