"""The USGS Mineral Commodity Summaries 2026 data release (data/usgs/) loaded row by row into the graph.

Every row of the release becomes one fact, or is reported as skipped with its reason; the two counts
add up to the rows read (tests/test_usgs.py). Commodities become Mineral nodes (reusing the curated
ones: "Rare Earths" is the dataset's "Rare earths"), world tables become PRODUCES / HAS_RESERVES /
HAS_METRIC relationships from Country to Mineral, the US salient statistics HAS_METRIC from the United
States, and the import-source tables IMPORTS_FROM (United States -> source country). Values are kept
as stated ('W', 'NA', '>95', '<1', ranges, 'XX') beside the number they bound, so nothing is invented.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import IngestError
from graph.resolve import EntityIndex
from graph.text import norm_key
from ingest.batch import GraphBatch, RelRecord
from ingest.csvfiles import no_control

EDITION = "MCS 2026"
RELEASE_FILE = "usgs_mcs2026_commodities_data.csv"
# The same document the curated production.csv cites for its release rows: one Source node for both.
SOURCE_TITLE = "USGS Mineral Commodity Summaries 2026 Data Release (MCS2026_Commodities_Data.csv)"
SOURCE_URL = (
    "https://doi.org/10.5066/P1WKQ63T (copy read from github.com/therealjameswilson/critical-minerals-records-stage-v3 "
    "data/raw/usgs_mcs2026_commodities_data.csv)"
)
COLUMNS = ("MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit", "Year",
           "Value", "Notes", "Is critical mineral 2025", "Other notes")  # fmt: skip
AGGREGATES = {"world total": "World", "other countries": "Other countries"}
# The metadata's value codes (usgs_mcs2026_metadata.xml, attribute Value).
CODES = {"W": "withheld", "NA": "not available", "XX": "world total not calculable", "E": "net exporter",
         "s": "small", "—": "zero"}  # fmt: skip
# Commodities of the release that are forms or products of an element (FORM_OF), or members of a group.
FORMS = {
    "Titanium sponge metal": "Titanium",
    "TiO2 pigment": "Titanium",
    "Titanium mineral concentrates": "Titanium",
    "Magnesium metal": "Magnesium",
    "Magnesium compounds": "Magnesium",
    "Iron ore": "Iron",
    "Iron and steel": "Iron",
    "Iron and steel scrap": "Iron",
    "Iron and steel slag": "Iron",
    "Iron oxide pigments": "Iron",
    "Alumina": "Aluminum",
    "Bauxite": "Aluminum",
    "Gallium (primary low-purity)": "Gallium",
    "Nitrogen (fixed)—ammonia": "Nitrogen",
}
MEMBERS = {
    "Platinum-group metals": ("Platinum", "Palladium", "Rhodium", "Ruthenium", "Iridium", "Osmium"),
    "Zirconium and hafnium": ("Zirconium", "Hafnium"),
    "Neon, krypton, and xenon": ("Neon", "Krypton", "Xenon"),
}
# A world table whose section names a form: its rows are about that form, not the element.
SECTION_FORMS = {("gallium", "low-purity"): "Gallium (primary low-purity)"}
STAT_METRIC = {
    "Import": "imports",
    "Export": "exports",
    "Consumption": "consumption",
    "Net import reliance": "net_import_reliance",
    "Price": "price",
    "Employment": "employment",
    "Stock": "stocks",
    "Shipment": "shipments",
    "Sold or used": "sold_or_used",
    "Sales": "sales",
    "Sold": "sold",
    "Supply": "supply",
    "Capacity": "capacity",
    "Reserves": "reserves",
}


@dataclass
class ReleaseReport:
    """Rows read, loaded and skipped (each skip with its line and reason): loaded + skipped == rows."""

    rows: int = 0
    loaded: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    relationships: int = 0
    minerals: int = 0
    countries: int = 0
    merged_with_curated: int = 0
    disagreements: int = 0

    def render(self) -> str:
        lines = [
            f"USGS MCS 2026 data release: {self.rows} rows read, {self.loaded} loaded, {len(self.skipped)} skipped "
            f"({self.relationships} relationships cite it, with the forms and groups it links; {self.minerals} "
            f"minerals, {self.countries} countries and aggregates; {self.merged_with_curated} rows restate "
            f"curated production.csv facts, "
            f"{self.disagreements} with a different value, noted)"
        ]
        lines += [f"  skipped line {line}: {why}" for line, why in self.skipped]
        return "\n".join(lines)


def parse_value(text: str) -> dict[str, Any]:
    """The value as stated and what number it gives: exact, a bound (>95, <1), a range (500–17,000), a code.

    Returns `value` (the exact number, the lower bound of '>N' or the low end of a range; None for an upper
    bound or a code), `value_max` (the upper bound of '<N' or a range), `value_text` (the text when it is
    not a plain number) and `value_kind`.
    """
    raw = (text or "").replace("\xa0", " ").strip()
    num = r"(\d[\d,]*(?:\.\d+)?)"
    if raw in ("—", "-", "--"):
        return {"value": 0.0, "value_text": raw, "value_kind": "zero"}
    if re.fullmatch(num, raw):
        return {"value": float(raw.replace(",", "")), "value_kind": "number"}
    m = re.fullmatch(r"([<>])\s*" + num, raw)
    if m:
        n = float(m.group(2).replace(",", ""))
        if m.group(1) == ">":
            return {"value": n, "value_text": raw, "value_kind": "lower_bound"}
        return {"value_max": n, "value_text": raw, "value_kind": "upper_bound"}
    m = re.fullmatch(num + r"\s*[-–]\s*" + num, raw)
    if m:
        lo, hi = (float(g.replace(",", "")) for g in m.groups())
        return {"value": lo, "value_max": hi, "value_text": raw, "value_kind": "range"}
    if raw in CODES:
        return {"value_text": raw, "value_kind": "code", "value_meaning": CODES[raw]}
    return {"value_text": raw, "value_kind": "text"}


def mineral_name(commodity: str) -> str:
    """'Sand And Gravel (Construction)' -> 'Sand and gravel (construction)'; 'TiO2 Pigment' -> 'TiO2 pigment'."""
    parts = re.split(r"(\s+|\(|—|-)", commodity.strip())
    out = []
    first = True
    for p in parts:
        if first and p.strip() and p not in "(—-":
            out.append(p[:1].upper() + p[1:])
            first = False
        elif re.search(r"\d|[A-Z].*[A-Z]", p[1:] if p else ""):
            out.append(p)
        else:
            out.append(p.lower())
    return "".join(out)


def read_release(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The release's rows with their line numbers (Windows-1252, as published)."""
    try:
        text = path.read_bytes().decode("cp1252")
    except OSError as e:
        raise IngestError(f"cannot read the data release: {e.strerror}", file=str(path)) from e
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise IngestError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1, column=missing[0])
    rows = []
    for fields in reader:
        if not fields or all(not f.strip() for f in fields):
            continue
        no_control(path, reader.line_num, header, fields)
        rows.append((reader.line_num, dict(zip(header, fields))))
    return rows


