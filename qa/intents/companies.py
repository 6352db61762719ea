"""Companies: headquarters, stages, facilities, supply, investment and partnerships."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qa.frame import (
    COMPANY_NOUNS,
    Frame,
    translation,
)
from qa.lexicon import (
    FACILITY_WORDS,
    HQ_WORDS,
    INVEST_WORDS,
    PARTNER_WORDS,
    PRODUCTION_WORDS,
    STAGE_WORDS,
    SUPPLY_WORDS,
)
from qa.phrase import join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator


def intent_company(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Companies by headquarters, stage, nationality; where a company is based; how many."""
    hq = f.has(HQ_WORDS)
    stages = [s for s, ws in STAGE_WORDS.items() if f.has(ws)]
    if (
        len(stages) > 1
        and "magnet making" in stages
        and not re.search(r"\b(make|makes|making|manufactur\w*|produc\w*|makers?)\b", f.text)
    ):
        stages.remove("magnet making")
    stage = stages[0] if stages else None
    asks_companies = f.has(COMPANY_NOUNS | {"who"})
    companies = f.ents("Company", "Organization")
    if (
        hq
        and companies
        and f.wh in ("where", "which", "what", "in", "is", "")
        and not f.has(FACILITY_WORDS - {"operate", "operates", "operated", "operating", "site", "sites", "located"})
    ):
        cy = ("MATCH (c {name: $name})-[r:HEADQUARTERED_IN]->(k:Country) RETURN c.name AS company, k.name AS country, "
              "r.city AS city, r.sources AS _src, c AS _c, r AS _r, k AS _k")  # fmt: skip
        return translation(cy, {"name": companies[0].entity.name}, "company_hq", 0.9,
                  lambda rows: f"{rows[0]['company']} is headquartered in {rows[0]['country']}" + (f" ({rows[0]['city']})" if rows[0]['city'] else "") + ".")  # fmt: skip
    nat_or_country = bool(f.names("Country")) or any(t in tr.demonyms for t in f.tokens)
    listing = bool(re.search(r"\b(companies|firms|corporations)\b", f.text))
    if (
        listing
        and f.names("Country")
        and re.search(r"\b(operat\w*|active|present|plants?|facilit\w*|sites?)\b", f.text)
        and not companies
    ):
        cy = ("MATCH (c:Company)-[o:OPERATES]->(x:Facility)-[l:LOCATED_IN]->(k:Country) WHERE k.name IN $countries "
              "RETURN c.name AS company, x.name AS facility, k.name AS country, x.sources AS _src, c AS _c, o AS _o, x AS _x, l AS _l, k AS _k ORDER BY company")  # fmt: skip
        return translation(cy, {"countries": f.names("Country")}, "companies_operating_in", 0.9,
                  lambda rows: join(list(dict.fromkeys(r["company"] for r in rows))) + " (" + "; ".join(r["facility"] for r in rows[:6]) + ").")  # fmt: skip
    if not (hq or stage or (listing and nat_or_country)) or not asks_companies or companies or f.ents("Facility"):
        return None
    if (
        stage == "mining"
        and f.has(PRODUCTION_WORDS - {"mine", "mines", "mining", "mined"})
        and not f.has({"company", "companies"})
    ):
        return None
    countries = f.names("Country")
    nationality = [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
    params: dict[str, Any] = {}
    matches = ["MATCH (c:Company)-[h:HEADQUARTERED_IN]->(k:Country)"]
    where: list[str] = []
    places = countries + [n for n in nationality if n not in countries]
    if places:
        where.append("k.name IN $countries")
        params["countries"] = places
    if f.outside:
        where.append("NOT k.name IN $outside")
        params["outside"] = f.outside
    city = _city(f) if hq and not places else None
    if city:  # 'headquartered in Durham, North Carolina': a city the graph holds only as text on the link
        where.append("ALL(t IN $city WHERE toLower(coalesce(h.city, '')) CONTAINS t)")
        params["city"] = [w.lower() for w in re.findall(r"[\w.-]+", city)]
    if stage:
        matches.append("MATCH (c)-[a:ACTIVE_IN]->(s:Stage {name: $stage})")
        params["stage"] = stage
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    if f.count:
        cy = f"{body} RETURN count(DISTINCT c) AS companies, collect(h.sources)[0..25] AS _src"
        what = f" headquartered in {join(places)}" if places else ""
        return translation(cy, params, "company_count", 0.9, lambda rows: f"{rows[0]['companies']} companies in the graph{what}" + (f" work in {stage}" if stage else "") + ".")  # fmt: skip
    extra = ", a.detail AS stage_detail, a AS _a, s AS _s" if stage else ""
    cy = (f"{body} RETURN DISTINCT c.name AS company, k.name AS headquarters, h.city AS city{extra}, "
          "c.sources AS _src, c AS _c, h AS _h, k AS _k ORDER BY company")  # fmt: skip
    return translation(cy, params, "company_list", 0.85 if (places or stage or city) else 0.6,
              lambda rows: f"{len(rows)} compan{'y' if len(rows) == 1 else 'ies'}: " + join([r["company"] for r in rows], 30) + ".",
              reading=f"Companies headquartered in {city}" + (f", working in {stage}" if stage else "") if city else "")  # fmt: skip


def _city(f: Frame) -> str | None:
    """A capitalised place after 'headquartered/based in' that links to no node ('Durham, North Carolina')."""
    m = re.search(r"\b(?:headquartered|based|located|HQ'd)\s+in\s+([A-Z][\w.-]*(?:,?\s+[A-Z][\w.-]*)*)", f.question)
    if not m or any(x.start < m.end(1) and m.start(1) < x.end for x in f.mentions):
        return None
    return m.group(1)


def intent_company_relations(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Supply, investment, partnerships and facilities of a company (either direction)."""
    ents = f.ents("Company", "Organization", "Country", "Facility")
    if not ents:
        return None
    kinds = []
    if f.has(SUPPLY_WORDS):
        kinds.append("SUPPLIES")
    if f.has(INVEST_WORDS):
        kinds.append("INVESTS_IN")
    if f.has(PARTNER_WORDS):
        kinds.append("PARTNERS_WITH")
    facility = f.has(FACILITY_WORDS) and not kinds
    if facility:
        fac = f.ents("Facility")
        if fac:
            cy = ("MATCH (c)-[o:OPERATES]->(x:Facility {name: $name}) OPTIONAL MATCH (x)-[l:LOCATED_IN]->(k:Country) "
                  "RETURN x.name AS facility, c.name AS operator, x.kind AS kind, x.location AS location, k.name AS country, "
                  "x.sources AS _src, c AS _c, o AS _o, x AS _x")  # fmt: skip
            return translation(cy, {"name": fac[0].entity.name}, "facility", 0.85,
                      lambda rows: f"{rows[0]['facility']} is operated by {rows[0]['operator']}" + (f" in {rows[0]['country']}" if rows[0]['country'] else "") + ".")  # fmt: skip
        cos = f.ents("Company")
        if cos:
            cy = ("MATCH (c:Company {name: $name})-[o:OPERATES]->(x:Facility) OPTIONAL MATCH (x)-[:LOCATED_IN]->(k:Country) "
                  "RETURN x.name AS facility, x.kind AS kind, x.location AS location, k.name AS country, x.sources AS _src, c AS _c, o AS _o, x AS _x ORDER BY facility")  # fmt: skip
            return translation(cy, {"name": cos[0].entity.name}, "facilities_of", 0.85,
                      lambda rows: f"{len(rows)} facilities: " + join([r["facility"] for r in rows]) + ".")  # fmt: skip
        countries = f.names("Country")
        if countries:
            cy = ("MATCH (c)-[o:OPERATES]->(x:Facility)-[l:LOCATED_IN]->(k:Country) WHERE k.name IN $countries "
                  "RETURN x.name AS facility, c.name AS operator, x.kind AS kind, k.name AS country, x.sources AS _src, c AS _c, o AS _o, x AS _x ORDER BY facility")  # fmt: skip
            return translation(cy, {"countries": countries}, "facilities_in", 0.8,
                      lambda rows: f"{len(rows)} facilities: " + "; ".join(f"{r['facility']} ({r['operator']})" for r in rows[:12]) + ".")  # fmt: skip
        return None
    if not kinds:
        return None
    e = ents[0]
    # "Who supplies X" / "X's customers" / "Who invested in X" -> X is the end; "Who does X supply" -> X is the start.
    incoming = bool(
        re.search(
            r"\b(who|which \w+)\s+(supplies|supply|supplied|sells|sold|invested|invests|funded|financed|backed|lent|partners?)\b",
            f.text,
        )
    ) or bool(re.search(r"\b(suppliers?|investors?|backers?|financiers?)\b", f.text))
    outgoing = bool(re.search(r"\b(customers?|clients?|buyers?)\b", f.text)) or bool(
        re.search(r"\b(does|did|do)\b.*\b(supply|sell|invest|fund|finance)\b", f.text)
    )
    # "US companies", "Australian firms": a country that qualifies the companies asked for, not a party.
    qualifying = [
        m
        for m in ents
        if m.entity.label == "Country"
        and re.match(r"\s+(compan|firms?|miners?|producers?|makers?)", f.question[m.end :])
    ]
    qualifier_names = [m.entity.name for m in qualifying] + [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
    if qualifier_names and e.entity.name in qualifier_names and len(ents) > 1:
        other = next((m for m in ents if m.entity.name not in qualifier_names), None)
        if other is None:
            return None  # every entity only qualifies the companies asked for: the pattern builder reads these
        e = other
    second = [m for m in ents if m.entity.name != e.entity.name and m.entity.name not in qualifier_names]
    params = {"name": e.entity.name, "types": kinds}
    ret = "RETURN a.name AS from, type(r) AS relationship, b.name AS to, r.detail AS detail, r.sources AS _src, a AS _a, r AS _r, b AS _b"
    if qualifier_names and not second:
        params["hq"] = qualifier_names
        side = (
            "endNode(r) = e"
            if incoming and not outgoing
            else "startNode(r) = e"
            if outgoing and not incoming
            else "true"
        )
        cy = (f"MATCH (e {{name: $name}})-[r]-(o) WHERE type(r) IN $types AND {side} MATCH (o)-[:HEADQUARTERED_IN]->(hq:Country) "
              "WHERE hq.name IN $hq RETURN startNode(r).name AS from, type(r) AS relationship, endNode(r).name AS to, "
              "r.detail AS detail, r.sources AS _src, e AS _e, r AS _r, o AS _o ORDER BY from, to")  # fmt: skip
    elif second:
        params["other"] = second[0].entity.name
        cy = f"MATCH (a)-[r]->(b) WHERE type(r) IN $types AND ((a.name = $name AND b.name = $other) OR (a.name = $other AND b.name = $name)) {ret}"
    elif incoming and not outgoing:
        cy = f"MATCH (a)-[r]->(b {{name: $name}}) WHERE type(r) IN $types {ret} ORDER BY from"
    elif outgoing and not incoming:
        cy = f"MATCH (a {{name: $name}})-[r]->(b) WHERE type(r) IN $types {ret} ORDER BY to"
    else:
        cy = (
            f"MATCH (a)-[r]->(b) WHERE type(r) IN $types AND (a.name = $name OR b.name = $name) {ret} ORDER BY from, to"
        )

    def sentence(rows: list[dict[str, Any]]) -> str:
        return (
            "; ".join(f"{r['from']} {r['relationship'].replace('_', ' ').lower()} {r['to']}" for r in rows[:10]) + "."
        )

    t = translation(cy, params, "company_relations", 0.88, sentence)
    wider = ["SUPPLIES", "INVESTS_IN", "PARTNERS_WITH"]
    if set(kinds) != set(wider):  # no such link recorded: show the other business links ("partners" of Lynas)
        t.fallback = translation(cy, params | {"types": wider}, "company_relations", 0.88, sentence)
    return t


def intent_activities(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What does Vulcan Elements make/do?': a company's supply-chain stages and facilities."""
    cos = f.ents("Company")
    if len(cos) != 1 or not re.search(
        r"\bwhat (does|do|did) .+ (make|do|produce|manufacture|process|focus on)\b|\b(stages?|activities|business)\b",
        f.text,
    ):
        return None
    cy = ("MATCH (c:Company {name: $name})-[a:ACTIVE_IN]->(s:Stage) RETURN c.name AS company, s.name AS stage, a.detail AS detail, "
          "a.sources AS _src, c AS _c, a AS _a, s AS _s ORDER BY stage")  # fmt: skip
    return translation(cy, {"name": cos[0].entity.name}, "activities", 0.9,
              lambda rows: f"{rows[0]['company']} works in " + join([f"{r['stage']} ({r['detail']})" for r in rows]) + ".")  # fmt: skip
