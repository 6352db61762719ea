"""Production, reserves and other statistics; rankings, shares, sums; "the most X per Y" over ontology links."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qa.frame import (
    Frame,
    noun_labels,
    rel_between,
    translation,
)
from qa.lexicon import (
    METRIC_WORDS,
    POLICY_CATEGORY_WORDS,
    PRODUCTION_WORDS,
    RESERVE_WORDS,
)
from qa.phrase import fmt, join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator


def intent_production(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Production, reserves and other statistics by country, mineral and year; rankings and comparisons."""
    reserves = f.has(RESERVE_WORDS)
    metric_kind = next((METRIC_WORDS[t] for t in f.tokens if t in METRIC_WORDS), None)
    production = f.has(PRODUCTION_WORDS) or bool(
        re.search(r"\b(produc\w*|min(ed|ing)|output|extract\w*|tonnes|tons|how much)\b", f.text)
    )
    if not (reserves or production or metric_kind):
        return None
    if f.ents("Official", "Policy", "Event", "Facility") or (f.ents("Company", "Organization") and not reserves):
        return None
    if (
        f.has(POLICY_CATEGORY_WORDS["export_control"] | POLICY_CATEGORY_WORDS["tariff"])
        and not reserves
        and metric_kind != "share"
    ):
        return None
    if re.search(r"\b(compan\w*|firms?|makers?|manufacturers?|corporations?)\b", f.text):
        return None
    asks_which_minerals = bool(re.search(r"\b(which|what) (minerals|elements|metals|commodities)\b", f.text))
    minerals = [n for n in f.names("Mineral")] or ([] if asks_which_minerals else ["Rare earths"])
    countries = [n for n in f.names("Country") if n not in f.outside]
    if f.order and countries == ["World"]:
        countries = []
    nationality = [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
    countries += [c for c in nationality if c not in countries]
    rel = "HAS_RESERVES" if reserves else "PRODUCES"
    params: dict[str, Any] = {"minerals": minerals}
    where = ["m.name IN $minerals", "r.latest = true"] if minerals else ["r.latest = true"]
    if f.edition:  # 'according to MCS 2026': that edition's figure, not the newest
        where = [w if w != "r.latest = true" else "r.edition = $edition" for w in where]
        params["edition"] = f.edition
    if re.search(r"\b(entirely|fully|completely|totally|100 ?%|wholly)\b", f.text):
        where.append("r.value >= 100")
    computed_share = metric_kind == "share" and production and not re.search(r"refin|separat|magnet|process", f.text)
    if metric_kind and not reserves and not computed_share:
        rel = "HAS_METRIC"
        params["metric"] = {"share": "share", "quota": "quota", "import_reliance": "reliance", "capacity": "capacity"}[
            metric_kind
        ]
        exact = _best_metric(tr, f, params["metric"])
        if exact:  # 'first batch of mining quotas' -> mining_quota_first_batch
            where.append("r.metric = $metric")
            params["metric"] = exact
        else:
            where.append("toLower(r.metric) CONTAINS $metric")
    share = "share" in f.tokens or "percentage" in f.tokens or "percent" in f.tokens
    if share:
        countries = [c for c in countries if c != "World"]
    if metric_kind == "share" and rel == "HAS_METRIC":
        share = False
        for stem in ("refin", "separat", "magnet", "mining", "mine output"):
            if stem in f.text:
                where.append("toLower(r.metric) CONTAINS $stem")
                params["stem"] = stem.split()[0]
                break
    if f.time and f.time.year:
        where.append("r.year = $year")
        params["year"] = f.time.year
    elif rel != "HAS_METRIC" and not countries:
        where.append("r.year = $year")
        params["year"] = _latest_year(tr, rel, minerals)
    ret_cols = "c.name AS country, m.name AS mineral, r.year AS year, r.value AS value, r.value_text AS value_as_stated, r.unit AS unit, r.edition AS edition"
    hidden = ", r.sources AS _src, c AS _c, r AS _r, m AS _m"
    world = "World" in countries
    if f.outside:
        where.append("NOT c.name IN $outside")
        params["outside"] = f.outside
    if share and countries and not world:
        params["countries"] = countries
        cy = (
            f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} AND c.name IN $countries "
            f"WITH c, r, m MATCH (w:Country)-[t:{rel}]->(m2:Mineral) WHERE w.name = 'World' AND m2.name = m.name AND t.latest = true AND t.year = r.year "
            f"RETURN c.name AS country, m.name AS mineral, r.year AS year, r.value AS value, t.value AS world_total, "
            f"round(1000.0 * r.value / t.value) / 10.0 AS share_percent, r.unit AS unit, r.edition AS edition, "
            f"r.sources + t.sources AS _src, c AS _c, r AS _r, m AS _m ORDER BY year DESC"
        )
        return translation(cy, params, "production_share", 0.9, lambda rows: _share_sentence(rows, rel))
    if countries and re.search(r"\b(total|combined|together|sum|altogether)\b", f.text) and len(countries) > 1:
        params["countries"] = countries
        where.append("c.name IN $countries")
        if "year" not in params:
            where.append("r.year = $year")
            params["year"] = _latest_year(tr, rel, minerals)
        cy = (f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN sum(r.value) AS total, "
              "collect(c.name) AS countries, r.year AS year, r.unit AS unit, collect(r.sources) AS _src")  # fmt: skip
        return translation(
            cy,
            params,
            "production_sum",
            0.9,
            lambda rows: (
                f"Together {join(rows[0]['countries'])}: {fmt(rows[0]['total'])} {rows[0]['unit']} in {rows[0]['year']}."
            ),
        )
    if countries:
        params["countries"] = countries
        where.append("c.name IN $countries")
        if f.threshold is not None:
            where.append("r.value > $threshold")
            params["threshold"] = f.threshold
        cy = f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN {ret_cols}{hidden} ORDER BY year DESC, value DESC"
        return translation(cy, params, "production_value", 0.9, lambda rows: _value_sentence(rows, rel),
                  empty=f"The graph has no {rel.replace('_', ' ').lower()} figure for {join(countries)} matching this.")  # fmt: skip
    where.append("c.kind = 'country'")
    if f.threshold is not None:
        where.append("r.value > $threshold")
        params["threshold"] = f.threshold
    if f.count:
        where.append("r.value > 0")
        cy = f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN count(DISTINCT c) AS countries, collect(r.sources)[0..25] AS _src"
        return translation(cy, params, "production_count", 0.85, lambda rows: f"{rows[0]['countries']} countries.")
    order = f.order or ("desc" if f.wh in ("which", "who", "what") else None)
    if not order and f.threshold is None:
        order = "desc"
    where.append("r.value IS NOT NULL")
    lim = f.top_n or (
        1 if ((f.order and f.wh in ("which", "who", "what", "") and not _plural_ask(f)) or f.rank > 1) else 20
    )
    params["skip"] = max(0, f.rank - 1) if f.top_n is None else 0
    params["n"] = lim
    cy = (
        f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN {ret_cols}{hidden} "
        f"ORDER BY value {'ASC' if order == 'asc' else 'DESC'} SKIP $skip LIMIT $n"
    )
    return translation(
        cy,
        params,
        "production_rank",
        0.9,
        lambda rows: _rank_sentence(rows, rel, f.rank if lim == 1 else None, least=order == "asc"),
    )


