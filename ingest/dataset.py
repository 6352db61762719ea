"""The starter dataset (data/dataset/*.csv) turned into ontology nodes and relationships.

Semi-structured cells become real relationships: event participants, policies' covered
minerals and targets, companies' stages, assets and deals, minerals' applications. Every
node and relationship carries the ids of the Source rows it came from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import IngestError
from graph.resolve import COMMON_WORDS, EntityIndex
from graph.text import (
    duration_minutes,
    latest_date,
    norm_key,
    parse_date,
    parse_number,
    source_id,
    split_top,
    strip_parens,
)
from ingest.batch import GraphBatch
from ingest.csvfiles import ORDER, read_csv
from ingest.usgs import ReleaseReport, load_release
from ingest.vocab import APPLICATION_ALIASES, APPLICATIONS, STAGES, match_vocab, policy_category, policy_status

ORG_LABELS = ("Company", "Organization")
PARTY_LABELS = ("Official", "Company", "Organization")
EDITION_RE = re.compile(r"(?:Mineral Commodity Summaries|MCS)\s*(\d{4})", re.I)


@dataclass
class Dataset:
    batch: GraphBatch
    index: EntityIndex
    files: list[Path]
    release: ReleaseReport | None = None


class _Ctx:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.batch = GraphBatch()
        self.index = EntityIndex()
        self.file = ""
        self.line = 0
        self.regions: dict[str, str] = {}  # region key -> country
        self.capitals: dict[str, str] = {}
        self.ree: list[str] = []  # the rare earth elements, for "all 17 rare earths"

    def err(self, msg: str, column: str = "") -> IngestError:
        return IngestError(msg, file=self.file, line=self.line, column=column)

    def source(self, title: str, url: str) -> str:
        urls = [u.strip() for u in re.split(r"\s+;\s+|\s*;\s*(?=https?://)", url or "") if u.strip()]
        sid = source_id(title, url or "")
        first = urls[0].split()[0] if urls else ""
        self.batch.node(
            "Source",
            sid,
            title=title.strip(),
            name=_short_title(title),
            url=first,
            urls=[u.split()[0] for u in urls],
            date=latest_date(title),
            kind="dataset",
        )
        return sid

    def country(self, text: str, column: str) -> tuple[str, str]:
        ent = self.index.resolve(text, ("Country",))
        if ent is None:
            raise self.err(f"unknown country {text!r}; add it to countries.csv (or an alias of it)", column)
        return ("Country", ent.name)

    def mentions(self, text: str, labels: tuple[str, ...]) -> list[tuple[str, str]]:
        seen: dict[tuple[str, str], None] = {}
        for m in self.index.find_mentions(text, labels):
            seen[(m.entity.label, m.entity.name)] = None
        return list(seen)


def load(directory: Path, release: Path | None = None) -> Dataset:
    """Read and validate every file of a dataset directory (and the USGS data release, when given) before any write.

    The release is read into the same batch, after the curated facts, so a release row that restates a
    curated fact merges with it, and its countries reuse the dataset's (with their aliases and demonyms).
    """
    if not directory.is_dir():
        raise IngestError(f"dataset directory not found: {directory}")
    ctx = _Ctx(directory)
    files = []
    for name in ORDER:
        path = directory / name
        if not path.exists():
            raise IngestError(
                f"missing dataset file {name}; a dataset directory holds {', '.join(ORDER)}", file=str(path)
            )
        files.append(path)
    steps = {
        "countries.csv": _countries,
        "entities.csv": _entities,
        "minerals.csv": _minerals,
        "companies.csv": _companies_names,
        "officials.csv": _officials_names,
        "aliases.csv": _aliases,
    }
    rows = {p.name: read_csv(p) for p in files}
    # Names first (so every reference can be resolved), then the facts.
    for name in ("countries.csv", "entities.csv", "minerals.csv", "companies.csv", "officials.csv", "aliases.csv"):
        ctx.file = str(directory / name)
        for ctx.line, row in rows[name]:
            steps[name](ctx, row)
    _surname_aliases(ctx)
    for name, fn in (
        ("minerals.csv", _mineral_facts),
        ("companies.csv", _company_facts),
        ("officials.csv", _official_facts),
        ("production.csv", _production),
        ("policies.csv", _policies),
        ("events.csv", _events),
    ):
        ctx.file = str(directory / name)
        for ctx.line, row in rows[name]:
            fn(ctx, row)
    report = load_release(ctx.batch, ctx.index, release) if release is not None else None
    _mark_latest(ctx.batch)
    _link_events_to_policies(ctx.batch)
    _propagate_sources(ctx.batch)
    return Dataset(ctx.batch, ctx.index, files + ([release] if release is not None else []), report)


def _propagate_sources(batch: GraphBatch) -> None:
    """A node named only in reference tables (a country, a stage) cites the sources of the facts it takes part in."""
    cited: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rec in batch.rels.values():
        for end in (rec.start, rec.end):
            for sid in rec.props.get("sources", []):
                if sid not in cited[end]:
                    cited[end].append(sid)
    for ref in list(batch.nodes):
        props = batch.nodes[ref]
        if ref[0] != "Source" and not props.get("sources"):
            props["sources"] = cited.get(ref, [])[:50]
            if not props["sources"]:  # a reference-table row no fact uses (e.g. a country only named as a region)
                del batch.nodes[ref]


# -- names -----------------------------------------------------------------------------------
def _surname_aliases(ctx: _Ctx) -> None:
    """'Rubio' names Marco Rubio when no other person in the dataset has that surname."""
    people = [e.name for e in ctx.index.entities("Official")]
    last = defaultdict(list)
    for n in people:
        if " " in n:
            last[n.split()[-1]].append(n)
    for surname, names in last.items():
        if len(names) == 1 and len(surname) >= 4 and surname.lower() not in COMMON_WORDS:
            ctx.index.add("Official", names[0], [surname])


def _split(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def _countries(ctx: _Ctx, row: dict[str, str]) -> None:
    aliases = _split(row["aliases"])
    ctx.batch.node(
        "Country",
        row["name"],
        name=row["name"],
        kind=row["kind"],
        aliases=aliases,
        demonym=row["demonym"] or None,
        capital=row["capital"] or None,
    )
    ctx.index.add("Country", row["name"], aliases + ([row["demonym"]] if row["demonym"] else []))
    for r in _split(row["regions"]):
        ctx.regions[norm_key(r)] = row["name"]
        ctx.index.add("Region", r)
    for c in _split(row["capital"]):
        ctx.capitals[norm_key(c)] = row["name"]
        ctx.regions[norm_key(c)] = row["name"]
        ctx.index.add("Region", c)


def _entities(ctx: _Ctx, row: dict[str, str]) -> None:
    label = row["label"]
    if label not in ("Company", "Organization", "Official"):
        raise ctx.err(f"expected Company, Organization or Official, got {label!r}", "label")
    sid = ctx.source(row["source"], row["source_url"]) if row["source"] else None
    aliases = _split(row["aliases"])
    ref = ctx.batch.node(label, row["name"], name=row["name"], aliases=aliases, kind=row["kind"] or None,
                         sources=[sid] if sid else [])  # fmt: skip
    ctx.index.add(label, row["name"], aliases)
    if row["country"]:
        country = ctx.country(row["country"], "country")
        rel = "PART_OF" if label == "Organization" and row["kind"] == "government agency" else None
        if rel:
            ctx.batch.rel(rel, ref, country, sources=[sid] if sid else [])


def _minerals(ctx: _Ctx, row: dict[str, str]) -> None:
    name = strip_parens(row["name"])
    extra = re.findall(r"\(([^)]*)\)", row["name"])
    try:
        z = int(row["atomic_number"])
    except ValueError:
        raise ctx.err(f"expected an integer atomic number, got {row['atomic_number']!r}", "atomic_number") from None
    cls_text = row["classification_as_stated"]
    cls = next((c for c in ("light", "heavy", "neither") if cls_text.lower().startswith(c)), None)
    ctx.batch.node(
        "Mineral",
        name,
        name=name,
        symbol=row["symbol"],
        atomic_number=z,
        group=row["group"],
        classification=cls,
        classification_as_stated=cls_text if cls_text.lower() != "n/a" else None,
        china_export_control_status=row["china_export_control_status"] or None,
        aliases=[row["symbol"], *extra],
    )
    ctx.index.add("Mineral", name, [row["symbol"], *extra] if len(row["symbol"]) > 1 else extra)
    if row["group"] == "rare earth element":
        ctx.ree.append(name)


def _companies_names(ctx: _Ctx, row: dict[str, str]) -> None:
    name, aliases = _name_and_aliases(row["company"])
    ctx.batch.node("Company", name, name=name, aliases=aliases)
    ctx.index.add("Company", name, aliases)


def _officials_names(ctx: _Ctx, row: dict[str, str]) -> None:
    ctx.batch.node("Official", row["name"], name=row["name"])
    ctx.index.add("Official", row["name"])


def _aliases(ctx: _Ctx, row: dict[str, str]) -> None:
    ent = ctx.index.resolve(row["name"], (row["label"],))
    if ent is None:
        if row["label"] == "Mineral" and row["name"].startswith("Rare earths"):
            ctx.batch.node("Mineral", row["name"], name=row["name"], group="group")
            ctx.index.add("Mineral", row["name"])
            ent = ctx.index.resolve(row["name"], ("Mineral",))
        if ent is None:
            raise ctx.err(f"unknown {row['label']} {row['name']!r}; aliases must name an existing entity", "name")
    ctx.batch.node(ent.label, ent.name, aliases=[row["alias"]])
    ctx.index.add(ent.label, ent.name, [row["alias"]])


def _name_and_aliases(cell: str) -> tuple[str, list[str]]:
    """'USA Rare Earth (USAR)' -> ('USA Rare Earth', ['USAR']); 'Carester / Caremag' -> ('Carester', ['Caremag'])."""
    parts = [p.strip() for p in strip_parens(cell).split(" / ")]
    aliases = parts[1:]
    for inner in re.findall(r"\(([^)]*)\)", cell):
        inner = re.sub(r"^(formerly|aka|also)\s+", "", inner.strip(), flags=re.I)
        if inner.lower() not in ("group",):
            aliases.append(inner)
    name = parts[0]
    if "(Group)" in cell and name.startswith("China Northern"):
        name = "China Northern Rare Earth"
    return name, [a for a in aliases if a and a != name]


def _short_title(title: str) -> str:
    t = title.strip()
    return t if len(t) <= 90 else t[:87] + "..."


# -- facts -----------------------------------------------------------------------------------
def _mineral_facts(ctx: _Ctx, row: dict[str, str]) -> None:
    name = strip_parens(row["name"])
    ref = ("Mineral", name)
    src_sym = (
        ctx.source(row["symbol_number_source"], _urls_in(row["symbol_number_source"]))
        if row["symbol_number_source"]
        else None
    )
    src_cls = (
        ctx.source(row["classification_source"], _urls_in(row["classification_source"]))
        if row["classification_source"]
        else None
    )
    ctx.batch.node("Mineral", name, sources=[s for s in (src_sym, src_cls) if s])
    if row["group"] == "rare earth element":
        group = ctx.batch.node("Mineral", "Rare earths", name="Rare earths", group="group")
        ctx.batch.rel("MEMBER_OF", ref, group, sources=[s for s in (src_cls,) if s])
        if (row["classification_as_stated"] or "").lower().startswith("heavy"):
            heavy = ctx.batch.node("Mineral", "Rare earths (heavy)", name="Rare earths (heavy)", group="group")
            ctx.batch.rel("MEMBER_OF", ref, heavy, sources=[s for s in (src_cls,) if s])
    if row["key_applications"]:
        src = (
            ctx.source(row["applications_source"], _urls_in(row["applications_source"]))
            if row["applications_source"]
            else None
        )
        for seg in split_top(row["key_applications"], ";"):
            apps = match_vocab(seg, APPLICATIONS) or [_clean_app(seg)]
            for app in apps:
                a = ctx.batch.node("Application", app, name=app, aliases=APPLICATION_ALIASES.get(app, []),
                                   sources=[src] if src else [])  # fmt: skip
                ctx.batch.rel("USED_IN", ref, a, detail=seg, sources=[src] if src else [])


def _urls_in(text: str) -> str:
    return " ; ".join(re.findall(r"<(https?://[^>]+)>", text))


def _clean_app(seg: str) -> str:
    seg = strip_parens(seg)
    return (seg[:1].upper() + seg[1:])[:60].strip(" ,.")


def _company_facts(ctx: _Ctx, row: dict[str, str]) -> None:
    name, _ = _name_and_aliases(row["company"])
    ref = ("Company", name)
    sid = ctx.source(row["source"], row["source_url"])
    src = [sid]
    ctx.batch.node(
        "Company",
        name,
        ownership_type=row["ownership_type"] or None,
        hq_city=row["hq_city"] or None,
        key_figures=row["key_figures_with_year"] or None,
        sources=src,
    )
    if row["hq_country"]:
        ctx.batch.rel("HEADQUARTERED_IN", ref, ctx.country(row["hq_country"], "hq_country"),
                      city=row["hq_city"] or None, sources=src)  # fmt: skip
    hq_country = row["hq_country"]
    for seg in split_top(row["stages"], ";"):
        for stage in match_vocab(seg, STAGES):
            s = ctx.batch.node("Stage", stage, name=stage)
            ctx.batch.rel("ACTIVE_IN", ref, s, detail=seg, sources=src)
    for seg in split_top(row["key_assets"], ";"):
        _facility(ctx, ref, seg, hq_country, src)
    for seg in split_top(row["notable_relations"], ";"):
        _deal(ctx, ref, row, seg, src)


FACILITY_WORDS = re.compile(
    r"\b(mine|mines|plant|refinery|mill|facility|deposit|project|site|base|line|circuit)\b", re.I
)


def _facility(ctx: _Ctx, company: tuple[str, str], seg: str, hq_country: str, src: list[str]) -> None:
    head = strip_parens(seg)
    head = re.split(r"\s+(?:using|with|since|under)\s+|:", head)[0].strip(" ,;")
    m = FACILITY_WORDS.search(head)
    if not m or len(head) > 90 or not re.search(r"\b[A-Z0-9][A-Za-z0-9]", head):
        return
    status = "planned" if re.match(r"(planned|new)\b", head, re.I) else None
    name = re.sub(r"^(planned|new|existing)\s+", "", head, flags=re.I).replace('"', "").strip()
    low = seg.lower()
    kind = (
        "magnet plant" if "magnet" in low
        else "mine" if re.search(r"\bmine\b|deposit|mining", low)
        else "separation plant" if re.search(r"separation|refin|processing|cracking", low)
        else "recycling" if "recycl" in low
        else "site"
    )  # fmt: skip
    prefix = name[: m.start()].strip(" ,") if m.start() < len(name) else ""
    ok = len(prefix) >= 3 and prefix[:1].isupper() and norm_key(prefix) not in COMMON_WORDS and prefix != name
    aliases = [prefix] if ok else []
    # "Eneabba rare earths refinery", "Kalgoorlie Rare Earths Processing Facility", "Narva, Estonia ... plant": the
    # place name alone names the facility when the rest of the prefix is generic words or a location.
    first, _, rest = prefix.partition(" ")
    generic = {"rare", "earths", "earth", "processing", "ree", "light", "heavy", "magnet", "magnetics", "separation"}
    if (
        first[:1].isupper()
        and len(first.strip(",")) >= 4
        and (first.endswith(",") or all(w.lower().strip("-") in generic for w in rest.split()))
    ):
        aliases.append(first.strip(","))
    # Two companies' rows may name one facility with different punctuation ("Wagerup, WA" / "Wagerup WA"): one node.
    same = ctx.index.resolve(name, ("Facility",))
    name = same.name if same else name
    ref = ctx.batch.node("Facility", name, name=name, kind=kind, location=_paren(seg), description=seg,
                         aliases=aliases, status=status, sources=src)  # fmt: skip
    ctx.index.add("Facility", name, aliases)
    ctx.batch.rel("OPERATES", company, ref, sources=src)
    country = _locate(ctx, seg) or hq_country
    if country:
        ctx.batch.rel("LOCATED_IN", ref, ("Country", country), sources=src)


def _paren(seg: str) -> str | None:
    m = re.search(r"\(([^)]*)\)", seg)
    return m.group(1) if m else None


def _locate(ctx: _Ctx, text: str) -> str | None:
    for m in ctx.index.find_mentions(text, ("Country", "Region")):
        if m.entity.label == "Country":
            return m.entity.name
        return ctx.regions.get(norm_key(m.entity.name))
    return None


SUPPLY = re.compile(r"suppl|offtake|buy|bought|sells|sold|customer|distributor|feed|purchas|shipments", re.I)
INVEST = re.compile(
    r"loan|equity|invest|financ|funding|fund\b|stake|preferred|warrant|grant|award|contract|\$|A\$|EUR|debt", re.I
)
PARTNER = re.compile(r"\bJV\b|joint venture|partner", re.I)
FROM = re.compile(r"\bfrom\s+$", re.I)
CLAUSE = re.compile(r"\s\+\s")


def _deal(ctx: _Ctx, subject: tuple[str, str], row: dict[str, str], seg: str, src: list[str]) -> None:
    """Company relations from a 'notable relations' segment; direction from the words around each name."""
    investor_subject = bool(
        re.search(r"government agency|state investor|financier", row["ownership_type"] + row["stages"], re.I)
    )
    for m in ctx.index.find_mentions(seg, ("Company", "Organization", "Country")):
        other = (m.entity.label, m.entity.name)
        if other == subject or (other[0] == "Country" and not re.search(r"govt|government|state", seg, re.I)):
            continue
        before, after = seg[: m.start].lower(), seg[m.end :].lower()
        # 'JOGMEC & Iwatani up to EUR110M + long-term offtake to Japan': the '+' clause naming a party
        # says what that party does, even when another clause of the deal is a supply
        start = max((c.end() for c in CLAUSE.finditer(seg, 0, m.start)), default=0)
        end = next((c.start() for c in CLAUSE.finditer(seg, m.end)), len(seg))
        clause = seg[start:end]
        if re.search(r"\bwith\s+$", before):
            if other[0] != "Country":
                ctx.batch.rel("PARTNERS_WITH", subject, other, detail=seg, sources=src)
            continue
        if SUPPLY.search(seg) and other[0] != "Country":
            if re.search(r"(from|distributor of)\s+(\S+\s+){0,2}$", before[-40:]) or re.match(r"\s*offtake", after):
                ctx.batch.rel("SUPPLIES", other, subject, detail=seg, sources=src)
            elif other[0] == "Company" or "offtake" in seg.lower():
                ctx.batch.rel("SUPPLIES", subject, other, detail=seg, sources=src)
        financed_other = re.search(r"(financing|investment|loan|stake) (of|in|to)\s+$", before[-30:])
        if INVEST.search(seg) and subject[0] == "Company" and not financed_other:
            if investor_subject and other[0] == "Company":
                ctx.batch.rel("INVESTS_IN", subject, other, detail=seg, sources=src)
            elif other[0] in ("Organization", "Country") or (
                other[0] == "Company"
                and not SUPPLY.search(clause)
                and re.search(
                    r"\$|equity|stake|invest|EUR|A\$", clause[m.end - start :][:60] + clause[: m.start - start][-60:]
                )
            ):
                ctx.batch.rel("INVESTS_IN", other, subject, detail=seg, sources=src)
        if PARTNER.search(seg) and other[0] in ORG_LABELS and subject[0] in ORG_LABELS:
            ctx.batch.rel("PARTNERS_WITH", subject, other, detail=seg, sources=src)


def _official_facts(ctx: _Ctx, row: dict[str, str]) -> None:
    ref = ("Official", row["name"])
    sid = ctx.source(row["source"], row["source_url"])
    country = row["country"]
    target = None
    ent = ctx.index.resolve(country, ("Country", "Organization"))
    if ent is None:
        raise ctx.err(
            f"unknown country or organisation {country!r}; add it to countries.csv or entities.csv", "country"
        )
    ctx.batch.node("Official", row["name"], person_type=row["person_type"] or None, country=ent.name,
                   notes=row["notes"] or None, sources=[sid])  # fmt: skip
    if row["person_type"] == "company":
        hits = ctx.mentions(row["role"], ("Company",))
        target = hits[0] if hits else None
    if target is None:
        target = (ent.label, ent.name)
    roles = [r.strip() for r in re.split(r";\s*then\s+", row["role"])]
    for i, role in enumerate(roles):
        props: dict[str, Any] = {"role": role, "sources": [sid]}
        if i == 0:
            props.update(start_date=parse_date(row["start_date"]), start_text=row["start_date"] or None,
                         end_date=parse_date(row["end_date"]), end_text=row["end_date"] or None)  # fmt: skip
            if len(roles) > 1 and not row["end_date"]:
                props.pop("end_date")
        else:
            m = re.search(r"from\s+(\d{4}-\d{2}-\d{2})", row["notes"])
            if m:
                props.update(start_date=m.group(1), start_text=f"from {m.group(1)} (notes)")
        for k in ("start_date", "end_date"):
            v = props.get(k)
            if row.get(k) and not v:
                raise ctx.err(f"expected a date such as 2025-01-28, got {row[k]!r}", k)
        ctx.batch.rel("HOLDS_OFFICE", ref, target, **props)


def _production(ctx: _Ctx, row: dict[str, str]) -> None:
    sid = ctx.source(row["source"], row["source_url"])
    commodity = (
        strip_parens(row["commodity"]) if not row["commodity"].startswith("Rare earths (heavy)") else row["commodity"]
    )
    mineral = ctx.index.resolve(commodity, ("Mineral",)) or ctx.index.resolve(row["commodity"], ("Mineral",))
    if mineral is None:
        raise ctx.err(
            f"unknown commodity {row['commodity']!r}; expected a mineral of minerals.csv or a group", "commodity"
        )
    country = ctx.country(row["country"], "country")
    try:
        value, value_text = parse_number(row["value"])
    except ValueError as e:
        raise ctx.err(str(e), "value") from None
    m = re.match(r"(\d{4})", row["year"]) or re.search(r"(\d{4})\D*$", row["year"])
    if not m:
        raise ctx.err(f"expected a year such as 2025, got {row['year']!r}", "year")
    year = int(re.findall(r"\d{4}", row["year"])[-1]) if "-" in row["year"][:9] else int(m.group(1))
    ed = EDITION_RE.search(row["year"]) or EDITION_RE.search(row["source"])
    edition = f"MCS {ed.group(1)}" if ed else _short_title(row["source"])
    metric = row["metric"]
    rel = (
        "PRODUCES"
        if metric in ("mine_production", "production", "primary_production")
        else ("HAS_RESERVES" if metric == "reserves" else "HAS_METRIC")
    )
    props: dict[str, Any] = dict(
        metric=metric, year=year, edition=edition, value=value, value_text=value_text,
        year_text=row["year"] if not re.fullmatch(r"\d{4}", row["year"]) else None,
        unit=row["unit"] or None, basis=row["basis"] or None, estimated=row["estimate_flag"] == "estimated",
        notes=row["notes"] or None, commodity=row["commodity"], sources=[sid],
    )  # fmt: skip
    ctx.batch.rel(rel, country, ("Mineral", mineral.name), **props)


def _mark_latest(batch: GraphBatch) -> None:
    """Flag the newest edition's figure for each country, mineral, metric and year."""
    groups: dict[tuple, list] = defaultdict(list)
    for rec in batch.rels.values():
        if rec.type in ("PRODUCES", "HAS_RESERVES", "HAS_METRIC"):
            key = (
                rec.type,
                rec.start,
                rec.end,
                rec.props.get("metric"),
                rec.props.get("year"),
                rec.props.get("detail"),
            )
            groups[key].append(rec)
    for recs in groups.values():
        recs.sort(key=lambda r: str(r.props.get("edition")), reverse=True)
        for i, rec in enumerate(recs):
            rec.props["latest"] = i == 0


