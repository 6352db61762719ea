"""Supply-risk measures over the store: concentration, US exposure and chokepoints, per commodity, year and stage.

One module behind the CLI (`rekg analytics`), the chat (qa/intents/supply.py) and the Supply-risk page, so
the three give the same numbers. Each measure reads the graph with Cypher that both engines run and
computes the arithmetic here; results are cached per store until its relationship count changes (an ingest).

Definitions (docs/SUPPLY_RISK.md):
- share_i = production of country i / world total (the release's "World total", where it is a plain number;
  commodities whose world total is 'XX', 'NA' or a bound get no shares), in percent;
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
EXACT = ("number", "zero", "lower_bound")  # value kinds whose number is a figure (a '>N' as its bound)
_CACHE: dict[tuple[int, str, tuple[Any, ...]], Any] = {}


@dataclass
class Concentration:
    """How concentrated one commodity's output is among countries in one year and stage."""

    mineral: str
    year: int
    stage: str
    unit: str | None
    world_total: float | None
    top_country: str | None
    top_share: float | None
    top3_share: float | None
    hhi: float | None
    china_share: float | None
    countries: int
    critical: bool | None
    edition: str = EDITION
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


def concentration_cypher(stage: str, *, minerals: bool = False, where: str = "") -> str:
    """Shares of world output, top producer, top-3 share, HHI and China's share per commodity, all in Cypher.

    Shares are of the release's world total where it is a plain number (not 'XX', 'NA' or a bound), over the
    countries whose figure is a number (a '>N' counts as N; 'W', 'NA' and '<N' are left out). The chat's
    readings (qa/intents/supply.py) run this same text, so both give the same numbers. `$focus` names the
    country whose share is returned (China for the analytics); `where` filters on hhi, focus_share, critical.
    """
    rel, _ = STAGES[stage]
    only = "AND m.name IN $minerals " if minerals else ""
    return (
        f"MATCH (w:Country {{name: 'World'}})-[t:{rel}]->(m:Mineral) WHERE t.metric IN $metrics AND t.latest = true "
        f"AND coalesce(t.detail, '') = '' AND t.year = $year AND t.value > 0 AND t.value_text IS NULL {only}"
        # carry plain values, not the relationship, into the second match: FalkorDB 4 loses the binding of `m`
        # in one pattern or when a relationship variable is carried (pinned in tests/test_supply.py)
        "WITH m, t.metric AS metric, t.year AS year, t.value AS world_total, t.unit AS unit, t.edition AS edition, "
        "t.sources AS wsrc "
        f"MATCH (c:Country)-[r:{rel}]->(m) WHERE c.kind = 'country' AND r.latest = true AND r.metric = metric "
        "AND r.year = year AND coalesce(r.detail, '') = '' AND r.value IS NOT NULL "
        "AND (r.value_text IS NULL OR r.value_text STARTS WITH '>' OR r.value_kind = 'zero') "
        # group on plain values: FalkorDB groups rows on a relationship variable wrongly
        "WITH m.name AS mineral, year, world_total, unit, edition, "
        "wsrc, m.critical_mineral_2025 AS critical, c.name AS country, r.sources AS rsrc, r.value AS v "
        "ORDER BY mineral, v DESC "
        "WITH mineral, year, world_total, unit, edition, wsrc, critical, collect(country) AS names, "
        "collect(v) AS vals, collect(rsrc) AS srcs "
        "WITH mineral, year, world_total, unit, edition, wsrc, critical, names, srcs, "
        "[x IN vals | 100.0 * x / world_total] AS shares "
        "WITH mineral, year, world_total, unit, edition, wsrc, critical, names, shares, srcs, "
        "reduce(h = 0.0, x IN shares | h + x * x) AS hhi_raw, "
        "[i IN range(0, size(names) - 1) WHERE names[i] = $focus | shares[i]] AS focus "
        "WITH mineral, year, world_total, unit, edition, critical, names[0] AS top_producer, "
        "round(10.0 * shares[0]) / 10.0 AS top_share_percent, "
        "round(10.0 * reduce(a = 0.0, x IN shares[0..3] | a + x)) / 10.0 AS top3_share_percent, "
        # the world total is rounded, so shares may add up to a little over 100: the HHI is capped at 10,000
        "round(CASE WHEN hhi_raw > 10000.0 THEN 10000.0 ELSE hhi_raw END) AS hhi, "
        "CASE WHEN size(focus) > 0 THEN focus[0] ELSE 0.0 END AS focus_share, "
        "size(names) AS countries, wsrc + reduce(a = [], x IN srcs | a + x) AS _src "
        + (f"WHERE {where} " if where else "")
        + "RETURN mineral, year, top_producer, top_share_percent, top3_share_percent, hhi, "
        "round(10.0 * focus_share) / 10.0 AS focus_share_percent, world_total, unit, edition, countries, critical, _src"
    )