class _Release:
    def __init__(self, batch: GraphBatch, index: EntityIndex, path: Path) -> None:
        self.batch = batch
        self.index = index
        self.path = path
        self.report = ReleaseReport()
        self.minerals: dict[str, str] = {}  # norm_key(commodity) -> Mineral name
        self.countries: dict[str, str] = {}
        self.sid = ""

    def source(self) -> str:
        from graph.text import source_id

        self.sid = source_id(SOURCE_TITLE, SOURCE_URL)
        self.batch.node("Source", self.sid, title=SOURCE_TITLE, name="USGS MCS 2026 data release",
                        url="https://doi.org/10.5066/P1WKQ63T", urls=["https://doi.org/10.5066/P1WKQ63T"],
                        date="2026-02-06", kind="dataset")  # fmt: skip
        return self.sid

    def mineral(self, commodity: str, chapter: str, critical: bool | None, table_notes: str) -> str:
        key = norm_key(commodity)
        if key in self.minerals:
            return self.minerals[key]
        name = mineral_name(commodity)
        ent = self.index.resolve(commodity, ("Mineral",)) or self.index.resolve(name, ("Mineral",))
        aliases = _aliases(name, commodity)
        if ent is not None:
            name = ent.name
            aliases = [
                a for a in aliases if norm_key(a) != norm_key(name) and self.index.resolve(a, ("Mineral",)) is None
            ]
        else:
            aliases = [a for a in aliases if self.index.resolve(a) is None]
        self.index.add("Mineral", name, aliases)
        props: dict[str, Any] = {"name": name, "usgs_commodity": commodity.strip(), "usgs_chapter": chapter.strip(),
                                 "sources": [self.sid]}  # fmt: skip
        if aliases:
            props["aliases"] = aliases
        if critical is not None:
            props["critical_mineral_2025"] = critical
        if ent is None:
            props["group"] = "USGS commodity"
        if table_notes:
            props["usgs_notes"] = table_notes
        self.batch.node("Mineral", name, **props)
        self.minerals[key] = name
        return name

    def element(self, name: str) -> str:
        """The element or group a form belongs to: an existing Mineral, else a new one."""
        ent = self.index.resolve(name, ("Mineral",))
        if ent is not None:
            return ent.name
        self.index.add("Mineral", name)
        self.batch.node("Mineral", name, name=name, group="element (forms in the USGS release)", sources=[self.sid])
        return name

    def country(self, text: str) -> str | None:
        raw = text.replace("\xa0", " ").strip()
        if raw in self.countries:
            return self.countries[raw]
        agg = AGGREGATES.get(raw.lower())
        if agg:
            self.batch.node("Country", agg, name=agg, kind="aggregate", sources=[self.sid])
            name = agg
        else:
            ent = self.index.resolve(raw, ("Country",))
            if ent is not None:
                name = ent.name
                self.batch.node("Country", name, name=name, sources=[self.sid])
            else:
                name = raw
                self.index.add("Country", name)
                self.batch.node("Country", name, name=name, kind="country", sources=[self.sid])
        self.countries[raw] = name
        return name