def _policies(ctx: _Ctx, row: dict[str, str]) -> None:
    sid = ctx.source(row["source"], row["source_url"])
    src = [sid]
    announced = parse_date(row["date_announced"])
    if not announced:
        raise ctx.err(f"expected a date such as 2025-04-04 or 2025-04, got {row['date_announced']!r}", "date_announced")
    status, until = policy_status(row["status"])
    pid = row["policy_id"]
    numbers = re.search(r"Announcements? No\.?\s*([\d, ]+)", row["enacting_body"])
    aliases = [f"Announcement No. {n}" for n in re.findall(r"\d+", numbers.group(1))] if numbers else []
    ref = ctx.batch.node(
        "Policy",
        pid,
        name=_policy_name(row),
        aliases=aliases,
        policy_type=row["policy_type"],
        category=policy_category(row["policy_type"]),
        date_announced=announced,
        date_effective=parse_date(row["date_effective"]),
        date_text=row["date_announced"],
        effective_text=row["date_effective"] or None,
        enacting_body=row["enacting_body"] or None,
        scope=row["target_country"] or None,
        minerals_text=row["minerals_covered"] or None,
        description=row["description"] or None,
        status=status,
        status_text=row["status"] or None,
        suspended_until=until,
        sources=src,
    )
    enacting = [ctx.country(c, "enacting_country") for c in _split(row["enacting_country"])]
    for c in enacting:
        ctx.batch.rel("ENACTED", c, ref, sources=src)
    for org in ctx.mentions(row["enacting_body"], ("Organization",)):
        ctx.batch.rel("ENACTED", org, ref, sources=src)
    target = row["target_country"]
    if re.search(r"each other", target, re.I):
        for c in enacting:
            ctx.batch.rel("TARGETS", ref, c, sources=src)
    else:
        for c in ctx.mentions(strip_parens(target) if "incl." not in target else target, ("Country",)):
            if c not in enacting:
                ctx.batch.rel("TARGETS", ref, c, sources=src)
    for co in ctx.mentions(" ".join([row["enacting_body"], target, row["description"]]), ORG_LABELS):
        if co[0] == "Company" or co not in ctx.mentions(row["enacting_body"], ("Organization",)):
            ctx.batch.rel("INVOLVES", ref, co, sources=src)
    for mineral in covered_minerals(ctx.index, row["minerals_covered"], ctx.ree):
        ctx.batch.rel("COVERS", ref, ("Mineral", mineral), sources=src)


