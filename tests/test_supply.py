"""Supply-risk analytics and questions: both engines agree, numbers match the release file, abstentions are honest.

Expected numbers are computed here from data/usgs/ (the release as published), not taken from the code's output.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from graph.connect import open_store
from ingest.load import RELEASE_PATH
from qa import analytics
from qa.answer import Asker
from tests.conftest import load_all, make_settings, neo4j_skip_reason
from tests.test_cli import rekg


def _raw() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(Path(RELEASE_PATH).read_bytes().decode("cp1252"), newline="")))


def _num(v: str) -> float:
    return float(v.replace(",", ""))


def _mine(commodity: str, year: str) -> tuple[dict[str, float], float]:
    """Country -> mine production and the world total of one commodity and year, straight from the CSV."""
    rows = [
        r for r in _raw()
        if r["Commodity"] == commodity and r["Year"] == year and r["Statistics"] == "Production"
        and r["Section"].startswith("World") and "mine" in r["Statistics_detail"].lower()
    ]  # fmt: skip
    world = next(_num(r["Value"]) for r in rows if r["Country"] == "World total")
    countries = {
        r["Country"]: _num(r["Value"])
        for r in rows
        if r["Country"] not in ("World total", "Other countries") and r["Value"].replace(",", "").isdigit()
    }
    return countries, world


def _nir(commodity: str, year: str) -> str:
    return next(
        r["Value"] for r in _raw()
        if r["Commodity"] == commodity and r["Statistics"] == "Net import reliance" and r["Year"] == year
    )  # fmt: skip


# -- analytics against the release file --------------------------------------------------------------
def test_concentration_matches_the_release(store) -> None:  # noqa: ANN001
    countries, world = _mine("Graphite (Natural)", "2025")
    shares = {c: 100 * v / world for c, v in countries.items()}
    top = max(shares, key=shares.get)
    got = analytics.concentration(store, year=2025, minerals=["Graphite"])
    assert len(got) == 1
    g = got[0]
    assert g.top_country == top == "China"
    assert g.top_share == round(shares[top], 1)
    assert g.hhi == round(sum(s * s for s in shares.values()))
    assert g.top3_share == round(sum(sorted(shares.values(), reverse=True)[:3]), 1)
    assert g.china_share == round(shares["China"], 1) and g.edition == "MCS 2026"


def test_one_mineral_only_even_on_a_large_relationship_type(store) -> None:  # noqa: ANN001
    """FalkorDB once lost the bound mineral across a carried relationship variable: only Alumina may come back."""
    got = analytics.concentration(store, year=2025, stage="refinery", minerals=["Alumina"])
    assert [c.mineral for c in got] == ["Alumina"]
    assert got[0].top_share is not None and got[0].top_share <= 100


def test_exposure_matches_the_release(store) -> None:  # noqa: ANN001
    exp = {e.mineral: e for e in analytics.exposure(store)}
    assert exp["Tantalum"].net_import_reliance == _num(_nir("Tantalum", "2025"))
    total = [r for r in _raw() if r["Commodity"] == "Tantalum" and r["Statistics_detail"] == "Total"]
    best = max((r for r in total if r["Country"] != "Other countries"), key=lambda r: _num(r["Value"]))
    assert (exp["Tantalum"].top_source, exp["Tantalum"].top_source_share) == (best["Country"], _num(best["Value"]))
    assert exp["Tungsten"].reliance_as_stated == _nir("Tungsten", "2025") == ">50"


def test_chokepoints_need_both_a_majority_and_an_export_control(store) -> None:  # noqa: ANN001
    chokes = {c.mineral: c for c in analytics.chokepoints(store)}
    assert "Graphite" in chokes and chokes["Graphite"].country == "China" and chokes["Graphite"].share >= 50
    assert chokes["Graphite"].policies
    conc = {c.mineral: c for c in analytics.concentration(store)}
    # Niobium: Brazil holds over 90% but has no export control in the graph, so it is no chokepoint
    assert conc["Niobium (columbium)"].top_country == "Brazil" and conc["Niobium (columbium)"].top_share > 50
    assert "Niobium (columbium)" not in chokes


# -- both engines --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def both():  # noqa: ANN201
    if why := neo4j_skip_reason():
        pytest.skip(why)
    d = Path(tempfile.mkdtemp(prefix="rekg-supply-"))
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


def _norm(rows: list[dict]) -> list[dict]:
    return sorted(
        (
            json.loads(json.dumps({k: (sorted(v) if k == "sources" else v) for k, v in r.items()}, default=str))
            for r in rows
        ),
        key=lambda r: json.dumps(r, sort_keys=True),
    )


@pytest.mark.neo4j
def test_both_engines_give_identical_analytics(both) -> None:  # noqa: ANN001
    out = {}
    for backend, (s, _) in both.items():
        out[backend] = {
            "mine": _norm([c.to_json() for c in analytics.concentration(s, year=2025)]),
            "refinery": _norm([c.to_json() for c in analytics.concentration(s, year=2025, stage="refinery")]),
            "exposure": _norm([e.to_json() for e in analytics.exposure(s)]),
            "chokepoints": _norm([c.to_json() for c in analytics.chokepoints(s)]),
            "table": _norm(analytics.supply_risk_table(s)),
        }
    for key in out["falkordb"]:
        assert out["falkordb"][key] == out["neo4j"][key], key
    assert len(out["falkordb"]["mine"]) > 50


@pytest.mark.neo4j
def test_both_engines_answer_supply_questions_alike(both) -> None:  # noqa: ANN001
    for q in [q for q, *_ in ANSWERED] + [q for q, _ in ABSTAINED]:
        got = {b: Asker(s, st).ask(q, engine="rules") for b, (s, st) in both.items()}
        f, n = got["falkordb"], got["neo4j"]
        assert (f.status, f.answer) == (n.status, n.answer), q
        assert sorted(map(str, f.rows)) == sorted(map(str, n.rows)), q


# -- the translator: own phrasings --------------------------------------------------------------------
ANSWERED = [
    # (question, what the answer must hold (from the release file), what it must not)
    ("Net import reliance of the US on graphite in 2024?", [_nir("Graphite (Natural)", "2024") + "%"], []),
    ("Compare US net import reliance on nickel in 2022 and 2025", [_nir("Nickel", "2022"), _nir("Nickel", "2025")], []),
    ("List the minerals the US is 100% import reliant on", ["Gallium", "Graphite"], ["Nickel"]),
    ("Main supplier of US graphite imports?", ["China"], ["Mexico"]),
    ("What are the import sources of US rare earths?", ["China", "Malaysia"], []),
    ("HHI of nickel mine output", ["Indonesia", "HHI"], []),
    ("Which minerals does Indonesia produce more than half of?", ["Nickel"], ["Copper"]),
    ("Which minerals covered by Chinese export controls is the US most reliant on?", ["Gallium"], ["Nickel"]),
    ("How much copper did Chile refine in 2025?", ["1700"], []),  # release line 2051: Chile refinery 2025 1,700
    ("What were US exports of molybdenum in 2024?", ["26900"], []),  # line 4875: ore and concentrates 26,900
]
ABSTAINED = [
    ("What is the US net import reliance on unobtainium?", "unobtainium"),
    ("What is the net import reliance of Germany on cobalt?", ""),  # the release states it for the US only
    ("What is the HHI of rare earth reserves?", "no numeric world total"),  # the world total is '>75,000,000'
    ("What did scandium cost in Rotterdam in 2025?", "Rotterdam"),
    ("Where does the US import vibranium from?", "vibranium"),
    ("Which country refined the most cobalt in 2025?", ""),  # the release has no cobalt refinery table
]


def _text(ans) -> str:  # noqa: ANN001
    return (json.dumps(ans.rows, default=str) + " " + ans.answer).replace(",", "")


@pytest.mark.parametrize(("question", "must", "never"), ANSWERED, ids=[q[:50] for q, *_ in ANSWERED])
def test_supply_questions_are_answered_with_edition_and_source(
    loaded, question: str, must: list[str], never: list[str]
) -> None:  # noqa: ANN001
    store, settings = loaded
    ans = Asker(store, settings).ask(question, engine="rules")
    assert ans.status == "ok", (ans.answer, ans.not_understood)
    for m in must:
        assert m.replace(",", "") in _text(ans), (m, ans.answer)
    for n in never:
        assert n not in json.dumps(ans.rows, default=str), (n, ans.answer)
    assert "MCS 2026" in ans.answer and ans.interpretation
    assert any("Data Release" in (s.get("title") or "") for s in ans.sources), ans.sources


@pytest.mark.parametrize(("question", "why"), ABSTAINED, ids=[q[:50] for q, _ in ABSTAINED])
def test_supply_questions_outside_the_release_get_no_answer(loaded, question: str, why: str) -> None:  # noqa: ANN001
    store, settings = loaded
    ans = Asker(store, settings).ask(question, engine="rules")
    assert ans.status == "no_answer", (ans.answer, ans.cypher)
    assert why.lower() in ans.answer.lower(), ans.answer


def test_chat_and_analytics_give_the_same_numbers(loaded) -> None:  # noqa: ANN001
    store, settings = loaded
    c = analytics.concentration(store, year=2025, minerals=["Cobalt"])[0]
    ans = Asker(store, settings).ask("How concentrated was cobalt mine production in 2025?", engine="rules")
    assert ans.status == "ok" and ans.rows[0]["hhi"] == c.hhi and ans.rows[0]["top_share_percent"] == c.top_share


# -- the CLI -----------------------------------------------------------------------------------------
def test_cli_analytics_json(tmp_data_dir: Path) -> None:
    p = rekg(["ingest"], tmp_data_dir)
    assert p.returncode == 0, p.stderr
    assert "8886 rows read, 8885 loaded, 1 skipped" in p.stderr
    p = rekg(["analytics", "concentration", "--year", "2025", "--json"], tmp_data_dir)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    graphite = next(r for r in out["rows"] if r["mineral"] == "Graphite")
    countries, world = _mine("Graphite (Natural)", "2025")
    assert graphite["top_share"] == round(100 * countries["China"] / world, 1) and out["edition"] == "MCS 2026"
    p = rekg(["analytics", "exposure", "--country", "United States", "--json"], tmp_data_dir)
    assert p.returncode == 0 and any(r["mineral"] == "Tantalum" for r in json.loads(p.stdout)["rows"])
    p = rekg(["analytics", "chokepoints"], tmp_data_dir)
    assert p.returncode == 0 and "Graphite" in p.stdout


# -- the Supply-risk page ------------------------------------------------------------------------------
def test_supply_page_shows_the_table_charts_and_csv(tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from graph import embedded
    from graph.falkor import FalkorStore
    from ingest.load import ingest_dataset

    embedded.start(tmp_data_dir)
    s = FalkorStore(tmp_data_dir)
    ingest_dataset(s, release=RELEASE_PATH)
    hhi = analytics.concentration(s, minerals=["Graphite"])[0].hhi
    s.close()
    monkeypatch.setenv("REKG_DATA_DIR", str(tmp_data_dir))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    page = Path(__file__).resolve().parent.parent / "ui" / "views" / "supply.py"
    at = AppTest.from_file(str(page), default_timeout=60)
    at.run()
    assert not at.exception
    df = at.dataframe[0].value
    table = {r["Mineral"]: r for r in df.to_dict("records")}
    assert "Graphite" in table and table["Graphite"]["Top producer"] == "China"
    assert table["Graphite"]["HHI (0-10,000)"] == hhi
    assert [d.label for d in at.get("download_button")] == ["Download CSV"]
    at.text_input(key="supply-filter").set_value("gall").run()
    assert not at.exception
    assert set(at.dataframe[0].value["Mineral"]) <= {"Gallium", "Gallium (primary low-purity)"}
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