# Other names the release's commodities go by in questions (beyond the 'A (b)' -> 'b A' rule).
EXTRA_ALIASES = {
    "Titanium sponge metal": ["titanium sponge", "sponge titanium"],
    "TiO2 pigment": ["titanium dioxide pigment", "titanium dioxide"],
    "Nitrogen (fixed)—ammonia": ["ammonia", "fixed nitrogen"],
    "Platinum-group metals": ["PGM", "PGMs", "platinum group metals"],
    "Niobium (columbium)": ["niobium", "columbium"],
}


def _aliases(name: str, commodity: str) -> list[str]:
    """'Diamond (industrial)' -> 'industrial diamond'; 'Tin' -> 'tin' (a three-letter name otherwise needs its case)."""
    out = [commodity.strip()] if commodity.strip() != name else []
    m = re.fullmatch(r"(.+?) \(([^)]+)\)", name)
    if m and "," not in m.group(2) and " and " not in m.group(2):
        out.append(f"{m.group(2)} {m.group(1).lower()}")
    out = [a for a in out if norm_key(a) != norm_key(name)]  # a case variant adds nothing
    if len(re.sub(r"[^A-Za-z]", "", name)) <= 3:
        out.append(name.lower())
    return out + EXTRA_ALIASES.get(name, [])


def load_release(batch: GraphBatch, index: EntityIndex, path: Path) -> ReleaseReport:
    """Add every row of the release to `batch` (merging with curated facts it restates); report the rest."""
    if not path.is_file():
        raise IngestError(f"the USGS data release was not found: {path}", file=str(path))
    rel = _Release(batch, index, path)
    sid = rel.source()
    rows = read_release(path)
    rel.report.rows = len(rows)
    pending: list[tuple[int, str, tuple[str, str], tuple[str, str], dict[str, Any]]] = []
    for line, row in rows:
        why = _skip_reason(row)
        if why:
            rel.report.skipped.append((line, why))
            continue
        critical_text = row["Is critical mineral 2025"].strip()
        notes = row["Notes"].strip()
        shifted = critical_text not in ("Yes", "No", "")
        if shifted:  # one row of the release has its Notes and flag columns shifted by one
            critical_text, notes = notes, ""
        critical = {"Yes": True, "No": False}.get(critical_text)
        commodity = row["Commodity"]
        form = _section_form(commodity, row["Section"])
        mineral = rel.mineral(commodity, row["MCS chapter"], critical, row["Other notes"].strip())
        if form:
            base = mineral
            mineral = rel.mineral(form, row["MCS chapter"], critical, "")
            batch.rel("FORM_OF", ("Mineral", mineral), ("Mineral", base), sources=[sid])
        country = rel.country(row["Country"])
        if country is None:
            rel.report.skipped.append((line, f"country {row['Country']!r} is not a country"))
            continue
        props = _props(row, notes, sid)
        if shifted:
            props["notes"] = (
                "The release shifts this row's Notes and critical-mineral columns by one; read as intended."
            )
        kind, metric = _classify(row)
        props["metric"] = metric
        if kind == "IMPORTS_FROM":
            props["mineral"] = mineral
            props["period"] = row["Year"].strip()
            props["share"] = props.get("value")
            pending.append((line, kind, ("Country", "United States"), ("Country", country), props))
        else:
            pending.append((line, kind, ("Country", country), ("Mineral", mineral), props))
    _add_facts(rel, pending)
    _link_forms(rel)
    rel.report.loaded = rel.report.rows - len(rel.report.skipped)
    rel.report.relationships = sum(1 for r in batch.rels.values() if sid in r.props.get("sources", []))
    rel.report.minerals = len(set(rel.minerals.values()))
    rel.report.countries = len(set(rel.countries.values()))
    return rel.report


