"""The analyst's workbench, below the pages: truthful charts, readable tables, stable graph layout,
Explore's queries (paths, relationship menus, timeline, schema) and saved conversations."""

from __future__ import annotations

from pathlib import Path

from graph.store import GNode, GRel
from qa.types import Answer
from ui import graphview
from ui.present import chart_caption, chart_spec, human, table

PROD = [
    {"country": "United States", "mineral": "Rare earths", "year": 2025, "value": 51000, "unit": "metric tons",
     "edition": "MCS 2026"},
    {"country": "United States", "mineral": "Rare earths", "year": 2024, "value": 45500, "unit": "metric tons",
     "edition": "MCS 2026"},
    {"country": "United States", "mineral": "Rare earths", "year": 2024, "value": 45000, "unit": "metric tons",
     "edition": "MCS 2025"},
    {"country": "Australia", "mineral": "Rare earths", "year": 2025, "value": 29000, "unit": "metric tons",
     "edition": "MCS 2026"},
    {"country": "Australia", "mineral": "Rare earths", "year": 2024, "value": 29000, "unit": "metric tons",
     "edition": "MCS 2026"},
]  # fmt: skip
COLS = ["country", "mineral", "year", "value", "unit", "edition"]


def test_years_are_a_series_never_a_sum() -> None:
    spec = chart_spec(PROD, COLS, "mine production")
    assert spec is not None and spec.kind == "line" and spec.color == "country"
    points = {(d["country"], d["year"]): d["value"] for d in spec.data}
    assert len(points) == len(spec.data) == 4  # one value per name and year
    assert points[("United States", 2024)] == 45500  # the latest edition, not 45,500 + 45,000
    assert max(points.values()) == 51000  # nothing summed: 96,500 would be US 2024 + 2025
    assert "(metric tons)" in spec.y_title and "2024–2025" in spec.title


def test_one_year_ranks_by_value_with_units() -> None:
    rows = [dict(r, year=2025) for r in PROD if r["year"] == 2025] + [
        {"country": "China", "mineral": "Rare earths", "year": 2025, "value": 270000, "unit": "metric tons",
         "edition": "MCS 2026"}]  # fmt: skip
    spec = chart_spec(rows, COLS)
    assert spec is not None and spec.kind == "bar"
    assert [d["country"] for d in spec.data] == ["China", "United States", "Australia"]  # by value, not a–z
    assert len({d["country"] for d in spec.data}) == len(spec.data)
    assert "2025" in spec.title and "metric tons" in spec.y_title
    assert "China 270,000" in chart_caption(spec)


def test_no_chart_for_one_number_scores_or_mixed_units() -> None:
    assert chart_spec(PROD[:1], COLS) is None
    policies = [{"policy": f"P{i}", "relevance": 0, "year": 2025} for i in range(4)]
    assert chart_spec(policies, ["policy", "relevance", "year"]) is None  # an internal score is never charted
    mixed = [dict(PROD[0]), dict(PROD[3], unit="percent")]
    assert chart_spec(mixed, COLS) is None
    metrics = [dict(PROD[0], metric="net_import_reliance"), dict(PROD[0], metric="consumption")]
    assert chart_spec(metrics, [*COLS, "metric"]) is None


def test_shares_are_percent_with_the_total_named() -> None:
    rows = [
        {"country": "China", "year": 2025, "value": 270000, "world_total": 390000, "share_percent": 69.2,
         "unit": "metric tons"},
        {"country": "United States", "year": 2025, "value": 51000, "world_total": 390000, "share_percent": 13.1,
         "unit": "metric tons"},
    ]  # fmt: skip
    spec = chart_spec(rows, list(rows[0]))
    assert spec is not None and spec.y == "share_percent" and "%" in spec.y_title
    assert "world total 390,000" in spec.title


def test_tables_hide_internals() -> None:
    rows = [
        {"policy": "Export licensing (P30)", "policy_id": "P30", "status": "in_force", "relevance": 0,
         "suspended_until": None, "minerals": ["Dysprosium", "", "Terbium"], "details": ["", ""]},
        {"policy": "Tariff", "policy_id": "P31", "status": "suspended", "relevance": 0, "suspended_until": None,
         "minerals": [], "details": ["", ""]},
    ]  # fmt: skip
    t = table(rows, list(rows[0]), ["1", "1, 2"])
    assert t.columns == ["Policy", "Status", "Minerals", "Sources"]  # no ids, scores or empty columns
    assert t.rows[0]["Policy"] == "Export licensing"
    assert t.rows[0]["Status"] == "in force"
    assert t.rows[0]["Minerals"] == "Dysprosium, Terbium"  # no ", ,"
    assert t.rows[1]["Sources"] == "1, 2"
    assert "None" not in str(t.rows)
    assert human("share_percent") == "Share (%)" and human("date_effective") == "Date effective"


