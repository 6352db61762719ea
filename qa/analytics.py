"""Supply-risk measures over the store: concentration, US exposure and chokepoints, per commodity, year and stage.

One module behind the CLI (`rekg analytics`), the chat (qa/intents/supply.py) and the Supply-risk page, so
the three give the same numbers. Each measure reads the graph with Cypher that both engines run and
computes the arithmetic here; results are cached per store until its relationship count changes (an ingest).

Definitions (docs/SUPPLY_RISK.md):
- share_i = production of country i / world total (the release's "World total"; when it states none that is
  a number, the sum of the listed countries and "Other countries"), in percent;
- HHI = sum over countries of share_i squared (0-10,000), over the listed countries only ("Other countries" is
  an aggregate, not a country, so the HHI is a lower bound when it is large);
- net import reliance as the release states it (imports - exports, adjusted for stocks, as a percent of apparent
  consumption); import shares as the release's "Import sources 2021-24".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.store import GraphStore

EDITION = "MCS 2026"
RELEASE_TITLE = "USGS Mineral Commodity Summaries 2026 Data Release"
# stage -> (relationship type, metrics)
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "mine": ("PRODUCES", ("mine_production", "primary_production", "production")),
    "refinery": ("HAS_METRIC", ("refinery_production",)),
    "smelter": ("HAS_METRIC", ("smelter_production",)),
    "reserves": ("HAS_RESERVES", ("reserves",)),
}
EXACT = ("number", "zero", "lower_bound")  # value kinds whose number may enter a share (a '>N' as its bound)
_CACHE: dict[tuple[int, str, tuple[Any, ...]], Any] = {}


@dataclass
class Concentration:
    """How concentrated one commodity's output is among countries in one year and stage."""

    mineral: str
    year: int
    stage: str
    unit: str | None
    world_total: float | None
    world_total_as_stated: str | None
    denominator: str  # "world total" or "sum of listed countries"
    top_country: str | None
    top_share: float | None
    top3_share: float | None
    hhi: float | None
    china_share: float | None
    countries: int
    critical: bool | None
    edition: str = EDITION
    withheld: list[str] = field(default_factory=list)  # countries whose figure is W, NA or a '<N' bound
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Exposure:
    """A country's exposure for one commodity: net import reliance and where its imports come from."""

    mineral: str
    country: str
    year: int | None
    net_import_reliance: float | None
    reliance_as_stated: str | None
    import_detail: str | None
    period: str | None
    top_source: str | None
    top_source_share: float | None
    china_import_share: float | None
    critical: bool | None
    edition: str = EDITION
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Chokepoint:
    """A commodity where one country holds at least half of world output and has an export control covering it."""

    mineral: str
    year: int
    stage: str
    country: str
    share: float
    policies: list[str]
    policy_status: list[str]
    edition: str = EDITION
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _signature(store: GraphStore) -> str:
    rows = store.run("MATCH ()-[r]->() RETURN count(r) AS n")
    return f"{getattr(store, 'backend', '')}:{rows[0]['n'] if rows else 0}"


def _cached(store: GraphStore, name: str, args: tuple[Any, ...], fn: Any) -> Any:
    """Results per store and ingest: the key holds the relationship count, which every ingest changes."""
    key = (id(store), name + "|" + _signature(store), args)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = fn()
    return _CACHE[key]


def _pct(x: float) -> float:
    return round(x, 1)


