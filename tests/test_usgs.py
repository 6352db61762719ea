"""The USGS MCS 2026 data release in the graph: every row accounted for, values as stated, aggregates, forms.

Expected figures are read from the release file itself (data/usgs/), never from what the loader produced.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ingest.dataset import load
from ingest.load import DATASET_DIR, RELEASE_PATH
from ingest.usgs import mineral_name, parse_value, read_release


def _raw_rows() -> list[dict[str, str]]:
    text = Path(RELEASE_PATH).read_bytes().decode("cp1252")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def dataset():  # noqa: ANN201
    return load(DATASET_DIR, RELEASE_PATH)


def test_every_row_is_loaded_or_skipped_with_a_reason(dataset) -> None:  # noqa: ANN001
    rep = dataset.release
    assert rep.rows == len(_raw_rows()) == 8886
    assert rep.loaded + len(rep.skipped) == 8886
    assert all(reason for _, reason in rep.skipped)
    # the one row naming three countries jointly (Rubidium import sources) is the only skip
    raw = _raw_rows()
    joint = [i for i, r in enumerate(raw) if "," in r["Country"] and " and " in r["Country"]]
    assert len(rep.skipped) == len(joint)
    assert "several countries" in rep.skipped[0][1]


def test_the_release_and_its_metadata_are_bundled() -> None:
    folder = Path(RELEASE_PATH).parent
    assert (folder / "usgs_mcs2026_metadata.xml").is_file()
    assert (folder / "SOURCE.md").is_file()
    assert len(read_release(Path(RELEASE_PATH))) == 8886


@pytest.mark.parametrize(
    ("text", "value", "value_max", "kind"),
    [
        ("51,000", 51000.0, None, "number"),
        ("W", None, None, "code"),
        ("NA", None, None, "code"),
        ("XX", None, None, "code"),
        ("E", None, None, "code"),
        (">95", 95.0, None, "lower_bound"),
        ("<1", None, 1.0, "upper_bound"),
        ("500–17,000", 500.0, 17000.0, "range"),
        ("10,000 - 15,000", 10000.0, 15000.0, "range"),
        ("—", 0.0, None, "zero"),
        ("Large", None, None, "text"),
        ("68\xa0", 68.0, None, "number"),
    ],
)
def test_values_are_kept_as_stated(text: str, value: float | None, value_max: float | None, kind: str) -> None:
    v = parse_value(text)
    assert v.get("value") == value and v.get("value_max") == value_max and v["value_kind"] == kind
    if kind not in ("number",):
        assert v["value_text"] == text.strip()


def test_mineral_names_are_tidied_not_changed() -> None:
    assert mineral_name("Sand And Gravel (Construction)") == "Sand and gravel (construction)"
    assert mineral_name("TiO2 Pigment") == "TiO2 pigment"
    assert mineral_name("Tin") == "Tin"


def test_existing_minerals_are_reused_and_forms_link_to_their_element(store) -> None:  # noqa: ANN001
    ree = store.run("MATCH (m:Mineral) WHERE toLower(m.name) STARTS WITH 'rare earths' RETURN m.name AS n")
    assert sorted(r["n"] for r in ree) == ["Rare earths", "Rare earths (heavy)"]
    graphite = store.run(
        "MATCH (m:Mineral {name: 'Graphite'}) RETURN m.usgs_commodity AS c, m.critical_mineral_2025 AS k"
    )
    assert graphite == [{"c": "Graphite (Natural)", "k": True}]
    forms = store.run(
        "MATCH (f:Mineral)-[:FORM_OF]->(e:Mineral) WHERE f.name IN ['Titanium sponge metal', "
        "'Gallium (primary low-purity)'] RETURN f.name AS f, e.name AS e ORDER BY f"
    )
    assert forms == [
        {"f": "Gallium (primary low-purity)", "e": "Gallium"},
        {"f": "Titanium sponge metal", "e": "Titanium"},
    ]
    # the curated low-purity gallium rows moved onto the form, beside the release's
    low = store.run(
        "MATCH (:Country {name: 'China'})-[r:PRODUCES]->(m:Mineral) WHERE r.year = 2025 AND m.name STARTS WITH 'Gallium' "
        "RETURN m.name AS m, r.value AS v"
    )
    assert low == [{"m": "Gallium (primary low-purity)", "v": 900000}]


def test_aggregates_are_never_countries(store) -> None:  # noqa: ANN001
    kinds = {r["n"]: r["k"] for r in store.run("MATCH (c:Country) WHERE c.name IN ['World', 'Other countries'] "
                                               "RETURN c.name AS n, c.kind AS k")}  # fmt: skip
    assert kinds == {"World": "aggregate", "Other countries": "aggregate"}
    raw_countries = {r["Country"].strip() for r in _raw_rows()} - {"World total", "Other countries"}
    n = store.run("MATCH (c:Country) WHERE c.kind = 'country' RETURN count(c) AS n")[0]["n"]
    assert n >= len(raw_countries) - 1  # the joint 'China, Germany, and Russia' row is skipped


def test_a_statistic_keeps_unit_value_as_stated_estimate_and_notes(store) -> None:  # noqa: ANN001
    raw = next(
        r for r in _raw_rows()
        if r["Commodity"] == "Tungsten" and r["Statistics"] == "Net import reliance" and r["Year"] == "2025"
    )  # fmt: skip
    got = store.run(
        "MATCH (:Country {name: 'United States'})-[r:HAS_METRIC]->(:Mineral {name: 'Tungsten'}) "
        "WHERE r.metric = 'net_import_reliance' AND r.year = 2025 RETURN r.unit AS unit, r.value_text AS text, "
        "r.value AS value, r.estimated AS est, r.edition AS edition"
    )
    assert len(got) == 1
    assert got[0]["unit"] == raw["Unit"] and got[0]["text"] == raw["Value"] == ">50" and got[0]["value"] == 50
    assert got[0]["est"] is True and got[0]["edition"] == "MCS 2026"


def test_import_sources_are_imports_from_with_share_and_period(store) -> None:  # noqa: ANN001
    raw = [r for r in _raw_rows() if r["Commodity"] == "Tantalum" and r["Statistics_detail"] == "Total"]
    got = store.run(
        "MATCH (:Country {name: 'United States'})-[r:IMPORTS_FROM]->(c:Country) WHERE r.mineral = 'Tantalum' "
        "AND r.statistic_detail = 'Total' RETURN c.name AS c, r.share AS s, r.period AS p"
    )
    assert sorted((g["c"], g["s"]) for g in got) == sorted(
        ({"Other countries": "Other countries"}.get(r["Country"], r["Country"]), float(r["Value"])) for r in raw
    )
    assert {g["p"] for g in got} == {"2021–24"}


def test_curated_and_release_disagreements_are_noted(dataset) -> None:  # noqa: ANN001
    brazil = [
        r for r in dataset.batch.rels.values()
        if r.start == ("Country", "Brazil") and r.end == ("Mineral", "Rare earths") and r.type == "HAS_RESERVES"
        and r.props.get("edition") == "MCS 2026"
    ]  # fmt: skip
    assert len(brazil) == 1
    assert brazil[0].props["value"] == 11000000 and brazil[0].props["release_value_text"] == "21,000,000"
    assert "data release states" in brazil[0].props["notes"]


def test_release_ingest_is_idempotent(empty_store) -> None:  # noqa: ANN001
    from graph.stats import graph_stats
    from ingest.load import ingest_dataset

    rep = ingest_dataset(empty_store, release=RELEASE_PATH)
    first = graph_stats(empty_store)
    assert rep.release is not None and rep.release.loaded + len(rep.release.skipped) == 8886
    ingest_dataset(empty_store, release=RELEASE_PATH)
    assert graph_stats(empty_store) == first
    assert first["relationship_types"]["IMPORTS_FROM"] == sum(
        1 for r in _raw_rows() if r["Statistics"].startswith("Import sources") and ", and " not in r["Country"]
    )
