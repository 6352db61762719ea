"""Supply-risk questions over the USGS MCS 2026 data release: reliance, import sources, concentration, statistics.

Every reading names the edition and year it answers for and rests on the release's Source. A part of a
question that names a form or a table ('refined zinc', 'manganese ore', 'in Rotterdam') must match the
statistic's detail text: it becomes a parameter the query filters on, or the question is not answered.
Concentration readings run the same Cypher as `qa.analytics` (one definition of a share and of the HHI).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from graph.text import norm_key
from ingest.usgs import CODES
from qa import analytics
from qa.coverage import EDITION_RE, SCAFFOLD, stem
from qa.frame import Frame, translation
from qa.lexicon import STOP
from qa.phrase import fmt, join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator

US = "United States"
RELEASE = "USGS MCS 2026 data release"
RELIANCE_RE = re.compile(
    r"\bimport[- ]?relian\w*|\bnet[- ]import\w*|\brelian\w*|\bdependen\w* on imports|\bimport dependen\w*"
    r"|\bmet by (?:net )?imports\b|\brel(?:y|ies|ied) on imports\b"
)
IMPORT_SOURCE_RE = re.compile(
    r"\bimport\w* (?:\w+ ){0,4}from\b|\bsources? of (?:\w+ ){0,4}imports?\b|\bimport sources?\b|\bwhere does\b.*\bimport"
    r"|\bsuppl\w* (?:\w+ ){0,3}(?:us|u\.s\.|united states|america)\b|\bsells? (?:the )?(?:us|u\.s\.|united states)\b"
    r"|\bimports? (?:\w+ ){0,3}(?:come|came|comes)\b|\b(?:top|main|largest|biggest|leading|primary) (?:\w+ ){0,3}supplier"
)
CONCENTRATION_RE = re.compile(
    r"\bconcentrat(?:ed|ion|ions)\b|\bhhi\b|\bherfindahl\w*|\btop[- ](?:3|three)[- ](?:producers?[- ])?shares?\b"
)
STAT_WORDS = {
    "price": "price", "prices": "price", "cost": "price", "costs": "price", "priced": "price",
    "consumption": "consumption", "consumed": "consumption", "consume": "consumption",
    "employment": "employment", "employed": "employment", "employees": "employment", "workers": "employment",
    "jobs": "employment", "stocks": "stocks", "stockpile": "stocks", "stockpiles": "stocks",
    "exports": "exports", "exported": "exports",
    "import": "imports", "imports": "imports", "imported": "imports",
}  # fmt: skip
STAGE_WORDS = {
    "smelt": "smelter", "smelted": "smelter", "smelter": "smelter", "smelters": "smelter", "smelting": "smelter",
    "refine": "refinery", "refined": "refinery", "refinery": "refinery", "refineries": "refinery",
    "refining": "refinery",
}  # fmt: skip
GENERIC_WORDS = {"overall", "total", "combined", "all", "forms", "form", "altogether"}
CRITICAL_WORDS = {"critical"}
HALF = {"half": 50.0, "majority": 50.0}
# 'more than a third of', 'two-thirds of': a fraction of world output as a percent threshold
FRACTIONS = {
    r"\btwo[- ]thirds\b": (66.7, {"two", "thirds"}),
    r"\bthree[- ]quarters\b": (75.0, {"three", "quarters"}),
    r"\b(?:a|one)[- ]third\b": (33.3, {"third", "one"}),
    r"\b(?:a|one)[- ]quarter\b": (25.0, {"quarter", "one"}),
    r"\b(?:a|one)[- ]fifth\b": (20.0, {"fifth", "one"}),
    r"\bhalf\b|\bmajority\b": (50.0, {"half", "majority"}),
}


def _fraction(f: Frame) -> tuple[float, set[str]] | None:
    for rx, (pct, ws) in FRACTIONS.items():
        if re.search(rx, f.text):
            return pct, ws
    return None


def intent_supply(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Net import reliance, import sources, concentration (HHI, shares), statistics of the US salient tables."""
    if f.ents("Official", "Policy", "Event", "Facility", "Company", "Organization", "Application"):
        return None
    text = f.text
    # 'In which minerals ...': a symbol that is also a function word names no mineral (as in qa/coverage.py)
    minerals = list(dict.fromkeys(m.entity.name for m in f.ents("Mineral") if m.surface.lower() not in SCAFFOLD))
    if RELIANCE_RE.search(text) or (re.search(r"\bexpos\w*|\bvulnerab\w*", text) and not minerals):
        return _reliance(tr, f, minerals)
    if IMPORT_SOURCE_RE.search(text) and minerals:
        return _import_sources(tr, f, minerals)
    if CONCENTRATION_RE.search(text):
        return _concentration(tr, f, minerals)
    if not minerals and _share_filter_asked(f):
        return _share_filter(tr, f)
    if minerals and (any(t in STAT_WORDS for t in f.tokens) or any(t in STAGE_WORDS for t in f.tokens)):
        return _statistic(tr, f, minerals)
    return None