def _policy_name(row: dict[str, str]) -> str:
    quoted = re.search(r"[\"“]([^\"”]{8,})[\"”]", row["enacting_body"])
    act = re.search(r"([A-Z][A-Za-z ]+ (?:Act|Regulation|Law))\)?$", row["enacting_body"].rstrip(")"))
    if act and not quoted:
        return act.group(1).strip()
    if quoted:
        return quoted.group(1)
    ann = re.search(r"Announcements? No\.?\s*([\d, ]+?)(?: of (\d{4}))?\)?$", row["enacting_body"].rstrip(")"))
    body = strip_parens(row["enacting_body"]) or row["enacting_country"]
    if ann:
        return f"{body.split('(')[0].strip()} Announcement No. {ann.group(1).strip()}" + (
            f" of {ann.group(2)}" if ann.group(2) else ""
        )
    paren = re.search(
        r"\(([^)]*(?:Act|Regulation|Order|EO|Executive Order|framework|Joint Statement)[^)]*)\)", row["enacting_body"]
    )
    if paren:
        return paren.group(1)
    return f"{row['policy_type'][:1].upper()}{row['policy_type'][1:]}: {body} ({row['date_announced'].split(' ')[0]})"


SYMBOL_PAIR = re.compile(r"\b((?:[A-Z][a-z]?){2,4})\b")


