"""How an answer's rows are shown to an analyst: readable tables and charts that tell the truth.

Pure functions over rows and column names (no Streamlit), so the rules are tested directly:

- tables: human column names, no empty columns, no internal ids or score columns, no "None" cells,
  lists joined without ", ," gaps, key columns first;
- charts: chosen by the shape of the data. A series over years is drawn as lines; one measure across
  names for one year as bars sorted by value; shares as percent with the total named. Values are
  never summed across years or editions, score columns are never charted, and one number is no chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# columns that are bookkeeping, not facts: never shown, never charted
INTERNAL = re.compile(r"^(_.*|relevance|score|rank_score|confidence|policy_id|event_id|id|key)$")
# numeric columns that are not measures (charting them would be meaningless)
NOT_MEASURES = re.compile(r"(^|_)(year|hops|rank|id|atomic_number|number|count_rank|relevance|score|confidence)$")
# dataset ids pasted into labels ("... (P30)", "(E12)"): internals, not names
DATASET_ID = re.compile(r"\s*\((?:P|E|S)\d{1,4}\)")

LABELS = {
    "value_as_stated": "As stated",
    "share_percent": "Share (%)",
    "world_total": "World total",
    "status_as_stated": "Status (as stated)",
    "enacted_by": "Enacted by",
    "suspended_until": "Suspended until",
    "start_date": "From",
    "end_date": "Until",
    "hq": "Headquarters",
    "relationships": "Via",
    "hops": "Steps",
    "path": "Chain",
}
# shown first, in this order, when present: what the row is about, then its figure and its provenance
KEY_ORDER = (
    "country",
    "company",
    "mineral",
    "name",
    "official",
    "policy",
    "event",
    "path",
    "year",
    "value",
    "share_percent",
    "unit",
    "edition",
)
LONG_TEXT = ("description", "topics", "details", "note", "notes", "status_as_stated", "value_as_stated")
SNAKE_VALUES = re.compile(r"^[a-z]+(_[a-z]+)+$")


def human(column: str) -> str:
    """'suspended_until' -> 'Suspended until'; known columns get their analyst name."""
    if column in LABELS:
        return LABELS[column]
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def cell(value: Any, column: str = "") -> Any:
    """One table cell as text or number: lists joined (a chain with arrows), no None, no dataset ids."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        parts = [str(cell(v, "relationship" if column == "relationships" else "")) for v in value]
        parts = [p for p in parts if p.strip()]
        return (" → " if column == "path" else " · " if column == "relationships" else ", ").join(parts)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {cell(v)}" for k, v in value.items() if v not in (None, "", []))
    text = DATASET_ID.sub("", str(value)).strip()
    if column in ("relationship", "relationship_type") and text.isupper():  # INVESTS_IN -> invests in
        return text.replace("_", " ").lower()
    if SNAKE_VALUES.match(text):  # status values such as in_force
        text = text.replace("_", " ")
    return text


def visible_columns(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    """The columns worth showing, key columns first: no internal ones, none that is empty in every row."""

    def empty(c: str) -> bool:
        return all(r.get(c) in (None, "", [], ()) or cell(r.get(c), c) == "" for r in rows)

    cols = [c for c in columns if not INTERNAL.match(c) and not empty(c)]
    first = [c for c in KEY_ORDER if c in cols]
    last = [c for c in cols if c in LONG_TEXT and c not in first]
    return first + [c for c in cols if c not in first and c not in last] + last


@dataclass
class Table:
    """A table ready to draw: human headers, clean cells, and which headers are long text."""

    columns: list[str]  # human headers, in display order
    rows: list[dict[str, Any]]
    source_column: str | None = None
    long_text: list[str] = field(default_factory=list)


def table(rows: list[dict[str, Any]], columns: list[str], row_refs: list[str] | None = None) -> Table:
    """Rows as an analyst reads them; `row_refs` (e.g. "[1], [2]") adds a Sources column per row."""
    cols = visible_columns(rows, columns)
    heads = [human(c) for c in cols]
    out = [{h: cell(r.get(c), c) for c, h in zip(cols, heads)} for r in rows]
    src = None
    if row_refs is not None and any(row_refs):
        src = "Sources"
        for r, ref in zip(out, row_refs):
            r[src] = ref
        heads.append(src)
    return Table(heads, out, src, [human(c) for c in cols if c in LONG_TEXT])


# -- charts ----------------------------------------------------------------------------------------


@dataclass
class ChartSpec:
    """What to draw: kind ("bar" sorted by value, or "line" over years), fields and one point per mark."""

    kind: str
    x: str  # the name (bars) or the year (lines)
    y: str  # the measure
    color: str | None
    data: list[dict[str, Any]]
    title: str
    y_title: str
    x_title: str


def _numeric(rows: list[dict[str, Any]], c: str) -> bool:
    vals = [r.get(c) for r in rows if r.get(c) is not None]
    return bool(vals) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)