# -- helpers -------------------------------------------------------------------------------------
def _years(f: Frame) -> list[int]:
    """Every year the question names (for comparisons), the edition's year left out."""
    text = EDITION_RE.sub(" ", f.question)
    return sorted({int(y) for y in re.findall(r"\b(20\d\d)\b", text)})


def _edition_years(f: Frame) -> set[int]:
    return {int(f.edition.split()[-1])} if f.edition else set()


def _period_words(f: Frame, periods: list[str]) -> set[str]:
    """'2021-24' in the question, when it is the stored period ('2021–24'): the '24' is the period's end."""
    out: set[str] = set()
    for m in re.finditer(r"\b(20\d\d)\s*[-–/]\s*(\d{2,4})\b", f.text):
        asked = f"{m.group(1)}–{m.group(2)[-2:]}"
        if asked in periods:
            out.update({m.group(1), m.group(2), m.group(0).lower()})
    return out


def _content_tokens(f: Frame) -> list[str]:
    """Question words that no entity mention covers: candidates for a table's detail ('ore', 'Rotterdam')."""
    spans = [(m.start, m.end) for m in f.mentions]
    out = []
    for m in re.finditer(r"[A-Za-z][A-Za-z.’']*", f.question):
        if any(a <= m.start() < b for a, b in spans):
            continue
        w = m.group(0).lower().strip(".'’")
        if len(w) < 3 or w in SCAFFOLD or w in STOP:
            continue
        out.append(w)
    return out


def _detail_words(f: Frame, details: list[str], skip: set[str]) -> list[str]:
    """Stems of question words found in the candidate details (each becomes a CONTAINS filter)."""
    texts = [norm_key(d) for d in details if d]
    out: list[str] = []
    for w in _content_tokens(f):
        if w in skip or stem(w) in skip:
            continue
        st = stem(w)
        st = st if len(st) >= 3 else w
        if any(re.search(rf"\b{re.escape(st)}", t) for t in texts) and st not in out:
            out.append(st)
    return out


def _value(r: dict[str, Any], unit_key: str = "unit") -> str:
    text = r.get("value_as_stated")
    unit = r.get(unit_key) or ""
    if text:
        meaning = analytics_code(text)
        return f"{text}{' (' + meaning + ')' if meaning else ''}" + (
            "%" if unit == "percent" and text[-1:].isdigit() else ""
        )
    if r.get("value") is None:
        return "not stated"
    return f"{fmt(r['value'])}%" if unit == "percent" else f"{fmt(r['value'])} {unit}".strip()


def analytics_code(text: str) -> str:
    """What a USGS value code means ('W' withheld, 'E' net exporter), from the release's metadata."""
    return CODES.get(text, "")


def _latest(tr: RulesTranslator, rel: str, metric: str, minerals: list[str], country: str | None) -> int | None:
    rows = tr.store.run(
        f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE r.metric = $metric AND r.latest = true "
        "AND (size($minerals) = 0 OR m.name IN $minerals) AND ($country IS NULL OR c.name = $country) "
        "RETURN max(r.year) AS y",
        {"metric": metric, "minerals": minerals, "country": country},
    )
    return int(rows[0]["y"]) if rows and rows[0]["y"] is not None else None


