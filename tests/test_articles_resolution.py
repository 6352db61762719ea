"""Article extraction that writes no wrong facts and no duplicates: modifiers, suffixes, short forms,
"the company", roles attached to the organisation the sentence names, candidates, relation details."""

from __future__ import annotations

import pytest

from graph.resolve import EntityIndex, resolve_org, strip_legal_suffix
from ingest.articles import ingest_article_text, preview_article
from ingest.extract import money
from ingest.load import ingest_dataset

AURORA = """Denver-based Aurora Minerals Corp. said on Tuesday it had signed an offtake agreement with \
Hamburg-headquartered Nordmag GmbH covering terbium and dysprosium oxide.

Aurora chief financial officer Maria Lopez said the company would deliver the first cargo in 2026.

Nordmag chief executive Jonas Weber said the firm expects to double output.

The Export-Import Bank of the United States will lend $120 million to Aurora for a separation plant in Wyoming.

Aurora named Peter Chan chief operating officer last July."""


# a meeting and the agreement "the two ministers" then sign (two tests ask about it)
MEMORANDUM = (
    "Chinese Vice Premier He Lifeng met Malaysia's Minister of Natural Resources, N. Arul Kumar, in Beijing on "
    "3 March 2026.\n\n"
    "The two ministers signed a memorandum of understanding covering rare earths and graphite."
)


def rels(report) -> set[tuple[str, str, str]]:  # noqa: ANN001
    return {(r["start"], r["type"], r["end"]) for r in report.relationships}


@pytest.fixture
def dataset_store(empty_store):  # noqa: ANN001, ANN201
    ingest_dataset(empty_store)
    return empty_store


def test_legal_suffixes_resolve_to_one_company() -> None:
    idx = EntityIndex()
    idx.add("Company", "Lynas Rare Earths")
    idx.add("Company", "Iwatani Corporation")
    assert strip_legal_suffix("Aurora Minerals Corp.") == "Aurora Minerals"
    assert resolve_org(idx, "Lynas Rare Earths Ltd").name == "Lynas Rare Earths"
    assert resolve_org(idx, "Iwatani").name == "Iwatani Corporation"  # short form of a suffixed name
    assert resolve_org(idx, "Zephyr Holdings") is None  # a holding company the graph lacks is not invented


def test_money_amount_and_currency() -> None:
    assert money("will lend $120 million to Aurora") == {
        "amount": 120e6,
        "currency": "USD",
        "amount_text": "$120 million",
    }
    assert money("an A$1.2 billion facility")["currency"] == "AUD"
    assert money("a grant of 30 million euros")["amount"] == 30e6


def test_modifiers_suffixes_short_forms_and_coreference(dataset_store) -> None:  # noqa: ANN001
    rep = preview_article(dataset_store, AURORA, "Aurora signs offtake", "2025-10-15")
    new = {(e["label"], e["name"]) for e in rep.new_entities}
    companies = {n for label, n in new if label == "Company"}
    assert companies == {"Aurora Minerals", "Nordmag"}  # no "Denver-based ...", no "Corp.", no second "Aurora"
    got = rels(rep)
    assert ("Aurora Minerals", "HEADQUARTERED_IN", "United States") in got  # Denver from the gazetteer
    assert ("Nordmag", "HEADQUARTERED_IN", "Germany") in got  # Hamburg-headquartered
    assert ("Maria Lopez", "HOLDS_OFFICE", "Aurora Minerals") in got  # "Aurora" short form
    assert ("Jonas Weber", "HOLDS_OFFICE", "Nordmag") in got
    assert ("Peter Chan", "HOLDS_OFFICE", "Aurora Minerals") in got  # "X named NAME chief operating officer"
    assert ("Export-Import Bank of the United States", "INVESTS_IN", "Aurora Minerals") in got
    assert ("Aurora Minerals", "SUPPLIES", "Nordmag") in got  # offtake: the seller supplies the offtaker
    supply = next(r for r in rep.relationships if r["type"] == "SUPPLIES")
    assert supply["minerals"] == ["Terbium", "Dysprosium"]
    chan = next(r for r in rep.review["relationships"] if r["start_name"] == "Peter Chan")
    assert chan["props"]["start_date"] == "2025-07" and chan["props"]["start_text"].lower() == "last july"
    loan = next(r for r in rep.review["relationships"] if r["type"] == "INVESTS_IN")
    assert loan["props"]["amount"] == 120e6 and loan["props"]["currency"] == "USD"
    assert loan["props"]["status"] == "planned" and loan["props"]["place"] == "Wyoming"
    aurora = next(e for e in rep.review["entities"] if e["name"] == "Aurora Minerals")
    assert aurora["props"]["hq_city"] == "Denver" and "Aurora Minerals Corp." in aurora["props"]["aliases"]


