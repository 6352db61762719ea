"""Bad bytes never reach an engine: control characters, duplicate rows, zip bombs and deep JSON are refused
with their place named and nothing written; a failed `--reset` load keeps the previous graph; CSV exports
cannot smuggle spreadsheet formulas. Run on both engines where an engine is involved."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graph.errors import ImportFormatError, IngestError
from graph.export import Subgraph, export_bytes
from graph.stats import graph_stats
from graph.store import GNode, GRel
from ingest.article_parse import parse_article_text
from ingest.batch import GraphBatch, write_batch
from ingest.importer import import_file, parse_csv_zip
from ingest.load import DATASET_DIR, ingest_dataset

ROOT = Path(__file__).resolve().parent.parent


def _copy_with(tmp_path: Path, name: str, old: bytes, new: bytes) -> Path:
    d = tmp_path / "dataset"
    shutil.copytree(DATASET_DIR, d)
    p = d / name
    raw = p.read_bytes()
    assert old in raw
    p.write_bytes(raw.replace(old, new, 1))
    return d


def _line_of(name: str, needle: str) -> int:
    text = (DATASET_DIR / name).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_in_a_dataset_is_refused_with_file_line_and_column(store, tmp_path, char) -> None:  # noqa: ANN001
    before = graph_stats(store)
    bad = _copy_with(tmp_path, "events.csv", b"E05,", f"E05{char},".encode())
    line = _line_of("events.csv", "E05,")
    with pytest.raises(IngestError, match=rf"events\.csv, line {line}, column 'event_id': control character U\+"):
        ingest_dataset(store, bad, reset=True)
    assert graph_stats(store) == before  # --reset included: the old graph is untouched


def test_duplicate_rows_name_both_lines(store, tmp_path) -> None:  # noqa: ANN001
    before = graph_stats(store)
    d = tmp_path / "dataset"
    shutil.copytree(DATASET_DIR, d)
    p = d / "minerals.csv"
    rows = p.read_text(encoding="utf-8").splitlines()
    dy = next(i for i, r in enumerate(rows) if r.startswith("Dysprosium,"))
    p.write_text("\n".join([*rows, rows[dy].replace("Dysprosium", "dysprosium", 1)]) + "\n", encoding="utf-8")
    with pytest.raises(
        IngestError, match=rf"minerals\.csv, line {len(rows) + 1}: duplicate row.*already on line {dy + 1}"
    ):
        ingest_dataset(store, d)
    assert graph_stats(store) == before


def test_an_article_with_a_control_character_is_refused_with_its_line() -> None:
    with pytest.raises(IngestError, match=r"a\.txt, line 3: control character U\+0001"):
        parse_article_text("Title\n\nChina restricted \x01gallium exports.\n", file="a.txt")
    # a form feed (a page break in pasted text) is only whitespace
    assert parse_article_text("Title\n\nChina restricted gallium.\x0cIt said so.\n", file="b.txt")


def _export(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_IMPORTS = {
    "key.json": json.dumps(
        {"nodes": [{"id": "Country:X", "labels": ["Country"], "properties": {"name": "X\u0001"}}], "relationships": []}
    ).encode(),
    "escaped.cypher": b"MERGE (n:Country {name: 'Ok'});\nMERGE (n:Country {name: 'X\\u0001'});\n",
    "nul.cypher": b"MERGE (n:Country {name: 'X'}) SET n += {kind: 'a\\u0000b'};\n",
}


@pytest.mark.parametrize("name", sorted(BAD_IMPORTS))
def test_an_import_with_a_control_character_writes_nothing(store, tmp_path, name) -> None:  # noqa: ANN001
    before = graph_stats(store)
    with pytest.raises(ImportFormatError, match=r"control character U\+000[01]") as e:
        import_file(store, _export(tmp_path, name, BAD_IMPORTS[name]))
    if name.endswith(".cypher"):
        assert "line 2" in str(e.value) or "line 1" in str(e.value)
    assert graph_stats(store) == before


def test_a_csv_zip_with_a_control_character_names_its_line(store, tmp_path) -> None:  # noqa: ANN001
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("nodes.csv", "id:ID,:LABEL,name:string\nCountry:A,Country,A\nCountry:B,Country,B\x01\n")
        z.writestr("relationships.csv", ":START_ID,:END_ID,:TYPE\n")
    before = graph_stats(store)
    with pytest.raises(ImportFormatError, match=r"nodes\.csv, line 3, column 'name': control character U\+0001"):
        import_file(store, _export(tmp_path, "bad.zip", buf.getvalue()))
    assert graph_stats(store) == before


def test_the_writer_refuses_a_control_character_whoever_built_the_batch(store) -> None:  # noqa: ANN001
    before = graph_stats(store)
    batch = GraphBatch()
    batch.node("Country", "Fine", name="Fine")
    batch.node("Country", "Bad\x01", name="Bad\x01")
    with pytest.raises(IngestError, match=r"control character U\+0001 in the Country"):
        write_batch(store, batch)
    assert graph_stats(store) == before


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path) -> None:  # noqa: ANN001
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.csv", "id:ID,:LABEL,name:string\n" + "Country:A,Country,A\n" * 2_000_000)
        z.writestr("relationships.csv", ":START_ID,:END_ID,:TYPE\n")
    raw = buf.getvalue()
    assert len(raw) < 1_000_000  # 40 MB of rows in well under 1 MB
    with pytest.raises(ImportFormatError, match=r"nodes\.csv in the zip expands to \d+ MB from .*refused"):
        parse_csv_zip(raw)


def test_deep_json_is_a_clear_error_not_a_traceback(tmp_path) -> None:  # noqa: ANN001
    path = _export(tmp_path, "deep.json", b"[" * 200_000 + b"]" * 200_000)
    env = {**os.environ, "REKG_DATA_DIR": str(tmp_path / "data")}
    env.pop("NEO4J_URI", None)
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "import", str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "nests too deeply" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_failed_reset_load_keeps_the_previous_graph(store) -> None:  # noqa: ANN001
    before = graph_stats(store)
    names = sorted(r["n"] for r in store.run("MATCH (c:Company) RETURN c.name AS n"))

    def half_then_fail(target) -> None:  # noqa: ANN001
        target.ensure_schema()
        target.run("CREATE (:Country {name: 'Half-written'})")
        raise RuntimeError("the load failed part-way")

    with pytest.raises(RuntimeError, match="part-way"):
        store.replace(half_then_fail)
    assert graph_stats(store) == before
    assert sorted(r["n"] for r in store.run("MATCH (c:Company) RETURN c.name AS n")) == names
    assert store.run("MATCH (c:Country {name: 'Half-written'}) RETURN count(c) AS c")[0]["c"] == 0


def test_csv_exports_neutralise_formulas_and_import_restores_them() -> None:
    evil = "=cmd|' /C calc'!A0"
    values = [evil, "+1+1", "-2", "@SUM(A1)", "'quoted", "plain"]
    src = GNode(("Source",), {"id": "src-f", "title": evil})
    a = GNode(("Company",), {"name": "Formula Co", "hq_city": evil, "aliases": values, "sources": ["src-f"]})
    b = GNode(("Country",), {"name": "@Ruritania", "sources": ["src-f"]})
    sub = Subgraph([src, a, b], [GRel("HEADQUARTERED_IN", a, b, {"city": "-Strelsau", "sources": ["src-f"]})])
    raw = export_bytes(sub, "csv")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        cells = [c for row in csv.reader(io.StringIO(z.read("nodes.csv").decode())) for c in row]
        cells += [c for row in csv.reader(io.StringIO(z.read("relationships.csv").decode())) for c in row]
    starts = ("=", "+", "-", "@")
    assert not [c for c in cells if c.startswith(starts)], "no cell may start like a formula"
    parsed = parse_csv_zip(raw)
    company = next(p for label, p in parsed.nodes if label == "Company")
    assert company["hq_city"] == evil and company["aliases"] == values
    assert next(p for label, p in parsed.nodes if label == "Country")["name"] == "@Ruritania"
    assert parsed.rels[0][3]["city"] == "-Strelsau"