def _details(
    tr: RulesTranslator, rel: str, metric: str, minerals: list[str], country: str | None
) -> list[dict[str, Any]]:
    return tr.store.run(
        f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE r.metric = $metric AND m.name IN $minerals "
        "AND ($country IS NULL OR c.name = $country) "
        "RETURN DISTINCT coalesce(r.detail, '') AS detail, r.statistic_detail AS text",
        {"metric": metric, "minerals": minerals, "country": country},
    )


def _cite(year: Any) -> str:
    return f"{RELEASE}, {analytics.EDITION}" + (f", {year}" if year else "")


# -- net import reliance -------------------------------------------------------------------------
RELIANCE_USED = {"net", "import", "imports", "reliance", "reliant", "reliantly", "dependence", "dependent", "rely",
                 "relies", "relied", "met", "consumption", "percentage", "apparent"}  # fmt: skip


def _country(f: Frame) -> str | None:
    """The importing country: the United States (the release's salient tables are the US's), or None if another."""
    named = [c for c in f.names("Country") if c not in ("World",)]
    nationality = [t for t in f.tokens if t in ("american",)]
    if not named or named == [US] or (nationality and not named):
        return US
    return None


CONTROL_RE = re.compile(r"\bexport (control|licens|restrict|ban)\w*")


def _reliance(tr: RulesTranslator, f: Frame, minerals: list[str]) -> Translation | None:
    controls = bool(CONTROL_RE.search(f.text)) and not minerals  # the other country named is the controls' enactor
    if _country(f) is None and not (controls and US in f.names("Country") + [US]):
        return None  # the release states net import reliance for the United States only
    if not minerals:
        return _reliance_list(tr, f)
    metric = "net_import_reliance"
    cands = _details(tr, "HAS_METRIC", metric, minerals, US)
    if not cands:
        return translation("MATCH (m:Mineral) WHERE m.name IN $minerals RETURN m.name AS mineral, null AS x LIMIT 0",
                           {"minerals": minerals}, "supply_reliance", 0.9, empty=_no_stat(minerals, "net import reliance"),
                           used=RELIANCE_USED)  # fmt: skip
    skip = RELIANCE_USED | set(STAT_WORDS) | {"much", "how", "import"}
    dwords = _detail_words(f, [c["text"] for c in cands if c["detail"]], skip)
    params: dict[str, Any] = {"country": US, "minerals": minerals, "metric": metric}
    where = ["r.metric = $metric", "m.name IN $minerals", "r.latest = true"]
    _detail_filter(where, params, dwords, cands)
    years = _years(f)
    used = set(RELIANCE_USED)
    if len(years) >= 2:
        where.append("r.year IN $years")
        params["years"] = years
        used |= {"change", "changed", "changes", "compare", "compared", "evolve", "evolved", "trend"}
    else:
        year = years[0] if years else _latest(tr, "HAS_METRIC", metric, minerals, US)
        where.append("r.year = $year")
        params["year"] = year
    cy = (
        "MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(m:Mineral) WHERE " + " AND ".join(where) + " "
        "RETURN m.name AS mineral, r.year AS year, r.value AS value, r.value_text AS value_as_stated, r.unit AS unit, "
        "r.statistic_detail AS statistic, r.edition AS edition, r.notes AS notes, "
        "r.sources AS _src, c AS _c, r AS _r, m AS _m ORDER BY mineral, year, statistic"
    )
    yr = params.get("year") or " and ".join(map(str, years))
    return translation(
        cy,
        params,
        "supply_reliance",
        0.93,
        _reliance_sentence,
        empty=f"The data release states no US net import reliance for {join(minerals)} in {yr}"
        + (f" matching '{' '.join(dwords)}'" if dwords else "")
        + ".",
        used=used,
        reading=f"US net import reliance on {join(minerals)} ({_cite(yr)})"
        + (f", for the table matching '{' '.join(dwords)}'" if dwords else ""),
    )