def concentration(
    store: GraphStore, *, year: int | None = None, stage: str = "mine", minerals: list[str] | None = None
) -> list[Concentration]:
    """Top producer and share, top-3 share, HHI and China's share per commodity (latest year unless `year`)."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}")
    return list(_cached(store, "concentration", (year, stage, tuple(minerals or ())),
                        lambda: _concentration(store, year, stage, minerals)))  # fmt: skip


def concentration_rows(store: GraphStore, stage: str, minerals: list[str] | None = None) -> list[dict[str, Any]]:
    """The headline production figures of every country and aggregate for the stage (one query, both engines)."""
    rel, metrics = STAGES[stage]
    return store.run(
        f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE r.metric IN $metrics AND r.latest = true "
        "AND coalesce(r.detail, '') = '' AND (size($minerals) = 0 OR m.name IN $minerals) "
        "RETURN m.name AS mineral, c.name AS country, c.kind AS kind, r.year AS year, r.value AS value, "
        "r.value_kind AS value_kind, r.value_text AS value_text, r.unit AS unit, r.sources AS sources, "
        "m.critical_mineral_2025 AS critical ORDER BY mineral, year, country",
        {"metrics": list(metrics), "minerals": minerals or []},
    )


def _concentration(store: GraphStore, year: int | None, stage: str, minerals: list[str] | None) -> list[Concentration]:
    rows = concentration_rows(store, stage, minerals)
    by: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in rows:
        if r["year"] is None:
            continue
        by.setdefault((r["mineral"], int(r["year"])), []).append(r)
    latest: dict[str, int] = {}
    for m, y in by:
        if any(r["kind"] == "country" for r in by[(m, y)]):
            latest[m] = max(latest.get(m, y), y)
    out = []
    for (m, y), group in sorted(by.items()):
        if (year is not None and y != year) or (year is None and latest.get(m) != y):
            continue
        c = _measure(m, y, stage, group)
        if c is not None:
            out.append(c)
    return out


def _kind(r: dict[str, Any]) -> str:
    """The value kind; curated rows (production.csv) state it only through their text ('>90,000,000')."""
    if r.get("value_kind"):
        return str(r["value_kind"])
    text = r.get("value_text") or ""
    return "number" if not text else ("lower_bound" if text.startswith(">") else "text")


def _measure(mineral: str, year: int, stage: str, group: list[dict[str, Any]]) -> Concentration | None:
    countries = [r for r in group if r["kind"] == "country"]
    if not countries:
        return None
    known = [r for r in countries if r["value"] is not None and _kind(r) in EXACT]
    withheld = [r["country"] for r in countries if r not in known]
    world = next((r for r in group if r["country"] == "World"), None)
    other = next((r for r in group if r["country"] == "Other countries"), None)
    exact_world = world is not None and world["value"] is not None and _kind(world) == "number"
    if exact_world and world is not None and world["value"]:
        total, basis = float(world["value"]), "world total"
    else:
        total = sum(float(r["value"]) for r in known) + (
            float(other["value"]) if other and other["value"] is not None else 0.0
        )
        basis = "sum of listed countries"
    if not total:
        return None
    shares = sorted(((r["country"], 100.0 * float(r["value"]) / total) for r in known), key=lambda x: -x[1])
    china = next((s for c, s in shares if c == "China"), None)
    srcs: list[str] = []
    for r in group:
        for s in r["sources"] or []:
            if s not in srcs:
                srcs.append(s)
    top = shares[0] if shares and shares[0][1] > 0 else None
    return Concentration(
        mineral=mineral,
        year=year,
        stage=stage,
        unit=next((r["unit"] for r in group if r["unit"]), None),
        world_total=float(world["value"]) if world and world["value"] is not None else None,
        world_total_as_stated=world["value_text"] if world else None,
        denominator=basis,
        top_country=top[0] if top else None,
        top_share=_pct(top[1]) if top else None,
        top3_share=_pct(sum(s for _, s in shares[:3])) if top else None,
        hhi=round(sum(s * s for _, s in shares)) if top else None,
        china_share=_pct(china) if china is not None else (0.0 if "China" not in withheld and top else None),
        countries=len(countries),
        critical=next((r["critical"] for r in group if r["critical"] is not None), None),
        withheld=withheld,
        sources=srcs,
    )


GENERIC_IMPORT = re.compile(r"^(all|total|total imports|all forms|combined total\b.*|total [a-z ,]+)$", re.I)


def exposure(store: GraphStore, *, country: str = "United States", year: int | None = None) -> list[Exposure]:
    """Net import reliance, top import source and China's share of imports, per commodity."""
    return list(_cached(store, "exposure", (country, year), lambda: _exposure(store, country, year)))


def reliance_rows(store: GraphStore, country: str) -> list[dict[str, Any]]:
    """The headline net import reliance figures of a country (one row per commodity and year)."""
    return store.run(
        "MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(m:Mineral) WHERE r.metric = 'net_import_reliance' "
        "AND coalesce(r.detail, '') = '' AND r.latest = true "
        "RETURN m.name AS mineral, r.year AS year, r.value AS value, r.value_kind AS value_kind, "
        "r.value_text AS value_text, r.sources AS sources, m.critical_mineral_2025 AS critical",
        {"country": country},
    )


def import_rows(store: GraphStore, country: str, minerals: list[str] | None = None) -> list[dict[str, Any]]:
    """Every import-source share of a country (IMPORTS_FROM), with the form (detail) and period."""
    return store.run(
        "MATCH (u:Country {name: $country})-[r:IMPORTS_FROM]->(c:Country) "
        "WHERE size($minerals) = 0 OR r.mineral IN $minerals "
        "RETURN r.mineral AS mineral, r.detail AS detail, r.period AS period, c.name AS source, c.kind AS kind, "
        "r.share AS share, r.value_text AS value_text, r.sources AS sources",
        {"country": country, "minerals": minerals or []},
    )


def headline_detail(details: list[str]) -> str | None:
    """The import table that covers all forms ('Total', 'All'), or the only one; None when forms must be chosen."""
    uniq = list(dict.fromkeys(details))
    generic = [d for d in uniq if GENERIC_IMPORT.match(d.strip())]
    if generic:
        return generic[0]
    return uniq[0] if len(uniq) == 1 else None


