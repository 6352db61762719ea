"""Reading dataset CSV files strictly: encoding, shape and required columns, with file/line/column errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.errors import IngestError
from graph.text import control_char

# file -> (required columns, columns that may not be empty)
SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "countries.csv": (("name", "kind", "aliases", "demonym", "capital", "regions"), ("name", "kind")),
    "entities.csv": (("label", "name", "aliases", "country", "kind", "source", "source_url"), ("label", "name")),
    "aliases.csv": (("label", "name", "alias"), ("label", "name", "alias")),
    "minerals.csv": (
        ("name", "symbol", "atomic_number", "group", "classification_as_stated", "china_export_control_status",
         "key_applications", "applications_source", "classification_source", "symbol_number_source"),
        ("name", "symbol", "atomic_number", "group"),
    ),
    "production.csv": (
        ("commodity", "country", "metric", "year", "value", "unit", "basis", "estimate_flag", "notes", "source", "source_url"),
        ("commodity", "country", "metric", "year", "value", "source"),
    ),
    "policies.csv": (
        ("policy_id", "date_announced", "date_effective", "enacting_body", "enacting_country", "target_country",
         "minerals_covered", "policy_type", "description", "status", "source", "source_url"),
        ("policy_id", "date_announced", "enacting_country", "policy_type", "source"),
    ),
    "companies.csv": (
        ("company", "hq_country", "hq_city", "ownership_type", "stages", "key_assets", "notable_relations",
         "key_figures_with_year", "source", "source_url"),
        ("company", "source"),
    ),
    "officials.csv": (
        ("name", "country", "person_type", "role", "start_date", "end_date", "notes", "source", "source_url"),
        ("name", "country", "role", "source"),
    ),
    "events.csv": (
        ("event_id", "date", "event_type", "participants", "countries", "location", "duration", "topics",
         "description", "date_confidence", "source", "source_url"),
        ("event_id", "date", "event_type", "participants", "source"),
    ),
}  # fmt: skip
ORDER = tuple(SCHEMAS)
# file -> the columns that identify a row (compared case-insensitively); a second row with the same values is an error
KEYS: dict[str, tuple[str, ...]] = {
    "countries.csv": ("name",),
    "entities.csv": ("label", "name"),
    "aliases.csv": ("label", "name", "alias"),
    "minerals.csv": ("name",),
    "production.csv": ("commodity", "country", "metric", "year", "basis", "source"),
    "policies.csv": ("policy_id",),
    "companies.csv": ("company",),
    "officials.csv": ("name", "role"),
    "events.csv": ("event_id",),
}


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers. Raises IngestError naming the file, line and column."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(f"cannot read the file: {e.strerror}", file=str(path)) from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise IngestError(
            f"not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}); save the file as UTF-8 "
            "(for Windows-1252 files: iconv -f cp1252 -t utf-8)",
            file=str(path),
            line=line,
        ) from e
    required, non_empty = SCHEMAS.get(name, ((), ()))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise IngestError("the file is empty; expected a header row", file=str(path), line=1) from None
    except csv.Error as e:
        raise IngestError(f"malformed CSV header: {e}", file=str(path), line=1) from e
    header = [h.strip() for h in header]
    no_control(path, 1, header, header)
    missing = [c for c in required if c not in header]
    if missing:
        raise IngestError(
            f"missing column(s) {', '.join(missing)}; expected the columns {', '.join(required)}",
            file=str(path),
            line=1,
            column=missing[0],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise IngestError(
                    f"expected {len(header)} fields but found {len(fields)} (a quote or comma out of place?)",
                    file=str(path),
                    line=line,
                )
            no_control(path, line, header, fields)
            row = {h: f.strip() for h, f in zip(header, fields)}
            for col in non_empty:
                if not row.get(col):
                    raise IngestError("this column may not be empty", file=str(path), line=line, column=col)
            rows.append((line, row))
    except csv.Error as e:
        raise IngestError(f"malformed CSV: {e}", file=str(path), line=reader.line_num) from e
    _no_duplicates(path, rows, KEYS.get(name, ()))
    return rows


def no_control(path: Path, line: int, header: list[str], fields: list[str]) -> None:
    """Refuse a control character in any field, naming file, line and column (before anything is written)."""
    for h, f in zip(header, fields):
        bad = control_char(f)
        if bad:
            raise IngestError(
                f"control character {bad} in the value; remove it (only tab and newline may appear in a value)",
                file=str(path),
                line=line,
                column=h,
            )


def _no_duplicates(path: Path, rows: list[tuple[int, dict[str, str]]], key: tuple[str, ...]) -> None:
    """A second row with the same key would silently lose to the first: name both lines instead."""
    if not key:
        return
    seen: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        k = tuple(row.get(c, "").casefold() for c in key)
        if k in seen:
            same = ", ".join(f"{c}={row.get(c, '')!r}" for c in key)
            raise IngestError(
                f"duplicate row: {same} is already on line {seen[k]}; merge the two rows or remove one",
                file=str(path),
                line=line,
            )
        seen[k] = line