def _no_stat(minerals: list[str], what: str) -> str:
    return f"The USGS MCS 2026 data release states no {what} for {join(minerals)}."


def _reliance_sentence(rows: list[dict[str, Any]]) -> str:
    parts = []
    several = len({r["mineral"] for r in rows}) > 1
    for r in rows[:10]:
        form = r["statistic"].split(":", 1)[1].strip() if r.get("statistic") and ":" in r["statistic"] else ""
        label = ", ".join(x for x in (r["mineral"] if several else "", form) if x)
        parts.append(f"{label + ' ' if label else ''}{r['year']}: {_value(r)}")
    head = f"US net import reliance on {join(sorted({r['mineral'] for r in rows}))}"
    return f"{head} (as a share of apparent consumption): " + "; ".join(parts) + f" ({_cite(None)})."


def _reliance_list(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which critical minerals is the US more than 90% import-reliant on?' and 'most exposed' rankings."""
    params: dict[str, Any] = {"country": US, "metric": "net_import_reliance"}
    where = ["r.metric = $metric", "r.latest = true", "coalesce(r.detail, '') = ''"]
    used = set(RELIANCE_USED) | {"exposed", "exposure", "vulnerable", "vulnerability", "dependent", "dependency"}
    years = _years(f)
    year = years[0] if years else _latest(tr, "HAS_METRIC", "net_import_reliance", [], US)
    where.append("r.year = $year")
    params["year"] = year
    if f.threshold is not None:
        where.append("r.value > $threshold")
        params["threshold"] = f.threshold
    elif re.search(r"\b100 ?%|\b(100 percent|fully|entirely|completely|totally|wholly)\b", f.text):
        where.append("r.value >= 100")
        used |= {"fully", "entirely", "completely", "totally", "wholly", "100"}
    if f.has(CRITICAL_WORDS):
        where.append("m.critical_mineral_2025 = true")
        used |= CRITICAL_WORDS
    controls = bool(CONTROL_RE.search(f.text))
    order = "DESC" if (f.order != "asc") else "ASC"
    params["n"] = f.top_n or (10 if f.order and not f.threshold else 200)
    cols = (
        "RETURN m.name AS mineral, r.value AS value, r.value_text AS value_as_stated, r.unit AS unit, r.year AS year, "
        "r.edition AS edition, m.critical_mineral_2025 AS critical, r.sources AS _src, m AS _m, r AS _r, c AS _c "
    )
    cy = (
        "MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(m:Mineral) WHERE "
        + " AND ".join(where)
        + " "
        + cols
        + f"ORDER BY coalesce(r.value, -1) {order}, mineral LIMIT $n"
    )
    if controls:
        enactor = next((n for n in f.names("Country") if n not in (US, "World")), None)
        if enactor is None:
            return None
        params["enactor"] = enactor
        params["category"] = "export_control"
        # plain values only across the aggregation (FalkorDB groups on relationship variables wrongly)
        cy = (
            "MATCH (x:Country {name: $enactor})-[:ENACTED]->(p:Policy)-[:COVERS]->(e:Mineral) "
            "WHERE p.category = $category WITH collect(DISTINCT e.name) AS covered "
            "MATCH (c:Country {name: $country})-[r:HAS_METRIC]->(m:Mineral) WHERE " + " AND ".join(where) + " "
            "OPTIONAL MATCH (m)-[:FORM_OF]->(el:Mineral) "
            "WITH covered, m.name AS mineral, r.value AS value, r.value_text AS value_as_stated, r.unit AS unit, "
            "r.year AS year, r.edition AS edition, m.critical_mineral_2025 AS critical, r.sources AS _src, "
            "collect(el.name) AS elements WHERE mineral IN covered OR ANY(n IN elements WHERE n IN covered) "
            "RETURN mineral, value, value_as_stated, unit, year, edition, critical, _src "
            f"ORDER BY coalesce(value, -1) {order}, mineral LIMIT $n"
        )
    what = "critical minerals" if f.has(CRITICAL_WORDS) else "minerals"
    cond = (
        f" more than {fmt(f.threshold)}%" if f.threshold is not None else (" 100%" if "r.value >= 100" in where else "")
    )
    ctl = f" under {params.get('enactor')}'s export controls" if controls else ""
    return translation(
        cy,
        params,
        "supply_reliance_list",
        0.93,
        lambda rows: (
            f"{len(rows)} {what}{ctl} on which the US was{cond} net import reliant in {year}"
            + (" (highest first)" if f.order else "")
            + ": "
            + join([f"{r['mineral']} ({_value(r)})" for r in rows], 25)
            + f" ({_cite(None)})."
        ),
        empty=f"No {what}{ctl} with a US net import reliance{cond} in {year} in the data release.",
        used=used,
        reading=f"US net import reliance by mineral{ctl}{cond} ({_cite(year)})",
    )


# -- import sources --------------------------------------------------------------------------------
IMPORT_USED = {"import", "imports", "imported", "importing", "source", "sources", "supplier", "suppliers", "supply",
               "supplies", "supplied", "sells", "sell", "sold", "come", "comes", "came", "from", "origin", "buy",
               "buys", "bought", "provides", "provide"}  # fmt: skip


def _import_sources(tr: RulesTranslator, f: Frame, minerals: list[str]) -> Translation | None:
    if _country(f) is None and US not in f.names("Country"):
        return None
    others = [c for c in f.names("Country") if c not in (US, "World")]
    rows = tr.store.run(
        "MATCH (u:Country {name: $country})-[r:IMPORTS_FROM]->(:Country) WHERE r.mineral IN $minerals "
        "RETURN DISTINCT r.statistic_detail AS text, r.period AS period",
        {"country": US, "minerals": minerals},
    )
    if not rows:
        return translation("MATCH (m:Mineral) WHERE m.name IN $minerals RETURN m.name AS mineral, null AS x LIMIT 0",
                           {"minerals": minerals}, "supply_imports", 0.9,
                           empty=_no_stat(minerals, "US import sources"), used=IMPORT_USED)  # fmt: skip
    details = [r["text"] for r in rows]
    periods = sorted({r["period"] for r in rows if r["period"]})
    used = set(IMPORT_USED) | _period_words(f, periods)
    skip = used | {"most", "top", "main", "largest", "biggest", "leading", "primary", "country", "countries"}
    dwords = _detail_words(f, details, skip | GENERIC_WORDS)
    params: dict[str, Any] = {"country": US, "minerals": minerals}
    where = ["r.mineral IN $minerals"]
    chosen: list[str]
    if dwords:
        chosen = [d for d in details if all(re.search(rf"\b{re.escape(w)}", norm_key(d)) for w in dwords)]
    else:
        head = analytics.headline_detail(details)
        chosen = [head] if head else list(dict.fromkeys(details))
        if head and len(set(details)) > 1:
            used |= GENERIC_WORDS
    if not chosen:
        return None
    where.append("r.statistic_detail IN $details")
    params["details"] = chosen
    if dwords:
        params["detail_words"] = dwords
    top = bool(f.order == "desc" or re.search(r"\b(top|main|largest|biggest|leading|primary|most)\b", f.text))
    if others:
        where.append("c.name IN $sources")
        params["sources"] = others
        used |= {"much", "how", "share", "percent", "percentage", "proportion"}
    elif top:
        where.append("c.kind = 'country'")
    cy = (
        "MATCH (u:Country {name: $country})-[r:IMPORTS_FROM]->(c:Country) WHERE " + " AND ".join(where) + " "
        "RETURN r.mineral AS mineral, r.statistic_detail AS imports_of, c.name AS source, r.share AS share_percent, "
        "r.value_text AS value_as_stated, r.period AS period, r.edition AS edition, r.notes AS notes, "
        "r.sources AS _src, u AS _u, r AS _r, c AS _c ORDER BY imports_of, share_percent DESC, source"
        + (" LIMIT 1" if top and len(chosen) == 1 and not others else "")
    )
    period = periods[0] if len(periods) == 1 else join(periods)
    return translation(
        cy,
        params,
        "supply_imports",
        0.93,
        lambda rows: _imports_sentence(rows, top),
        empty=f"The data release lists no such US import source of {join(minerals)} ({period}).",
        used=used,
        reading=f"Sources of US imports of {join(minerals)}, as shares of {join(chosen, 4)} imports ({_cite(period)})",
    )


def _imports_sentence(rows: list[dict[str, Any]], top: bool) -> str:
    by: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["imports_of"], []).append(r)
    parts = []
    for detail, rs in by.items():
        shown = rs[:1] if top else rs[:8]
        share = "; ".join(
            f"{r['source']} {r['value_as_stated'] or fmt(r['share_percent'])}%"
            + (" (an aggregate)" if r["source"] == "Other countries" else "")
            for r in shown
        )
        parts.append(f"{rs[0]['mineral']} ({detail}): {share}")
    lead = "Top source of US imports" if top else "US import sources"
    return f"{lead}, {rows[0]['period']}: " + " | ".join(parts) + f" (share of imports; {_cite(None)})."