def covered_minerals(index: EntityIndex, text: str, members: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Minerals a free-text cell names: element names, 'NdPr', 'Dy/Tb', 'all 17 rare earths', 'rare earths'."""
    found: dict[str, None] = {}
    if not text:
        return []
    if re.search(r"all (17 )?rare earths", text, re.I):
        found.update(dict.fromkeys(members))
    for m in index.find_mentions(text, ("Mineral",)):
        found[m.entity.name] = None
    for tok in re.findall(r"\b[A-Z][a-z]?(?:[A-Z][a-z]?)+\b", text):  # NdPr, NdFeB
        parts = re.findall(r"[A-Z][a-z]?", tok)
        ents = [index.resolve(p, ("Mineral",)) for p in parts]
        for p, e in zip(parts, ents):
            if e and len(p) == 2:
                found[e.name] = None
    for tok in re.findall(r"\b([A-Z][a-z]?(?:/[A-Z][a-z]?)+)\b", text):  # Dy/Tb
        for p in tok.split("/"):
            e = index.resolve(p, ("Mineral",))
            if e:
                found[e.name] = None
    if re.search(r"all (17 )?rare earths", text, re.I):
        found["Rare earths"] = None
    return list(found)


def _events(ctx: _Ctx, row: dict[str, str]) -> None:
    sid = ctx.source(row["source"], row["source_url"])
    src = [sid]
    date = parse_date(row["date"])
    if not date:
        raise ctx.err(f"expected a date such as 2025-05-29, got {row['date']!r}", "date")
    end = None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})/(\d{2})$", row["date"])
    if m:
        end = f"{m.group(1)}-{m.group(2)}-{m.group(4)}"
    parties = _participants(ctx, row["participants"])
    names = [p[1] for p, _ in parties]
    etype = row["event_type"]
    title = (
        f"{strip_parens(etype).capitalize()}: {' – '.join(names[:4])}{' and others' if len(names) > 4 else ''} ({date})"
    )
    ref = ctx.batch.node(
        "Event", row["event_id"], name=title, event_type=etype, date=date, end_date=end,
        location=row["location"] or None, duration=row["duration"] or None,
        duration_minutes=duration_minutes(row["duration"]), topics=row["topics"] or None,
        description=row["description"] or None, date_confidence=row["date_confidence"] or None, sources=src,
    )  # fmt: skip
    for party, note in parties:
        ctx.batch.rel("PARTICIPATED_IN", party, ref, note=note, sources=src)
    for c in _split(row["countries"]):
        ctx.batch.rel("PARTICIPATED_IN", ctx.country(c, "countries"), ref, sources=src)


def _participants(ctx: _Ctx, cell: str) -> list[tuple[tuple[str, str], str | None]]:
    """'Xi Jinping (with Bessent, Rubio; He Lifeng)' -> each person, resolving surnames and adding new people."""
    out: dict[tuple[str, str], str | None] = {}
    pieces = re.split(r"[;,()]", cell)
    last: tuple[str, str] | None = None
    for piece in pieces:
        text = re.sub(r"^\s*(with|and)\s+", "", piece).strip()
        if not text:
            continue
        ent = ctx.index.resolve(text, PARTY_LABELS) or ctx.index.resolve(text, ("Country",))
        if ent is None:
            hits = ctx.index.find_mentions(text, PARTY_LABELS)
            ent = hits[0].entity if hits else None
            note = text if hits else None
        else:
            note = None
        if ent is not None and ent.label != "Country":
            last = (ent.label, ent.name)
            out.setdefault(last, note if note and note != ent.name else None)
            continue
        if ent is not None:  # a country named in passing: "(Malaysia)"
            continue
        if re.fullmatch(r"(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){1,2}", text) and norm_key(text) not in COMMON_WORDS:
            ctx.batch.node("Official", text, name=text)
            ctx.index.add("Official", text)
            last = ("Official", text)
            out.setdefault(last, None)
        elif last is not None:
            prev = out[last]
            out[last] = f"{prev}; {text}" if prev else text
    return list(out.items())


def _link_events_to_policies(batch: GraphBatch) -> None:
    """A signing event and a policy announced the same day by the same countries: RESULTED_IN."""
    countries_of: dict[tuple[str, str], set] = defaultdict(set)
    for rec in batch.rels.values():
        if rec.type == "PARTICIPATED_IN" and rec.start[0] == "Country":
            countries_of[rec.end].add(rec.start)
        if rec.type == "ENACTED" and rec.start[0] == "Country":
            countries_of[rec.end].add(rec.start)
    events = [(ref, p) for ref, p in batch.nodes.items() if ref[0] == "Event"]
    for pref, pp in [(r, p) for r, p in batch.nodes.items() if r[0] == "Policy"]:
        for eref, ep in events:
            if (
                ep.get("date")
                and ep.get("date") == pp.get("date_announced")
                and re.search(r"sign|agreement|summit|negotiation", ep.get("event_type", ""), re.I)
            ):
                shared = countries_of[eref] & countries_of[pref]
                if len(shared) >= 2:
                    batch.rel("RESULTED_IN", eref, pref, sources=ep.get("sources", []))