def _name_column(rows: list[dict[str, Any]], columns: list[str], exclude: set[str]) -> str | None:
    names = [
        c
        for c in columns
        if c not in exclude and not INTERNAL.match(c) and all(isinstance(r.get(c), str) and r.get(c) for r in rows)
    ]
    varying = [c for c in names if len({r[c] for r in rows}) > 1 and c not in ("unit", "edition")]
    return varying[0] if varying else None


def _latest_edition(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per key: when several editions report the same point, the latest edition wins (never a sum)."""
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        k = tuple(r.get(c) for c in keys)
        if k not in best or str(r.get("edition") or "") > str(best[k].get("edition") or ""):
            best[k] = r
    return list(best.values())


def chart_spec(rows: list[dict[str, Any]], columns: list[str], measure: str = "") -> ChartSpec | None:
    """The chart the rows support, or None (one number, mixed units or metrics, no measure, ambiguous points).

    `measure` names what the values are ("mine production"), for the title and the axis.
    """
    if len(rows) < 2:
        return None
    if len({r.get("metric") for r in rows if r.get("metric")}) > 1:
        return None  # two metrics on one axis (import reliance next to consumption) would be summed by the eye
    measures = [c for c in columns if _numeric(rows, c) and not NOT_MEASURES.search(c) and not INTERNAL.match(c)]
    if not measures:
        return None
    y = "share_percent" if "share_percent" in measures else "value" if "value" in measures else measures[0]
    has_year = "year" in columns and _numeric(rows, "year")
    name = _name_column(rows, columns, {"year", y})
    units = {r.get("unit") for r in rows if r.get("unit")}
    if len(units) > 1:
        return None  # tonnes next to percent on one axis would mislead
    unit = next(iter(units), "")
    rows = [r for r in rows if r.get(y) is not None]
    keys = tuple(c for c in (name, "year" if has_year else None) if c)
    if not keys:
        return None
    points = _latest_edition(rows, keys)
    if any(len([r for r in rows if tuple(r.get(c) for c in keys) == tuple(p.get(c) for c in keys)]) > 1
           and "edition" not in columns for p in points):  # fmt: skip
        return None  # duplicate points without an edition to choose by: no honest single value
    editions = sorted({str(p.get("edition")) for p in points if p.get("edition")})
    what = _measure_title(rows, y, measure)
    y_title = human(y) if y != "value" else what
    if y == "share_percent":
        y_title = "Share of world total (%)"
    elif unit:
        y_title = f"{y_title} ({unit})"
    ed = f" · {', '.join(editions)}" if editions else ""
    years = sorted({p["year"] for p in points if p.get("year") is not None}) if has_year else []
    if has_year and len(years) > 1:
        per_name = {} if not name else {p[name]: 0 for p in points}
        for p in points:
            if name:
                per_name[p[name]] += 1
        if name and max(per_name.values()) < 2:
            return None
        data = [{"year": p["year"], y: p[y], **({name: p[name]} if name else {})} for p in points]
        data.sort(key=lambda d: (d["year"], str(d.get(name or "", ""))))
        return ChartSpec("line", "year", y, name, data, f"{what}, {years[0]}–{years[-1]}{ed}", y_title, "Year")
    if not name:
        return None
    data = sorted(({name: p[name], y: p[y]} for p in points), key=lambda d: -float(d[y]))
    if len(data) < 2:
        return None
    year = f", {years[0]}" if years else ""
    title = f"{what}{year}{ed}"
    if y == "share_percent":
        totals = {p.get("world_total") for p in points if p.get("world_total")}
        if len(totals) == 1:
            title += f" · world total {next(iter(totals)):,} {unit}".rstrip()
    return ChartSpec("bar", name, y, None, data, title, y_title, human(name))


def _measure_title(rows: list[dict[str, Any]], y: str, measure: str) -> str:
    minerals = {r.get("mineral") for r in rows if r.get("mineral")}
    metric = {str(r["metric"]) for r in rows if r.get("metric")}
    head = measure or (next(iter(metric)).replace("_", " ") if len(metric) == 1 else human(y))
    if y == "share_percent":
        head = "share of world " + (measure or "output")
    if len(minerals) == 1:
        return f"{next(iter(minerals))}: {head}"
    return head[:1].upper() + head[1:]


def chart_caption(spec: ChartSpec) -> str:
    """The chart's data in words (for screen readers, copy, and a test that reads what is drawn)."""
    if spec.kind == "bar":
        pts = "; ".join(f"{d[spec.x]} {_num(d[spec.y])}" for d in spec.data)
    else:
        pts = "; ".join(
            f"{d.get(spec.color, '')} {d['year']}: {_num(d[spec.y])}".strip()
            if spec.color
            else f"{d['year']}: {_num(d[spec.y])}"
            for d in spec.data
        )
    return f"Chart data — {spec.y_title}: {pts}"


def _num(v: Any) -> str:
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}"
    return f"{int(v):,}" if isinstance(v, (int, float)) else str(v)