# -- concentration --------------------------------------------------------------------------------
def _stage(f: Frame) -> str:
    if any(t in ("reserves", "reserve", "deposits") for t in f.tokens):
        return "reserves"
    for t in f.tokens:
        if t in STAGE_WORDS:
            return STAGE_WORDS[t]
    return "mine"


STAGE_USED = {
    "mine": {"mine", "mined", "mining", "production", "produced", "producing", "output", "producers", "supply"},
    "refinery": {"refine", "refined", "refinery", "refineries", "refining", "production", "output", "producers"},
    "smelter": {"smelt", "smelted", "smelter", "smelters", "smelting", "production", "output", "producers"},
    "reserves": {"reserves", "reserve", "deposits"},
}
CONC_USED = {"concentrated", "concentration", "hhi", "herfindahl", "hirschman", "index", "market", "how"}
TOP3_RE = re.compile(r"\btop[- ](3|three)[- ](producers?[- ])?shares?\b")


def _concentration(tr: RulesTranslator, f: Frame, minerals: list[str]) -> Translation | None:
    stage = _stage(f)
    years = _years(f)
    year = years[0] if years else analytics.latest_year(tr.store, stage)
    if year is None or len(years) > 1:
        return None
    params: dict[str, Any] = {"metrics": list(analytics.STAGES[stage][1]), "year": year, "focus": "China"}
    used = CONC_USED | STAGE_USED[stage]
    if TOP3_RE.search(f.text):  # 'the top-3 share' is one of the measures this reading returns
        used |= {"top", "three", "3", "share", "shares", "producer", "producers"}
    if f.has(CRITICAL_WORDS):
        used |= CRITICAL_WORDS
    where = ""
    if minerals:
        params["minerals"] = minerals
    else:
        conds = []
        if f.threshold is not None:
            conds.append("hhi > $threshold")
            params["threshold"] = f.threshold
        if f.has(CRITICAL_WORDS):
            conds.append("critical = true")
        where = " AND ".join(conds)
        params["n"] = f.top_n or (10 if not f.threshold else 200)
    cy = analytics.concentration_cypher(stage, minerals=bool(minerals), where=where)
    cy += " ORDER BY hhi DESC, mineral" + (" LIMIT $n" if not minerals else "")
    label = {"mine": "mine production", "refinery": "refinery production", "smelter": "smelter production",
             "reserves": "reserves"}[stage]  # fmt: skip
    return translation(
        cy,
        params,
        "supply_concentration",
        0.93,
        lambda rows: _conc_sentence(rows, label, bool(minerals)),
        empty=(
            f"The data release states no numeric world total of {label} for {join(minerals)} in {year}, "
            "so shares and the HHI cannot be computed."
            if minerals
            else f"No commodity matches in {year}."
        ),
        used=used,
        reading=f"Concentration of world {label} among countries (HHI on 0-10,000, top shares; {_cite(year)})"
        + (f" for {join(minerals)}" if minerals else ", by commodity"),
    )


