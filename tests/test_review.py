"""Review before writing, forget a source, and answers quoted from article text, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import IngestError
from graph.stats import graph_stats
from ingest.article_text import search_sentences
from ingest.articles import ingest_articles
from ingest.forget import forget_source
from ingest.load import ingest_dataset
from ingest.review import apply_review, read_review, write_review

ARTICLE = """# Aurora Minerals signs terbium offtake with Hamburg magnet maker
Date: 2025-10-15

Denver-based Aurora Minerals Corp. said on Tuesday it had signed an offtake agreement with \
Hamburg-headquartered Nordmag GmbH covering terbium and dysprosium oxide.

Aurora chief financial officer Maria Lopez said the company would deliver the first cargo in 2026.

Aurora named Peter Chan chief operating officer last July.

Analysts said the deal makes Aurora the first Colorado producer to ship heavy oxides to a European buyer.
"""
SECOND = """# Lynas and Iwatani deepen ties
Date: 2025-10-20

Lynas Rare Earths will supply dysprosium to Iwatani Corporation from next year.
"""


def snapshot(store) -> list[str]:  # noqa: ANN001
    rows = store.run(
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS a, coalesce(a.policy_id, a.event_id, a.name, a.id) AS ak, "
        "type(r) AS t, coalesce(b.policy_id, b.event_id, b.name, b.id) AS bk, r.sources AS s, r.evidence AS e"
    )
    nodes = store.run("MATCH (n) RETURN labels(n)[0] AS l, coalesce(n.policy_id, n.event_id, n.name, n.id) AS k, "
                      "n.sources AS s")  # fmt: skip
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows + nodes)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "aurora.md", tmp_path / "lynas.md"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(SECOND, encoding="utf-8")
    return a, b


def test_review_file_round_trip(empty_store, files, tmp_path: Path) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    before = graph_stats(empty_store)
    out = tmp_path / "review.json"
    write_review(empty_store, [files[0]], out)
    assert graph_stats(empty_store) == before  # writing a review file writes nothing to the graph
    doc = json.loads(out.read_text())
    art = doc["articles"][0]
    assert all({"sentence", "confidence", "accepted"} <= set(r) for r in art["relationships"])
    # the analyst rejects Peter Chan's office and says "Nordmag" is Solvay (a correction of the match)
    for r in art["relationships"]:
        if r["start_name"] == "Peter Chan":
            r["accepted"] = False
    nordmag = next(e for e in art["entities"] if e["name"] == "Nordmag")
    nordmag["match"] = "Company:Solvay"
    out.write_text(json.dumps(doc))
    apply_review(empty_store, out)
    q = "MATCH (:Official {name: $p})-[r:HOLDS_OFFICE]->(x) RETURN x.name AS x"
    assert [r["x"] for r in empty_store.run(q, {"p": "Maria Lopez"})] == ["Aurora Minerals"]
    assert empty_store.run(q, {"p": "Peter Chan"}) == []
    assert not empty_store.run("MATCH (c:Company {name: 'Nordmag'}) RETURN c")
    sup = empty_store.run("MATCH (:Company {name: 'Aurora Minerals'})-[r:SUPPLIES]->(:Company {name: 'Solvay'}) "
                          "RETURN r.minerals AS m, r.sources AS s")  # fmt: skip
    assert sup and sorted(sup[0]["m"]) == ["Dysprosium", "Terbium"] and sup[0]["s"] == [art["source"]["id"]]
    # applying the same file again changes nothing
    snap = snapshot(empty_store)
    apply_review(empty_store, out)
    assert snapshot(empty_store) == snap


def test_review_file_errors(empty_store, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(IngestError, match="not valid JSON"):
        read_review(bad)
    bad.write_text(json.dumps({"format": "rekg-article-review/1", "articles": [{"source": {"id": "x"},
                   "entities": [], "relationships": [{"id": "r1", "start": "e9", "end": "e1", "accepted": True}]}]}))  # fmt: skip
    with pytest.raises(IngestError, match="r1"):
        read_review(bad)


def test_plain_ingest_equals_applying_an_unedited_review(empty_store, files, tmp_path: Path) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    out = tmp_path / "review.json"
    write_review(empty_store, [files[0]], out)
    apply_review(empty_store, out)
    via_review = snapshot(empty_store)
    ingest_articles(empty_store, [files[0]])
    assert snapshot(empty_store) == via_review


def test_forget_removes_only_what_the_article_alone_supports(empty_store, files) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    ingest_articles(empty_store, [files[1]])
    before = snapshot(empty_store)
    rep = ingest_articles(empty_store, [files[0]]).articles[0]
    # a fact the second article also states
    again = files[1].parent / "again.md"
    again.write_text("# Iwatani buys more\nDate: 2025-11-01\n\nLynas Rare Earths will supply dysprosium to "
                     "Iwatani Corporation from next year.\n")  # fmt: skip
    rep2 = ingest_articles(empty_store, [again]).articles[0]
    out = forget_source(empty_store, rep.source_id)
    assert out.relationships_deleted > 0 and out.sentences_deleted == 4
    assert not empty_store.run("MATCH (n) WHERE n.name IN ['Aurora Minerals', 'Maria Lopez'] RETURN n")
    forget_source(empty_store, rep2.source_id)
    assert snapshot(empty_store) == before  # the graph is exactly as before both articles
    kept = empty_store.run("MATCH (:Company {name: 'Lynas Rare Earths'})-[r:SUPPLIES]->(:Company {name: "
                           "'Iwatani Corporation'}) RETURN r.sources AS s")  # fmt: skip
    assert kept and rep2.source_id not in kept[0]["s"]
    with pytest.raises(IngestError, match="no source"):
        forget_source(empty_store, rep.source_id)


def test_full_text_answers_quote_the_article(empty_store, files, tmp_data_dir) -> None:  # noqa: ANN001
    from qa.answer import Asker
    from tests.conftest import make_settings

    ingest_dataset(empty_store)
    ingest_articles(empty_store, [files[0]])
    hits = search_sentences(empty_store, ["Colorado", "European"])
    assert hits and "first Colorado producer" in hits[0]["text"]
    asker = Asker(empty_store, make_settings(tmp_data_dir, empty_store.backend))
    ans = asker.ask("According to the article, what do analysts say the deal makes Aurora?")
    assert ans.status == "ok" and ans.engine == "text"
    assert "first Colorado producer" in ans.answer and "2025-10-15" in ans.interpretation
    assert ans.interpretation.startswith("Quoted from Aurora Minerals signs terbium offtake")
    assert ans.row_sources and ans.row_sources[0]
    # a question whose content words no sentence holds gets no quotation
    miss = asker.ask("According to the article, what did the Peruvian senate vote on?")
    assert miss.engine != "text" or miss.status != "ok"


def test_a_match_the_graph_lacks_is_refused(empty_store, files, tmp_path: Path) -> None:  # noqa: ANN001
    ingest_dataset(empty_store)
    out = tmp_path / "review.json"
    write_review(empty_store, [files[0]], out)
    doc = json.loads(out.read_text())
    next(e for e in doc["articles"][0]["entities"] if e["name"] == "Nordmag")["match"] = "No Such Company"
    out.write_text(json.dumps(doc))
    before = graph_stats(empty_store)
    with pytest.raises(IngestError, match="No Such Company"):
        apply_review(empty_store, out)
    assert graph_stats(empty_store) == before