def _best_metric(tr: RulesTranslator, f: Frame, kind: str) -> str | None:
    """The stored metric whose name the question spells out best, when one does so strictly better than the rest."""
    from qa.coverage import stem

    if not hasattr(tr, "_metrics"):
        rows = tr.store.run("MATCH ()-[r:HAS_METRIC]->() RETURN DISTINCT r.metric AS m")
        tr._metrics = [r["m"] for r in rows if r["m"]]  # type: ignore[attr-defined]
    asked = {stem(t) for t in f.tokens}
    scored = []
    for m in tr._metrics:  # type: ignore[attr-defined]
        if kind not in m.lower():
            continue
        parts = {stem(p) for p in re.findall(r"[a-z0-9]+", m.lower()) if p not in ("of", "and", "the")}
        hit = len(parts & asked)
        scored.append((hit, -len(parts - asked), m))
    scored.sort(reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]


def _plural_ask(f: Frame) -> bool:
    return bool(re.search(r"\b(which|what) (countries|nations|producers)\b|\btop \d|\brank", f.text))


def _latest_year(tr: RulesTranslator, rel: str, minerals: list[str]) -> int:
    rows = tr.store.run(
        f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE (size($minerals) = 0 OR m.name IN $minerals) AND r.latest = true "
        "AND c.kind = 'country' "
        "RETURN max(r.year) AS y",
        {"minerals": minerals},
    )
    return int(rows[0]["y"]) if rows and rows[0]["y"] is not None else 2025