def _conc_sentence(rows: list[dict[str, Any]], label: str, single: bool) -> str:
    if single:
        parts = [
            f"{r['mineral']} {label} {r['year']}: HHI {fmt(r['hhi'])} (0-10,000 scale); {r['top_producer']} leads with "
            f"{r['top_share_percent']}% of the world total ({fmt(r['world_total'])} {r['unit']}); the top three hold "
            f"{r['top3_share_percent']}%; China's share {r['focus_share_percent']}%"
            for r in rows
        ]
        return "; ".join(parts) + f" ({_cite(None)})."
    return (
        f"Most concentrated {label}, {rows[0]['year']} (HHI, 0-10,000): "
        + join([f"{r['mineral']} {fmt(r['hhi'])} ({r['top_producer']} {r['top_share_percent']}%)" for r in rows], 15)
        + f" ({_cite(None)})."
    )


# -- "which minerals does X hold more than half of" ------------------------------------------------
def _share_filter_asked(f: Frame) -> bool:
    return bool(
        re.search(r"\b(which|what) (critical )?(minerals|commodities|metals|elements)\b|\bfor which\b", f.text)
        and (f.threshold is not None or _fraction(f) is not None)
        and re.search(r"\b(share|half|majority|percent|output|production|produc\w+|mine|mined|supply)\b", f.text)
        and [c for c in f.names("Country") if c != "World"]
    )