def latest_year(store: GraphStore, stage: str = "mine") -> int | None:
    """The newest year with a world total for the stage (2025 in the MCS 2026 release)."""
    rel, metrics = STAGES[stage]
    rows = store.run(
        f"MATCH (w:Country {{name: 'World'}})-[t:{rel}]->(:Mineral) WHERE t.metric IN $metrics AND t.latest = true "
        "RETURN max(t.year) AS y",
        {"metrics": list(metrics)},
    )
    return int(rows[0]["y"]) if rows and rows[0]["y"] is not None else None


def concentration(
    store: GraphStore, *, year: int | None = None, stage: str = "mine", minerals: list[str] | None = None
) -> list[Concentration]:
    """Top producer and share, top-3 share, HHI and China's share per commodity (the newest year unless `year`)."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}")
    return list(_cached(store, "concentration", (year, stage, tuple(minerals or ())),
                        lambda: _concentration(store, year, stage, minerals)))  # fmt: skip


def _concentration(store: GraphStore, year: int | None, stage: str, minerals: list[str] | None) -> list[Concentration]:
    y = year if year is not None else latest_year(store, stage)
    if y is None:
        return []
    params: dict[str, Any] = {"metrics": list(STAGES[stage][1]), "year": y, "focus": "China"}
    if minerals:
        params["minerals"] = minerals
    rows = store.run(concentration_cypher(stage, minerals=bool(minerals)) + " ORDER BY mineral", params)
    return [
        Concentration(
            mineral=r["mineral"],
            year=int(r["year"]),
            stage=stage,
            unit=r["unit"],
            world_total=r["world_total"],
            top_country=r["top_producer"],
            top_share=r["top_share_percent"],
            top3_share=r["top3_share_percent"],
            hhi=r["hhi"],
            china_share=r["focus_share_percent"],
            countries=int(r["countries"]),
            critical=r["critical"],
            sources=list(dict.fromkeys(r["_src"] or [])),
        )
        for r in rows
    ]


def _kind(r: dict[str, Any]) -> str:
    """The value kind; curated rows (production.csv) state it only through their text ('>90,000,000')."""
    if r.get("value_kind"):
        return str(r["value_kind"])
    text = r.get("value_text") or ""
    return "number" if not text else ("lower_bound" if text.startswith(">") else "text")


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
    uniq = sorted(set(details))  # the engines return rows in different orders: choose by rule, not by order
    generic = [d for d in uniq if GENERIC_IMPORT.match(d.strip())]
    if generic:
        exact = [d for d in generic if d.strip().lower() in ("all", "total", "total imports", "all forms")]
        return (exact or sorted(generic, key=lambda d: (not d.lower().startswith("combined"), len(d), d)))[0]
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
        nir = rel.get(m)
        imp = imports.get(m, [])
        detail = headline_detail([x["detail"] for x in imp]) if imp else None
        rows = [x for x in imp if x["detail"] == detail and x["kind"] == "country" and x["share"] is not None]
        rows.sort(key=lambda x: (-float(x["share"]), x["source"]))
        china = next((float(x["share"]) for x in rows if x["source"] == "China"), None)
        srcs = list(nir["sources"] or []) if nir else []
        for x in rows:
            for s in x["sources"] or []:
                if s not in srcs:
                    srcs.append(s)
        value = nir["value"] if nir and _kind(nir) in EXACT else None
        out.append(
            Exposure(
                mineral=m,
                country=country,
                year=int(nir["year"]) if nir else None,
                net_import_reliance=float(value) if value is not None else None,
                reliance_as_stated=nir["value_text"] if nir else None,
                import_detail=detail,
                period=rows[0]["period"] if rows else None,
                top_source=rows[0]["source"] if rows else None,
                top_source_share=float(rows[0]["share"]) if rows else None,
                china_import_share=china if rows else None,
                critical=nir["critical"] if nir else None,
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
            "WITH m, collect(e.name) AS forms WITH [m.name] + forms AS names "
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
                "critical_2025": (c.critical if c else None)
                if c and c.critical is not None
                else (e.critical if e else None),
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