def _what(rel: str) -> str:
    return {"PRODUCES": "production", "HAS_RESERVES": "reserves", "HAS_METRIC": ""}.get(rel, "")


def _val(r: dict[str, Any]) -> str:
    if r.get("value_as_stated"):
        return str(r["value_as_stated"])
    unit = r.get("unit") or ""
    unit = {"metric tons": "t", "percent": "%"}.get(unit, unit)
    return f"{fmt(r['value'])}{'' if unit == '%' else ' '}{unit}".strip()


def _value_sentence(rows: list[dict[str, Any]], rel: str) -> str:
    several = len({r["mineral"] for r in rows}) > 1
    parts = [
        f"{r['country']}{' ' + r['mineral'] if several else ''} {r['year']}: {_val(r)} ({r['edition']})"
        for r in rows[:8]
    ]
    return ("" if several else f"{rows[0]['mineral']} {_what(rel)}: ") + "; ".join(parts) + "."


def _rank_sentence(rows: list[dict[str, Any]], rel: str, rank: int | None, least: bool = False) -> str:
    r = rows[0]
    if rank:
        most = "least" if least else "most"
        pos = {1: f"the {most}", 2: f"the second {most}", 3: f"the third {most}"}.get(rank, f"number {rank}")
        noun = "reserves" if rel == "HAS_RESERVES" else "production"
        return (
            f"{r['country']} ranks {pos} in {r['mineral'].lower()} {noun} for {r['year']}: {_val(r)} ({r['edition']})."
        )
    return (
        f"{r['mineral']} {_what(rel)} {r['year']}: " + "; ".join(f"{x['country']} {_val(x)}" for x in rows[:10]) + "."
    )


def _share_sentence(rows: list[dict[str, Any]], rel: str) -> str:
    r = rows[0]
    return (f"{r['country']} accounted for {r['share_percent']}% of world {r['mineral'].lower()} {_what(rel)} in {r['year']} "
            f"({fmt(r['value'])} of {fmt(r['world_total'])} {r['unit']}, {r['edition']}).")  # fmt: skip


def intent_most(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which country has enacted the most export controls?', 'Which mineral is covered by the most policies?'."""
    if not re.search(r"\b(most|largest number|highest number|how many)\b", f.text):
        return None
    nouns = noun_labels(f)
    if len(nouns) < 2 or f.has(PRODUCTION_WORDS | RESERVE_WORDS) and nouns[1][1] == "Mineral":
        return None
    (_, target, _), (cw, counted, _) = nouns[0], nouns[1]
    if target == counted or f.count and not re.search(r"\b(each|per|by)\b", f.text):
        return None
    link = rel_between(target, counted, f)
    if not link:
        return None
    rel, forward = link
    pattern = f"(t:{target})-[r:{rel}]->(c:{counted})" if forward else f"(t:{target})<-[r:{rel}]-(c:{counted})"
    params: dict[str, Any] = {}
    where = []
    cats = [c for c, ws in POLICY_CATEGORY_WORDS.items() if f.has(ws - {"deal", "deals"})]
    if counted == "Policy" and cats:
        where.append("c.category IN $cats")
        params["cats"] = cats
    if target == "Country":
        where.append("t.kind = 'country'")
    if f.time and f.time.prefix and counted in ("Policy", "Event"):
        where.append(("c.date_announced" if counted == "Policy" else "c.date") + " STARTS WITH $when")
        params["when"] = f.time.prefix
    cy = (f"MATCH {pattern}" + (" WHERE " + " AND ".join(where) if where else "")
          + f" WITH t, r, c ORDER BY c.name RETURN t.name AS {target.lower()}, count(DISTINCT c) AS {cw}, collect(DISTINCT c.name)[0..10] AS examples, "
          "collect(r.sources)[0..10] AS _src ORDER BY " + cw + " DESC LIMIT 10")  # fmt: skip
    return translation(cy, params, "most", 0.88,
              lambda rows: f"{rows[0][target.lower()]} has the most {cw} ({rows[0][cw]}); then " + join([f"{r[target.lower()]} ({r[cw]})" for r in rows[1:5]]) + ".")  # fmt: skip