def _share_filter(tr: RulesTranslator, f: Frame) -> Translation | None:
    countries = [c for c in f.names("Country") if c != "World"]
    if len(countries) != 1:
        return None
    stage = _stage(f)
    years = _years(f)
    year = years[0] if years else analytics.latest_year(tr.store, stage)
    if year is None or len(years) > 1:
        return None
    frac = _fraction(f)
    threshold = f.threshold if f.threshold is not None else (frac[0] if frac else None)
    if threshold is None:
        return None
    params: dict[str, Any] = {"metrics": list(analytics.STAGES[stage][1]), "year": year, "focus": countries[0],
                              "threshold": threshold, "n": 200}  # fmt: skip
    conds = ["focus_share > $threshold"]
    if f.has(CRITICAL_WORDS):
        conds.append("critical = true")
    cy = (
        analytics.concentration_cypher(stage, where=" AND ".join(conds))
        + " ORDER BY focus_share_percent DESC, mineral LIMIT $n"
    )
    used = set(STAGE_USED[stage]) | (frac[1] if frac and f.threshold is None else set())
    used |= {"share", "hold", "holds", "account", "accounts", "have", "has", "control", "controls"}
    if f.has(CRITICAL_WORDS):
        used |= CRITICAL_WORDS
    label = {"mine": "mine production", "refinery": "refinery production", "smelter": "smelter production",
             "reserves": "reserves"}[stage]  # fmt: skip
    c = countries[0]
    return translation(
        cy,
        params,
        "supply_share_filter",
        0.93,
        lambda rows: (
            f"{len(rows)} {'critical minerals' if f.has(CRITICAL_WORDS) else 'commodities'} where {c} held more than {fmt(threshold)}% of world {label} in {year}: "
            + join([f"{r['mineral']} ({r['focus_share_percent']}%)" for r in rows], 30)
            + f" ({_cite(None)})."
        ),
        empty=f"No commodity where {c} held more than {fmt(threshold)}% of world {label} in {year}.",
        used=used,
        reading=f"Commodities by {c}'s share of world {label} ({_cite(year)})",
    )


