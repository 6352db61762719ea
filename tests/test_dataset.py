"""The starter dataset: every file loaded faithfully with its sources; bad files rejected with nothing written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from graph.errors import IngestError
from graph.stats import graph_stats
from graph.text import parse_number
from ingest.load import DATASET_DIR, ingest_dataset


def rows(name: str) -> list[dict[str, str]]:
    with open(DATASET_DIR / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_production_row_becomes_one_sourced_statistic(store):
    from ingest.dataset import load

    # the curated dataset alone (the shared store also holds the USGS data release: tests/test_usgs.py)
    batch = load(DATASET_DIR).batch
    n = sum(1 for r in batch.rels.values() if r.type in ("PRODUCES", "HAS_RESERVES", "HAS_METRIC"))
    assert n == len(rows("production.csv"))
    titles = {r["t"] for r in store.run("MATCH (s:Source) RETURN s.title AS t")}
    assert {r["source"] for r in rows("production.csv")} <= titles


def test_numbers_are_parsed_and_bounds_keep_their_text(store):
    r = store.run(
        "MATCH (:Country {name: 'Australia'})-[r:PRODUCES]->(:Mineral {name: 'Rare earths'}) "
        "WHERE r.year = 2025 RETURN r.value AS v, r.edition AS e"
    )
    assert r == [{"v": 29000, "e": "MCS 2026"}]
    w = store.run(
        "MATCH (:Country {name: 'World'})-[r:HAS_RESERVES]->(:Mineral {name: 'Rare earths'}) "
        "WHERE r.edition = 'MCS 2026' RETURN r.value AS v, r.value_text AS t"
    )
    assert w == [{"v": 75000000, "t": ">75,000,000"}]
    assert parse_number("51,000") == (51000.0, None)
    assert parse_number("10,000-15,000") == (10000.0, "10,000-15,000")


def test_two_editions_of_one_year_are_both_kept_and_the_newest_is_marked(store):
    got = store.run(
        "MATCH (:Country {name: 'Australia'})-[r:PRODUCES]->(:Mineral {name: 'Rare earths'}) WHERE r.year = 2024 "
        "RETURN r.edition AS e, r.value AS v, r.latest AS latest ORDER BY e"
    )
    assert got == [{"e": "MCS 2025", "v": 13000, "latest": False}, {"e": "MCS 2026", "v": 29000, "latest": True}]


def test_every_entity_file_is_loaded(store):
    def count(label: str) -> int:
        return store.run(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"]

    assert count("Mineral") >= len(rows("minerals.csv"))
    assert count("Policy") >= len(rows("policies.csv"))
    assert count("Event") >= len(rows("events.csv"))
    assert count("Official") >= len({r["name"] for r in rows("officials.csv")})
    hq = store.run("MATCH (c:Company)-[:HEADQUARTERED_IN]->() RETURN count(c) AS c")[0]["c"]
    assert hq == len(rows("companies.csv"))


def test_semi_structured_cells_become_relationships(store):
    busan = store.run(
        "MATCH (o:Official)-[:PARTICIPATED_IN]->(e:Event {event_id: 'E22'}) RETURN collect(o.name) AS who"
    )[0]["who"]
    assert {
        "Xi Jinping",
        "Donald Trump",
        "Scott Bessent",
        "Marco Rubio",
        "Howard Lutnick",
        "He Lifeng",
        "Wang Yi",
    } <= set(busan)
    covered = store.run("MATCH (:Policy {policy_id: 'P14'})-[:COVERS]->(m:Mineral) RETURN collect(m.name) AS m")[0]["m"]
    assert set(covered) == {"Samarium", "Gadolinium", "Terbium", "Dysprosium", "Lutetium", "Scandium", "Yttrium"}
    stages = store.run("MATCH (:Company {name: 'MP Materials'})-[:ACTIVE_IN]->(s:Stage) RETURN collect(s.name) AS s")[
        0
    ]["s"]
    assert {"mining", "separation/refining", "magnet making", "recycling"} <= set(stages)
    supply = store.run(
        "MATCH (:Company {name: 'MP Materials'})-[r:SUPPLIES]->(:Company {name: 'Apple'}) RETURN r.detail AS d"
    )
    assert supply and "500M" in supply[0]["d"]


def test_aliases_resolve_to_one_node(store):
    burma = store.run("MATCH (c:Country) WHERE c.name IN ['Burma', 'Myanmar'] RETURN c.name AS n, c.aliases AS a")
    assert len(burma) == 1 and "Myanmar" in burma[0]["a"]
    dow = store.run(
        "MATCH (o:Organization) WHERE o.name CONTAINS 'Department of War' OR o.name CONTAINS 'Defense' RETURN o.name AS n, o.aliases AS a"
    )
    assert len(dow) == 1 and "Department of Defense" in dow[0]["a"]
    from graph.resolve import index_from_store

    ix = index_from_store(store)
    assert ix.resolve("Mount Weld", ("Facility",)).name == ix.resolve("Mt Weld", ("Facility",)).name
    assert ix.resolve("U.S.").name == "United States"
    assert ix.resolve("Myanmar").name == "Burma"


def test_ingest_twice_changes_nothing(empty_store):
    ingest_dataset(empty_store)
    first = graph_stats(empty_store)
    ingest_dataset(empty_store)
    assert graph_stats(empty_store) == first
    assert first["nodes"] > 400 and first["relationships"] > 900


def _bad_copy(tmp_path: Path, name: str, transform) -> Path:  # noqa: ANN001
    d = tmp_path / "dataset"
    shutil.copytree(DATASET_DIR, d)
    p = d / name
    p.write_bytes(transform(p.read_bytes()))
    return d


BAD_FILES = {
    "malformed CSV": ("events.csv", lambda b: b.replace(b"E05,", b'E05,"2025', 1), r"events\.csv.*line \d+"),
    "wrong encoding": (
        "companies.csv",
        lambda b: b.decode().replace("Goias", "Goiás").encode("cp1252"),
        r"companies\.csv.*line \d+.*UTF-8",
    ),
    "missing column": (
        "officials.csv",
        lambda b: b.replace(b"end_date", b"finish", 1),
        r"officials\.csv, line 1, column 'end_date'",
    ),
    "unknown reference": (
        "production.csv",
        lambda b: b.replace(b"Rare earths,Canada,", b"Rare earths,Atlantis,", 1),
        r"production\.csv, line \d+, column 'country'.*Atlantis",
    ),
    "not a number": (
        "production.csv",
        lambda b: b.replace(b'"29,000"', b'"twenty-nine"', 1),
        r"production\.csv, line \d+, column 'value'",
    ),
    "empty required cell": (
        "policies.csv",
        lambda b: b.replace(b"P11,2025-02-04", b"P11,", 1),
        r"policies\.csv, line \d+, column 'date_announced'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_rejected_with_its_place_and_nothing_is_written(case, empty_store, tmp_path):
    ingest_dataset(empty_store)
    before = graph_stats(empty_store)
    name, transform, pattern = BAD_FILES[case]
    bad = _bad_copy(tmp_path, name, transform)
    with pytest.raises(IngestError, match=pattern):
        ingest_dataset(empty_store, bad, reset=True)
    assert graph_stats(empty_store) == before


def test_reset_starts_from_empty(empty_store):
    empty_store.run("CREATE (:Country {name: 'Atlantis', sources: ['x']})")
    ingest_dataset(empty_store, reset=True)
    assert empty_store.run("MATCH (c:Country {name: 'Atlantis'}) RETURN count(c) AS c")[0]["c"] == 0


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("~90 minutes", 90), ("~1 hour 40 minutes", 100), ("an hour and a half", 90), ("2 days", 2880),
     ("over 2 hours (Friday morning)", 120), ("about half an hour", 30), ("Trump ~50 min; then ~75 min", 50),
     ("Cabinet Room, White House", None), ("", None)],
)  # fmt: skip
def test_duration_minutes_reads_the_first_length_stated(text: str, minutes: int | None) -> None:
    from graph.text import duration_minutes

    assert duration_minutes(text) == minutes