def _exposure(store: GraphStore, country: str, year: int | None) -> list[Exposure]:
    rel: dict[str, dict[str, Any]] = {}
    for r in reliance_rows(store, country):
        if r["year"] is None or (year is not None and r["year"] != year):
            continue
        cur = rel.get(r["mineral"])
        if cur is None or r["year"] > cur["year"]:
            rel[r["mineral"]] = r
    imports: dict[str, list[dict[str, Any]]] = {}
    for r in import_rows(store, country):
        imports.setdefault(r["mineral"], []).append(r)
    out = []
    for m in sorted(set(rel) | set(imports)):
        r = rel.get(m)
        imp = imports.get(m, [])
        detail = headline_detail([x["detail"] for x in imp]) if imp else None
        rows = [x for x in imp if x["detail"] == detail and x["kind"] == "country" and x["share"] is not None]
        rows.sort(key=lambda x: -float(x["share"]))
        china = next((float(x["share"]) for x in rows if x["source"] == "China"), None)
        srcs = list(r["sources"] or []) if r else []
        for x in rows:
            for s in x["sources"] or []:
                if s not in srcs:
                    srcs.append(s)
        value = r["value"] if r and _kind(r) in EXACT else None
        out.append(
            Exposure(
                mineral=m,
                country=country,
                year=int(r["year"]) if r else None,
                net_import_reliance=float(value) if value is not None else None,
                reliance_as_stated=r["value_text"] if r else None,
                import_detail=detail,
                period=rows[0]["period"] if rows else None,
                top_source=rows[0]["source"] if rows else None,
                top_source_share=float(rows[0]["share"]) if rows else None,
                china_import_share=china if rows else None,
                critical=r["critical"] if r else None,
                sources=srcs,
            )
        )
    return out


def chokepoints(store: GraphStore, *, year: int | None = None, threshold: float = 50.0) -> list[Chokepoint]:
    """Commodities where one country holds >= `threshold`% of world mine output and controls their export."""
    return list(_cached(store, "chokepoints", (year, threshold), lambda: _chokepoints(store, year, threshold)))


def _chokepoints(store: GraphStore, year: int | None, threshold: float) -> list[Chokepoint]:
    out = []
    conc = [c for stage in ("mine", "refinery", "smelter") for c in concentration(store, year=year, stage=stage)]
    for c in conc:
        if c.top_share is None or c.top_share < threshold or c.top_country is None:
            continue
        rows = store.run(
            "MATCH (m:Mineral {name: $mineral}) OPTIONAL MATCH (m)-[:FORM_OF]->(e:Mineral) "
            "WITH [m.name] + collect(e.name) AS names "
            "MATCH (c:Country {name: $country})-[:ENACTED]->(p:Policy)-[:COVERS]->(x:Mineral) "
            "WHERE p.category = 'export_control' AND x.name IN names "
            "RETURN DISTINCT p.name AS policy, p.status AS status, p.sources AS sources ORDER BY policy",
            {"mineral": c.mineral, "country": c.top_country},
        )
        if not rows:
            continue
        srcs = list(c.sources)
        for r in rows:
            for s in r["sources"] or []:
                if s not in srcs:
                    srcs.append(s)
        out.append(
            Chokepoint(
                mineral=c.mineral,
                year=c.year,
                stage=c.stage,
                country=c.top_country,
                share=c.top_share,
                policies=[r["policy"] for r in rows],
                policy_status=[r["status"] or "" for r in rows],
                sources=srcs,
            )
        )
    return out


def supply_risk_table(store: GraphStore, *, year: int | None = None) -> list[dict[str, Any]]:
    """One row per commodity: mine concentration joined with US exposure and chokepoint flags (the page's table)."""
    conc = {c.mineral: c for c in concentration(store, year=year)}
    exp = {e.mineral: e for e in exposure(store)}
    choke = {c.mineral for c in chokepoints(store, year=year)}
    out = []
    for m in sorted(set(conc) | set(exp)):
        c, e = conc.get(m), exp.get(m)
        out.append(
            {
                "mineral": m,
                "critical_2025": (c.critical if c else None) if c and c.critical is not None else (e.critical if e else None),
                "year": c.year if c else None,
                "top_producer": c.top_country if c else None,
                "top_share_pct": c.top_share if c else None,
                "top3_share_pct": c.top3_share if c else None,
                "hhi": c.hhi if c else None,
                "china_share_pct": c.china_share if c else None,
                "us_net_import_reliance_pct": e.net_import_reliance if e else None,
                "us_reliance_as_stated": e.reliance_as_stated if e else None,
                "us_reliance_year": e.year if e else None,
                "top_import_source": e.top_source if e else None,
                "top_import_share_pct": e.top_source_share if e else None,
                "china_import_share_pct": e.china_import_share if e else None,
                "import_period": e.period if e else None,
                "chokepoint": m in choke,
            }
        )
    return out