# -- other statistics: prices, consumption, exports, employment, stocks, refinery and smelter output ---
def _statistic(tr: RulesTranslator, f: Frame, minerals: list[str]) -> Translation | None:
    stage = next((STAGE_WORDS[t] for t in f.tokens if t in STAGE_WORDS), None)
    stat = next((STAT_WORDS[t] for t in f.tokens if t in STAT_WORDS), None)
    if re.search(r"\bexport (control|licens|restrict|ban)\w*", f.text):
        return None
    countries = [c for c in f.names("Country") if c != "World"]
    if stage and not stat:
        metric = f"{stage}_production"
        country = countries[0] if len(countries) == 1 else None
        if len(countries) > 1:
            return None
    elif stat:
        metric = stat
        if countries and countries != [US]:
            return None  # the salient statistics are the United States'
        country = US
    else:
        return None
    cands = _details(tr, "HAS_METRIC", metric, minerals, country)
    if not cands:
        return None
    used = set(STAGE_USED[stage]) if stage and not stat else {t for t, v in STAT_WORDS.items() if v == stat}
    used |= {"average", "averaged"} if stat == "price" else set()
    skip = used | set(STAT_WORDS) | set(STAGE_WORDS) | {"much", "many", "what", "did", "per"}
    dwords = _detail_words(f, [c["text"] for c in cands], skip)
    params: dict[str, Any] = {"metric": metric, "minerals": minerals}
    where = ["r.metric = $metric", "m.name IN $minerals", "r.latest = true"]
    if country:
        where.append("c.name = $country")
        params["country"] = country
    else:
        where.append("c.kind = 'country'")
    _detail_filter(where, params, dwords, cands)
    years = _years(f)
    if len(years) >= 2:
        where.append("r.year IN $years")
        params["years"] = years
        used |= {"change", "changed", "compare", "compared"}
    else:
        params["year"] = years[0] if years else _latest(tr, "HAS_METRIC", metric, minerals, country)
        where.append("r.year = $year")
    rank = not country
    cy = (
        "MATCH (c:Country)-[r:HAS_METRIC]->(m:Mineral) WHERE " + " AND ".join(where) + " "
        "RETURN c.name AS country, m.name AS mineral, r.statistic_detail AS statistic, r.year AS year, "
        "r.value AS value, r.value_text AS value_as_stated, r.unit AS unit, r.edition AS edition, r.notes AS notes, "
        "r.sources AS _src, c AS _c, r AS _r, m AS _m "
        + ("ORDER BY coalesce(r.value, -1) DESC, country LIMIT 10" if rank else "ORDER BY year, statistic")
    )
    what = metric.replace("_", " ")
    return translation(
        cy,
        params,
        "supply_statistic",
        0.93,
        lambda rows: _stat_sentence(rows, what, rank),
        empty=f"The data release states no {what} of {join(minerals)} matching this.",
        used=used,
        reading=f"{what[:1].upper() + what[1:]} of {join(minerals)}"
        + (f" ({country})" if country else " by country")
        + (f", table matching '{' '.join(dwords)}'" if dwords else "")
        + f" ({_cite(params.get('year') or ' and '.join(map(str, years)))})",
    )


def _stat_sentence(rows: list[dict[str, Any]], what: str, rank: bool) -> str:
    if rank:
        r = rows[0]
        return (
            f"{r['country']} leads {r['mineral']} {what} in {r['year']}: {_value(r)}; then "
            + join([f"{x['country']} {_value(x)}" for x in rows[1:5]])
            + f" ({_cite(None)})."
        )
    parts = [f"{r['statistic']} ({r['year']}): {_value(r)}" for r in rows[:8]]
    return f"{rows[0]['mineral']}: " + "; ".join(parts) + f" ({rows[0]['country']}; {_cite(None)})."


def _detail_filter(where: list[str], params: dict[str, Any], dwords: list[str], cands: list[dict[str, Any]]) -> None:
    """Statistics whose detail has every asked detail word; with none asked, the plain (detail-free) series."""
    if dwords:
        where.append("ALL(w IN $detail_words WHERE toLower(r.statistic_detail) CONTAINS w)")
        params["detail_words"] = dwords
    elif any(c["detail"] == "" for c in cands):
        where.append("coalesce(r.detail, '') = ''")