def test_role_attaches_to_the_named_organisation_never_the_nearest(dataset_store) -> None:  # noqa: ANN001
    text = (
        "Kestrel Metals, a Perth-based miner, said JOGMEC would invest $20 million in the company.\n\n"
        "Kestrel Metals managing director Anna Berg welcomed the investment from JOGMEC.\n\n"
        "Apple said it would buy magnets from Vulcan Elements, whose chief executive John Maslin spoke on Monday.\n\n"
        "Managing director Tom Rees said Solvay and Lynas Rare Earths were both customers."
    )
    rep = preview_article(dataset_store, text, "Kestrel", "2025-11-05")
    got = rels(rep)
    assert ("Anna Berg", "HOLDS_OFFICE", "Kestrel Metals") in got
    assert not any(s == "Anna Berg" and e == "JOGMEC" for s, _, e in got)
    assert not any(s == "John Maslin" and e == "Apple" for s, _, e in got)
    assert ("Kestrel Metals", "HEADQUARTERED_IN", "Australia") in got
    assert ("JOGMEC", "INVESTS_IN", "Kestrel Metals") in got  # "the company" is Kestrel Metals
    # an office whose organisation the sentence does not name is a candidate, not written
    rees = [r for r in rep.candidates if r["start"] == "Tom Rees"]
    assert rees and all(r["confidence"] < 0.8 for r in rees)
    assert not any(r["start"] == "Tom Rees" for r in rep.relationships)
    done = ingest_article_text(dataset_store, text, "Kestrel", "2025-11-05")
    assert not dataset_store.run("MATCH (:Official {name: 'Tom Rees'})-[r:HOLDS_OFFICE]->() RETURN r")
    assert done.written


def test_known_company_under_a_modifier_is_not_duplicated(dataset_store) -> None:  # noqa: ANN001
    text = (
        "Perth-based Lynas Rare Earths Ltd said on Monday it would supply dysprosium to Iwatani.\n\n"
        "The Australian miner also plans to refine heavy rare earths in Malaysia."
    )
    rep = preview_article(dataset_store, text, "Lynas", "2025-11-03")
    assert not [e for e in rep.new_entities if e["label"] == "Company"]
    assert ("Lynas Rare Earths", "SUPPLIES", "Iwatani Corporation") in rels(rep)


def test_officers_in_a_sentence_of_their_own(dataset_store) -> None:  # noqa: ANN001
    text = (
        "Kestrel Metals, a Perth-based miner, said on Monday it would expand.\n\n"
        "Jane Doe is the company's chief executive.\n\n"
        "Its chief operating officer, Raj Patel, said the plant would open in 2027.\n\n"
        "Karl Meyer became chief executive of Solvay in March."
    )
    got = rels(preview_article(dataset_store, text, "Kestrel officers", "2025-11-05"))
    assert {("Jane Doe", "HOLDS_OFFICE", "Kestrel Metals"), ("Raj Patel", "HOLDS_OFFICE", "Kestrel Metals"),
            ("Karl Meyer", "HOLDS_OFFICE", "Solvay")} <= got  # fmt: skip