def _n(label: str, name: str) -> GNode:
    return GNode((label,), {"name": name})


def test_layout_keeps_positions_and_caps_with_the_question_entities() -> None:
    hub = _n("Country", "China")
    spokes = [_n("Company", f"C{i}") for i in range(12)]
    rels = [GRel("HEADQUARTERED_IN", s, hub, {}) for s in spokes]
    first = graphview.layout([hub, *spokes], rels)
    more = [_n("Mineral", f"M{i}") for i in range(5)]
    rels2 = rels + [GRel("PRODUCES", hub, m, {}) for m in more]
    second = graphview.layout([hub, *spokes, *more], rels2, fixed=first)
    assert all(second[u] == p for u, p in first.items())  # nothing that was placed moves
    assert all(u in second for u in (m.uid for m in more))
    big = [_n("Company", f"B{i}") for i in range(200)]
    capped = graphview.cap([hub, *big], [GRel("HEADQUARTERED_IN", b, hub, {}) for b in big], keep=[hub.uid], limit=150)
    assert capped.capped and len(capped.nodes) == 150 and capped.total == 201
    assert hub.uid in {n.uid for n in capped.nodes}
    assert capped.per_label["Company"] == 200


def test_font_renders_at_target_size_once_fitted() -> None:
    pos = {f"n{i}": (float(i % 10) * 95, float(i // 10) * 95) for i in range(60)}
    f = graphview.font_size(pos, 900, 520)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    zoom = min((900 - 48) / (max(xs) - min(xs) + graphview.LABEL_EMS * f), (520 - 48) / (max(ys) - min(ys) + 3 * f))
    assert f * zoom >= 11


def test_explore_queries(store) -> None:  # noqa: ANN001
    from qa import explore

    opts = explore.entity_options(store)
    assert any(o.text == "PRC → China · Country" and o.uid == "Country:China" for o in opts)
    counts = explore.relationship_counts(store, "Country:China")
    assert counts.get("PRODUCES", 0) > 0
    paths = explore.shortest_paths(store, "Company:MP Materials", "Company:Apple", 3)
    assert paths and all(p.hops == paths[0].hops for p in paths)
    assert paths[0].nodes[0].uid == "Company:MP Materials" and paths[0].nodes[-1].uid == "Company:Apple"
    tl = explore.timeline(store, country="Japan")
    assert tl and all("Japan" in t.countries for t in tl)
    assert [t.date for t in tl] == sorted(t.date for t in tl)
    assert {t.kind for t in explore.timeline(store)} == {"Event", "Policy"}
    nodes, rels = explore.schema_graph()
    assert {"Country", "Policy"} <= {n.label for n in nodes}
    assert any(r.type == "TARGETS" and r.start.label == "Policy" and r.end.label == "Country" for r in rels)


def test_chat_survives_a_reload(tmp_path: Path) -> None:
    from qa.sessions import load_chat, new_chat_id, read_feedback, save_chat, save_feedback

    cid = new_chat_id()
    china, dy = _n("Country", "China"), _n("Mineral", "Dysprosium")
    ans = Answer(question="q?", status="ok", answer="Dysprosium.", rows=[{"mineral": "Dysprosium"}],
                 columns=["mineral"], row_sources=[["src-1"]], nodes=[china, dy],
                 relationships=[GRel("PRODUCES", china, dy, {"year": 2025})])  # fmt: skip
    save_chat(tmp_path, cid, [{"question": "q?", "answer": ans}])
    back = load_chat(tmp_path, cid)
    assert back[0]["question"] == "q?" and back[0]["answer"].rows == ans.rows
    assert back[0]["answer"].row_sources == [["src-1"]]
    assert back[0]["answer"].relationships[0].start.uid == "Country:China"
    assert load_chat(tmp_path, "../../etc/passwd") == []  # an id from a URL is never a path
    save_feedback(tmp_path, chat_id=cid, question="q?", answer=ans, rating="down", comment="wrong year")
    assert read_feedback(tmp_path)[-1]["comment"] == "wrong year"