def _skip_reason(row: dict[str, str]) -> str | None:
    country = row["Country"].strip()
    if re.search(r",.*\band\b", country) and not re.match(r"(Korea|Congo)", country):
        return f"names several countries jointly ({country!r}); no share per country can be told apart"
    if not row["Commodity"].strip() or not row["Statistics"].strip():
        return "no commodity or statistic"
    return None


def _section_form(commodity: str, section: str) -> str | None:
    for (c, word), form in SECTION_FORMS.items():
        if commodity.lower() == c and word in section.lower():
            return form
    return None


def _classify(row: dict[str, str]) -> tuple[str, str]:
    """The relationship type and metric of a row: world tables by stage, US salient statistics by statistic."""
    st = row["Statistics"].strip()
    det = row["Statistics_detail"].lower()
    sec = row["Section"].lower()
    if st.startswith("Import sources"):
        return "IMPORTS_FROM", "import_share"
    if not sec.startswith("world"):
        return "HAS_METRIC", STAT_METRIC.get(st, "production" if st == "Production" else _slug(st))
    if st == "Reserves":
        return "HAS_RESERVES", "reserves"
    if st == "Capacity":
        stage = _stage(det) or ""
        return "HAS_METRIC", f"{stage}_capacity" if stage in ("refinery", "smelter") else "capacity"
    if st == "Production":
        stage = _stage(det) or _stage(sec.replace("reserves", "")) or "production"
        if stage in ("mine", "primary", "production"):
            return "PRODUCES", {"mine": "mine_production", "primary": "primary_production"}.get(stage, "production")
        return "HAS_METRIC", f"{stage}_production"
    return "HAS_METRIC", STAT_METRIC.get(st, _slug(st))


def _stage(text: str) -> str | None:
    hits = [s for s, rx in (("refinery", r"refin"), ("smelter", r"smelt"), ("mine", r"\bmine\b|\bmining\b"),
                            ("primary", r"primary"), ("plant", r"\bplant\b")) if re.search(rx, text)]  # fmt: skip
    return hits[0] if len(hits) == 1 else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _props(row: dict[str, str], notes: str, sid: str) -> dict[str, Any]:
    detail = re.sub(r"\s+", " ", row["Statistics_detail"].replace("\xa0", " ")).strip()
    rounded = detail.lower().endswith(": rounded")
    year_text = row["Year"].strip()
    years = [int(y) for y in re.findall(r"\d{4}", year_text)]
    m = re.match(r"(\d{4})[–-](\d{2})$", year_text)
    year = int(m.group(1)[:2] + m.group(2)) if m else (years[-1] if years else None)
    table = row["Other notes"].strip()
    basis = re.search(r"\(Data in [^,)]+,\s*([^)]*?),?\s*unless otherwise specified\)", table)
    props: dict[str, Any] = {
        "edition": EDITION,
        "year": year,
        "year_text": year_text if not re.fullmatch(r"\d{4}", year_text) else None,
        "statistic": row["Statistics"].strip(),
        "detail": detail,
        "statistic_detail": detail,
        "section": row["Section"].strip().rstrip(":"),
        "commodity": row["Commodity"].strip(),
        "unit": row["Unit"].strip() or None,
        "basis": basis.group(1).strip() if basis else None,
        "estimated": bool(re.match(r"estimated\b", notes, re.I)),
        "rounded": rounded or None,
        "notes": notes or None,
        "sources": [sid],
    }
    props.update(parse_value(row["Value"]))
    return props