def test_government_bodies_and_demonyms_are_not_parties(dataset_store) -> None:  # noqa: ANN001
    text = (
        "Ostara Magnetics, a Canadian magnet maker, said on Friday it had secured a $75 million loan from the "
        "U.S. Department of Energy.\n\n"
        "Ostara Magnetics sells sintered magnets to Japanese carmakers from its German plant.\n\n"
        "Brent Research — Strategic Metals Monthly."
    )
    rep = preview_article(dataset_store, text, "Ostara", "2026-02-06")
    got = rels(rep)
    assert ("US Department of Energy", "INVESTS_IN", "Ostara Magnetics") in got
    assert not any(s == "United States" for s, _, _ in got)  # "U.S." is part of the lender's name
    assert ("Ostara Magnetics", "HEADQUARTERED_IN", "Canada") in got  # "a Canadian magnet maker"
    assert ("Ostara Magnetics", "ACTIVE_IN", "magnet making") in got
    assert not [r for r in got if r[1] == "SUPPLIES"]  # "Japanese carmakers", "its German plant" are no parties
    assert "Strategic Metals" not in {e["name"] for e in rep.new_entities}
    bodies = {e["name"]: e["label"] for e in rep.new_entities}
    assert bodies.get("US Department of Energy") == "Organization"


def test_joint_ventures_and_agreements_between_two_companies(dataset_store) -> None:  # noqa: ANN001
    text = (
        "Ostara Magnetics Inc, a Canadian magnet maker, and Solvay on Monday announced the creation of a 60:40 "
        "joint venture to recycle magnets in Quebec.\n\n"
        "Analysts welcomed the partnership between Iluka Resources and Energy Fuels to test heavy rare earth "
        "separation."
    )
    got = rels(preview_article(dataset_store, text, "Ostara JV", "2026-02-09"))
    pairs = {frozenset((s, e)) for s, t, e in got if t == "PARTNERS_WITH"}
    assert frozenset(("Ostara Magnetics", "Solvay")) in pairs
    assert frozenset(("Iluka Resources", "Energy Fuels")) in pairs


def test_officers_after_a_quote_with_initials_and_joint_signing(dataset_store) -> None:  # noqa: ANN001
    text = (
        '"We are ready to ship," said Lena Park, chairwoman and chief executive of Ostara Magnetics.\n\n'
        "Mark Oduya, head of supply chain at Tarn Analytics, said prices would rise.\n\n" + MEMORANDUM
    )
    rep = preview_article(dataset_store, text, "Ostara people", "2026-03-04")
    got = rels(rep)
    assert ("Lena Park", "HOLDS_OFFICE", "Ostara Magnetics") in got
    assert ("Mark Oduya", "HOLDS_OFFICE", "Tarn Analytics") in got
    assert ("N. Arul Kumar", "HOLDS_OFFICE", "Malaysia") in got
    assert not any(s == "N. Arul Kumar" and e == "China" for s, _, e in got)  # the title before is He Lifeng's
    mou = [
        r for r in rep.relationships if r["type"] in ("ENACTED", "TARGETS", "COVERS") and "memorandum" in r["sentence"]
    ]
    assert {(r["start"], r["type"]) for r in mou if r["type"] == "ENACTED"} == {("China", "ENACTED")}
    assert {r["end"] for r in mou if r["type"] == "TARGETS"} == {"Malaysia"}
    covers = sorted(r["end"] for r in mou if r["type"] == "COVERS")
    assert len(covers) == 2 and covers[0].startswith("Graphite") and covers[1] == "Rare earths"


def test_questions_about_an_ingested_article(dataset_store, tmp_path) -> None:  # noqa: ANN001
    """Facts written from an article are askable: a memorandum on rare earths and graphite lists both minerals,
    a loan answers 'who lent money', an analyst's employer answers 'who does she work for'."""
    from graph.settings import Settings
    from qa.answer import Asker

    text = (
        "Ostara Magnetics, a Canadian magnet maker, said it had secured a $75 million loan from the U.S. "
        "Department of Energy.\n\n" + MEMORANDUM + "\n\n"
        '"Prices will rise," said Mark Oduya, head of supply chain at Tarn Analytics.'
    )
    ingest_article_text(dataset_store, text, "Ostara and the memorandum", "2026-03-04")
    asker = Asker(dataset_store, Settings(data_dir=tmp_path))
    mou = asker.ask("Which minerals does the China Malaysia memorandum cover?", engine="rules")
    assert mou.status == "ok" and "Rare earths" in mou.answer and "Graphite" in mou.answer, mou.answer
    loan = asker.ask("Who lent money to Ostara Magnetics?", engine="rules")
    assert loan.status == "ok" and "US Department of Energy" in loan.answer, loan.answer
    job = asker.ask("Who does Mark Oduya work for?", engine="rules")
    assert job.status == "ok" and "Tarn Analytics" in job.answer, job.answer