def _add_facts(rel: _Release, pending: list[tuple[int, str, tuple[str, str], tuple[str, str], dict[str, Any]]]) -> None:
    """Write the rows; the headline row of a statistic merges with the curated fact it restates.

    A statistic with several details for one country and year (iron ore: usable ore and iron content) keeps
    them apart by detail; one with a single row (or a generic detail such as 'Mine production') is the
    headline figure, which is what the curated production.csv holds and what rankings compare.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (_, kind, a, b, p) in enumerate(pending):
        groups[(kind, a, b, p["metric"], p.get("year"), p.get("mineral"))].append(i)
    headline = set()
    for idx in groups.values():
        if len(idx) == 1:
            headline.add(idx[0])
            continue
        generic = [i for i in idx if _generic(pending[i][4]["detail"], pending[i][4]["statistic"])]
        if len(generic) == 1:
            headline.add(generic[0])
    batch = rel.batch
    for i, (_line, kind, a, b, props) in enumerate(pending):
        if kind in ("PRODUCES", "HAS_RESERVES") and i not in headline:
            kind = "HAS_METRIC"  # a part of a statistic (kaolin of clays) is not the mineral's production
        if kind == "IMPORTS_FROM" or i not in headline:
            batch.rel(kind, a, b, **props)
            continue
        props.pop("detail")
        cur = batch.rels.get((kind, a, b, (props["metric"], props["year"], EDITION, None)))
        if cur is not None:
            rel.report.merged_with_curated += 1
            _note_disagreement(rel, cur, props)
            for k in ("statistic", "statistic_detail", "section", "value_kind", "rounded"):
                cur.props.setdefault(k, props.get(k))
            if rel.sid not in cur.props.get("sources", []):
                cur.props["sources"] = cur.props.get("sources", []) + [rel.sid]
            continue
        batch.rel(kind, a, b, **props)


def _generic(detail: str, statistic: str) -> bool:
    d = re.sub(r":\s*rounded$", "", detail.lower()).strip()
    return d in {
        "mine production", "production", "reserves", "refinery production", "smelter production",
        "primary production", "production, mine", "production: mine", "production, all forms",
        "net import reliance as a percentage of apparent consumption", "imports for consumption", "total",
        "refinery capacity", "smelter capacity", "capacity", "production capacity", "total imports", "all",
    } or d == statistic.lower()  # fmt: skip


def _note_disagreement(rel: _Release, cur: RelRecord, props: dict[str, Any]) -> None:
    """Curated and release figures for one fact that differ: both kept, and the note says why they may differ."""
    same_value = cur.props.get("value") == props.get("value") and (
        (cur.props.get("value_text") or "") == (props.get("value_text") or "") or props.get("value_kind") == "zero"
    )
    if same_value:
        return
    rel.report.disagreements += 1
    number = props.get("value")
    stated = props.get("value_text") or (
        f"{number:,.0f}" if isinstance(number, float) and number.is_integer() else number
    )
    why = (
        f"The data release states {stated} {props.get('unit') or ''} for this figure; the curated value comes from "
        "the chapter text (production.csv), which USGS revised after the release (v1.1-v1.3 of the chapter). "
        "The curated value is kept."
    ).replace("  ", " ")
    cur.props["notes"] = ((cur.props.get("notes") or "") + " -- " + why).strip(" -")
    cur.props["release_value_text"] = str(stated)


def _link_forms(rel: _Release) -> None:
    """Forms to their element (FORM_OF) and members to their group (MEMBER_OF), where both are in the graph."""
    names = set(rel.minerals.values())
    for form, element in FORMS.items():
        if form in names:
            rel.batch.rel("FORM_OF", ("Mineral", form), ("Mineral", rel.element(element)), sources=[rel.sid])
    for group, members in MEMBERS.items():
        if group not in names:
            continue
        for m in members:
            if m in names:
                rel.batch.rel("MEMBER_OF", ("Mineral", m), ("Mineral", group), sources=[rel.sid])
    # curated facts about a form ('Gallium (primary low-purity)') move onto the form's node
    for key, rec in list(rel.batch.rels.items()):
        form = str(rec.props.get("commodity") or "")
        if rec.end[0] == "Mineral" and form in FORMS and form in names and rec.end[1] != form:
            del rel.batch.rels[key]
            moved = RelRecord(rec.type, rec.start, ("Mineral", form), rec.props)
            cur = rel.batch.rels.get(moved.identity())
            if cur is None:
                rel.batch.rels[moved.identity()] = moved
            else:
                for sid in rec.props.get("sources", []):
                    if sid not in cur.props.get("sources", []):
                        cur.props.setdefault("sources", []).append(sid)
                for k, v in rec.props.items():
                    cur.props.setdefault(k, v)
