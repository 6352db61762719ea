"""The offline translator: a schema-aware semantic parser from plain English to parameterised Cypher.

How it works: the question is parsed into a `Frame` (entities linked through names and aliases
with fuzzy matching, time constraints, question form, superlatives, counts, relation words from
the ontology's lexicon). Each intent below claims the frames it can answer and builds Cypher
whose every value is a parameter. The highest-scoring intent wins; with none, the translator
says it is not confident (returns None) instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.ontology import NODE_BY_LABEL
from graph.store import GraphStore
from ingest.resolve import EntityIndex, Mention, index_from_store
from qa.answer import Translation
from qa.lexicon import (
    COUNT_WORDS,
    EVENT_WORDS,
    FACILITY_WORDS,
    HQ_WORDS,
    INVEST_WORDS,
    METRIC_WORDS,
    NUMBERS,
    OFFICE_WORDS,
    ORDINALS,
    OUTSIDE_RE,
    PARTNER_WORDS,
    PATH_WORDS,
    POLICY_CATEGORY_WORDS,
    POLICY_NOUNS,
    PRODUCTION_WORDS,
    RESERVE_WORDS,
    ROLE_IGNORE,
    ROLE_SYNONYMS,
    STAGE_WORDS,
    STOP,
    SUPERLATIVE,
    SUPPLY_WORDS,
    USE_WORDS,
    WH_WORDS,
    TimeSpec,
    find_time,
    words,
)
from qa.phrase import fmt, join

VOCAB = (
    OFFICE_WORDS
    | EVENT_WORDS
    | PRODUCTION_WORDS
    | RESERVE_WORDS
    | SUPPLY_WORDS
    | INVEST_WORDS
    | USE_WORDS
    | PATH_WORDS
    | HQ_WORDS
    | FACILITY_WORDS
    | POLICY_NOUNS
    | set().union(*POLICY_CATEGORY_WORDS.values())
)
LINK_LABELS = (
    "Country",
    "Mineral",
    "Company",
    "Organization",
    "Official",
    "Facility",
    "Application",
    "Policy",
    "Event",
    "Stage",
)
ORGS = ("Company", "Organization")
COMPANY_NOUNS = {
    "company",
    "companies",
    "firm",
    "firms",
    "producer",
    "producers",
    "makers",
    "maker",
    "manufacturers",
    "corporations",
}
PERSON_ORG = ("Official", "Company", "Organization")


@dataclass
class Frame:
    question: str
    text: str  # lower-cased
    tokens: list[str]
    mentions: list[Mention]
    time: TimeSpec | None
    wh: str
    count: bool
    order: str | None = None
    rank: int = 1
    top_n: int | None = None
    outside: list[str] = field(default_factory=list)
    threshold: float | None = None
    masked: str = ""  # the question with its date expressions blanked out

    def ents(self, *labels: str) -> list[Mention]:
        return [m for m in self.mentions if m.entity.label in labels and m.entity.name not in self.outside]

    def names(self, *labels: str) -> list[str]:
        out: list[str] = []
        for m in self.ents(*labels):
            if m.entity.name not in out:
                out.append(m.entity.name)
        return out

    def has(self, vocab: set[str] | dict) -> bool:
        """Whether any token (or its singular) is in the vocabulary."""
        return any(t in vocab or (t.endswith("s") and (t[:-1] in vocab or t[:-2] in vocab)) for t in self.tokens)


class RulesTranslator:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.index: EntityIndex = index_from_store(store)
        self.demonyms = {
            r["d"].lower(): r["name"]
            for r in store.run("MATCH (c:Country) WHERE c.demonym IS NOT NULL RETURN c.name AS name, c.demonym AS d")
        }
        self.person_country = {
            r["name"]: r["country"]
            for r in store.run(
                "MATCH (o:Official) WHERE o.country IS NOT NULL RETURN o.name AS name, o.country AS country"
            )
        }

    # -- parsing -------------------------------------------------------------------------
    def parse(self, question: str) -> Frame:
        q = question.strip().rstrip("?!. ")
        time, spans = find_time(q)
        masked = q
        for a, b in spans:
            masked = masked[:a] + " " * (b - a) + masked[b:]
        mentions = [m for m in self.index.find_mentions(masked, LINK_LABELS, fuzzy=True) if self._keep(m, masked)]
        low = q.lower()
        toks = words(q)
        wh = next((w for w in toks[:3] if w in WH_WORDS), "")
        if wh == "whom":
            wh = "who"
        if re.search(r"\b(what|which) (date|day)\b|\bwhen\b", low):
            wh = "when"
        f = Frame(question, low, toks, mentions, time, wh, any(c in low for c in COUNT_WORDS), masked=masked)
        for t in toks:
            if t in SUPERLATIVE:
                f.order = SUPERLATIVE[t]
                break
        for t in toks:
            if t in ORDINALS:
                f.rank = ORDINALS[t]
                f.order = f.order or "desc"
        m = re.search(r"\btop\s+(\d+|" + "|".join(NUMBERS) + r")\b", low)
        if m:
            f.top_n = int(m.group(1)) if m.group(1).isdigit() else NUMBERS[m.group(1)]
            f.order = f.order or "desc"
        m = re.search(r"\b(?:more|greater|larger|higher) than\s+([\d,\.]+)\s*(million|thousand|k|m)?", low)
        if m:
            mult = {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}.get(m.group(2) or "", 1)
            f.threshold = float(m.group(1).replace(",", "")) * mult
        for men in mentions:
            if OUTSIDE_RE.search(q[: men.start]):
                f.outside.append(men.entity.name)
        return f

    def _keep(self, m: Mention, text: str) -> bool:
        """Drop links that are parts of the question's own vocabulary ('rare earths' is a group only when meant)."""
        return not (m.score < 100 and any(w in STOP or w in VOCAB for w in words(m.surface)))

    # -- translating -----------------------------------------------------------------------
    def translate(self, question: str, history: list[Translation]) -> Translation | None:
        followed = self._follow_up(question, history)
        if followed:
            question = followed
        f = self.parse(question)
        best: Translation | None = None
        for intent in INTENTS:
            t = intent(self, f)
            if t is not None and (best is None or t.confidence > best.confidence):
                best = t
        if best is not None:
            best.frame = {"question": question, "intent": best.intent}
            best.entities = [(m.entity.label, m.entity.name) for m in f.mentions]
        return best

    def _follow_up(self, question: str, history: list[Translation]) -> str | None:
        """'and Japan?', 'what about 2024?': the previous question with its entity or year replaced."""
        if not history:
            return None
        q = question.strip().rstrip("?. ")
        m = re.match(r"^(and|what about|how about|and what about|same for|and for|and in|what of)\s+(.*)$", q, re.I)
        if not m or len(words(q)) > 8:
            return None
        prev = history[-1].frame.get("question") if history[-1].frame else None
        if not prev:
            return None
        rest = m.group(2)
        new_time, _ = find_time(rest)
        out = prev
        if new_time:
            old_time, spans = find_time(prev)
            if spans:
                a, b = spans[0]
                out = out[:a] + rest.strip() + out[b:]
            else:
                out = f"{out} in {rest.strip()}"
            return out
        new = self.index.find_mentions(rest, LINK_LABELS, fuzzy=True)
        if not new:
            return None
        old = self.index.find_mentions(prev, LINK_LABELS, fuzzy=True)
        for n in new:
            same = [o for o in old if o.entity.label == n.entity.label]
            if same:
                o = same[0]
                out = out[: o.start] + n.entity.name + out[o.end :]
                old = self.index.find_mentions(out, LINK_LABELS, fuzzy=True)
        return out if out != prev else None


# -- intents --------------------------------------------------------------------------------
def _t(
    cypher: str, params: dict[str, Any], intent: str, conf: float, phrase: Any = None, empty: str = ""
) -> Translation:
    return Translation(re.sub(r"\s+", " ", cypher).strip(), params, "rules", intent, conf, phrase=phrase, empty=empty)


def _minerals(f: Frame, tr: RulesTranslator) -> list[str]:
    names = f.names("Mineral")
    return names


def intent_attribute(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What is the symbol of dysprosium?', 'atomic number of Nd', 'classification of yttrium'."""
    number = re.search(r"\b(\d{1,3})\b", f.masked)
    if number and f.has({"number", "atomic"}) and all(m.entity.name.startswith("Rare earths") for m in f.mentions):
        cy = "MATCH (m:Mineral) WHERE m.atomic_number = $z RETURN m.name AS mineral, m.symbol AS symbol, m.atomic_number AS atomic_number, m.sources AS _src"
        return _t(cy, {"z": int(number.group(1))}, "attribute_reverse", 0.85,
                  lambda rows: f"{rows[0]['mineral']} ({rows[0]['symbol']}) has atomic number {rows[0]['atomic_number']}.")  # fmt: skip
    if len(f.mentions) != 1:
        return None
    m = f.mentions[0]
    node = NODE_BY_LABEL[m.entity.label]
    for p in node.props:
        for w in p.words:
            if re.search(rf"\b{re.escape(w)}\b", f.text) and p.name not in ("name",):
                if p.name in ("date",) and m.entity.label != "Event":
                    continue
                if m.entity.label == "Event" and p.name == "date" and f.wh not in ("when", "what"):
                    continue
                cy = f"MATCH (n:{m.entity.label} {{name: $name}}) RETURN n.name AS name, n.{p.name} AS {p.name}, n.sources AS _src"
                return _t(cy, {"name": m.entity.name}, "attribute", 0.8,
                          lambda rows, p=p: f"The {p.name.replace('_', ' ')} of {rows[0]['name']} is {fmt(rows[0][p.name])}.")  # fmt: skip
    return None


def intent_classified(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which rare earths are classified as heavy?', 'list the light rare earth elements'."""
    cls = next((c for c in ("neither", "heavy", "light") if c in f.tokens), None)
    if not cls or f.ents("Country", "Company", "Official", "Policy") or f.has(COMPANY_NOUNS):
        return None
    specific = [n for n in f.names("Mineral") if not n.startswith("Rare earths")]
    if specific and f.wh in ("is", "are", "was", "what", "which"):
        cy = ("MATCH (m:Mineral) WHERE m.name IN $minerals RETURN m.name AS mineral, m.classification AS classification, "
              "m.classification_as_stated AS as_stated, m.sources AS _src, m AS _m")  # fmt: skip
        return _t(cy, {"minerals": specific}, "classification_of", 0.9, lambda rows: "; ".join(
            f"{r['mineral']} is classified as {r['classification'] or 'neither'} ({r['as_stated']})" for r in rows) + ".")  # fmt: skip
    if not (f.has({"rare", "earths", "earth", "elements", "element", "minerals", "ree", "rees"}) or f.names("Mineral")):
        return None
    if f.has(POLICY_CATEGORY_WORDS["export_control"]) or f.has(PRODUCTION_WORDS | RESERVE_WORDS):
        return None
    ret = (
        "count(m) AS count, collect(m.sources)[0..25] AS _src"
        if f.count
        else "m.name AS mineral, m.symbol AS symbol, m.atomic_number AS atomic_number, m.classification_as_stated AS classification, m.sources AS _src"
    )
    cy = f"MATCH (m:Mineral)-[:MEMBER_OF]->(:Mineral {{name: $group}}) WHERE m.classification = $cls RETURN {ret}" + (
        "" if f.count else " ORDER BY atomic_number"
    )
    return _t(cy, {"group": "Rare earths", "cls": cls}, "classified", 0.85,
              lambda rows: (f"{rows[0]['count']} rare earths are classified as {cls}." if f.count else
                            f"Classified as {cls} (USGS rule): " + join([r["mineral"] for r in rows], 30) + "."))  # fmt: skip


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
    if re.search(r"\b(entirely|fully|completely|totally|100 ?%|wholly)\b", f.text):
        where.append("r.value >= 100")
    computed_share = metric_kind == "share" and production and not re.search(r"refin|separat|magnet|process", f.text)
    if metric_kind and not reserves and not computed_share:
        rel = "HAS_METRIC"
        where.append("toLower(r.metric) CONTAINS $metric")
        params["metric"] = {"share": "share", "quota": "quota", "import_reliance": "reliance", "capacity": "capacity"}[
            metric_kind
        ]
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
        return _t(cy, params, "production_share", 0.9, lambda rows: _share_sentence(rows, rel))
    if countries and re.search(r"\b(total|combined|together|sum|altogether)\b", f.text) and len(countries) > 1:
        params["countries"] = countries
        where.append("c.name IN $countries")
        if "year" not in params:
            where.append("r.year = $year")
            params["year"] = _latest_year(tr, rel, minerals)
        cy = (f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN sum(r.value) AS total, "
              "collect(c.name) AS countries, r.year AS year, r.unit AS unit, collect(r.sources) AS _src")  # fmt: skip
        return _t(
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
        return _t(cy, params, "production_value", 0.9, lambda rows: _value_sentence(rows, rel),
                  empty=f"The graph has no {rel.replace('_', ' ').lower()} figure for {join(countries)} matching this.")  # fmt: skip
    where.append("c.kind = 'country'")
    if f.threshold is not None:
        where.append("r.value > $threshold")
        params["threshold"] = f.threshold
    if f.count:
        where.append("r.value > 0")
        cy = f"MATCH (c:Country)-[r:{rel}]->(m:Mineral) WHERE {' AND '.join(where)} RETURN count(DISTINCT c) AS countries, collect(r.sources)[0..25] AS _src"
        return _t(cy, params, "production_count", 0.85, lambda rows: f"{rows[0]['countries']} countries.")
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
    return _t(cy, params, "production_rank", 0.9, lambda rows: _rank_sentence(rows, rel, f.rank if lim == 1 else None))


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


def _rank_sentence(rows: list[dict[str, Any]], rel: str, rank: int | None) -> str:
    r = rows[0]
    if rank:
        pos = {1: "the most", 2: "the second most", 3: "the third most"}.get(rank, f"number {rank}")
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


def intent_policy(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Export controls, tariffs, agreements, investments: by enacting country, target, mineral, date, status."""
    if re.search(r"\b(share|percent|percentage)\b", f.text) and not f.has(POLICY_NOUNS):
        return None
    cats = [c for c, ws in POLICY_CATEGORY_WORDS.items() if f.has(ws - {"deal", "deals"})]
    named = f.names("Policy")
    if not cats and not named and not f.has(POLICY_NOUNS | {"deal", "deals"}):
        return None
    if (
        f.ents("Official")
        and f.has(EVENT_WORDS)
        and not f.has(POLICY_NOUNS)
        and not re.search(r"\bpropos|\boffer", f.text)
    ):
        return None
    if "export_control" in cats and "suspension" in cats and not re.search(r"suspen", f.text):
        cats.remove("suspension")
    if (
        "agreement" in cats
        and len(cats) > 1
        and not re.search(r"agree|framework|deal|mou|sign|truce|arrangement|propos", f.text)
    ):
        cats.remove("agreement")
    params: dict[str, Any] = {}
    where: list[str] = []
    matches = ["MATCH (p:Policy)"]
    enactors, targets = _policy_parties(tr, f)
    if re.search(r"\b(propos\w*|offer\w*|suggest\w*)\b", f.text):
        where.append("p.policy_type = 'proposal'")
    elif "agreement" in cats:  # proposals are not agreements signed
        where.append("p.policy_type <> 'proposal'")
    listing = f.wh in ("which", "what", "list", "show", "name", "") and not re.match(
        r"^(is|are|was|were|has|have|did|does)\b", f.text
    )
    status_filter = next(
        (
            st
            for st, rx in (
                ("suspended", r"\b(currently |now |are |were )?suspended\b"),
                ("in_force", r"\b(in force|in effect|active)\b"),
            )
            if re.search(rx, f.text)
        ),
        None,
    )
    if listing and status_filter and not named:
        where.append("p.status = $status")
        params["status"] = status_filter
        if "suspension" in cats and len(cats) > 1:
            cats.remove("suspension")
    if named:
        where.append("p.name IN $policies")
        params["policies"] = named
    if cats:
        c2 = [c for c in cats if c != "suspension"] or cats
        where.append("p.category IN $cats")
        params["cats"] = c2 + (["suspension"] if "export_control" in c2 and "suspension" in cats else [])
    for i, e in enumerate(enactors):
        matches.append(f"MATCH (e{i}:Country {{name: $en{i}}})-[:ENACTED]->(p)")
        params[f"en{i}"] = e
    for i, t in enumerate(targets):
        if "agreement" in cats:
            matches.append(f"MATCH (p)-[:TARGETS|ENACTED]-(:Country {{name: $tg{i}}})")
        else:
            matches.append(f"MATCH (p)-[:TARGETS]->(:Country {{name: $tg{i}}})")
        params[f"tg{i}"] = t
    for i, o in enumerate(f.names("Company", "Organization")):
        matches.append(f"MATCH (p)-[:ENACTED|INVOLVES|TARGETS]-(o{i} {{name: $org{i}}})")
        params[f"org{i}"] = o
    mins = f.names("Mineral")
    ask_minerals = bool(
        re.search(
            r"\b(which|what)\s+(\w+\s+){0,2}(minerals|elements|rare earths|metals|materials|commodities|items|rees|ree)\b",
            f.text,
        )
    ) or (
        f.wh == "what" and re.search(r"\bwhat did \w+( \w+)? (ban|restrict|control|put|place|add)", f.text) is not None
    )
    if mins and not (ask_minerals and mins == ["Rare earths"]):
        matches.append("MATCH (p)-[:COVERS]->(cm:Mineral) WHERE cm.name IN $minerals")
        params["minerals"] = mins
    if f.time and f.time.prefix:
        where.append("(p.date_announced STARTS WITH $when OR p.date_effective STARTS WITH $when)")
        params["when"] = f.time.prefix
    status_q = bool(
        re.search(r"\b(still|in force|in effect|status|suspended|lifted|active|current)\b", f.text)
    ) and f.wh in ("is", "are", "was", "what", "")
    if not (named or enactors or targets or mins or cats or f.time or f.names("Company", "Organization")):
        return None
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    body = body.replace(" WHERE cm.name IN $minerals WHERE ", " WHERE cm.name IN $minerals AND ")
    if re.search(r"\b(which|what) (countries|nations)\b", f.text):
        params["exclude"] = enactors + targets
        cy = (f"{body} MATCH (p)-[x:TARGETS|ENACTED]-(t:Country) WHERE NOT t.name IN $exclude AND t.kind <> 'aggregate' "
              "RETURN t.name AS country, count(DISTINCT p) AS policies, collect(DISTINCT p.name) AS policy_names, "
              "collect(p.sources) AS _src ORDER BY policies DESC")  # fmt: skip
        return _t(
            cy,
            params,
            "policy_countries",
            0.9,
            lambda rows: join([f"{r['country']} ({r['policies']})" for r in rows], 20) + ".",
        )
    apps = f.names("Application")
    cls = next((c for c in ("heavy", "light") if c in f.tokens), None)
    if ask_minerals and re.search(r"\b(not|never|aren't|isn't|weren't|uncontrolled|unrestricted)\b", f.text):
        params["cls"] = cls
        cy = _negated_minerals(body, params)
        return _t(
            cy,
            params,
            "policy_minerals_not",
            0.88,
            lambda rows: join([r["mineral"] for r in rows], 20) + " (no matching policy covers them).",
        )
    if ask_minerals:
        grp = "MATCH (p)-[cv:COVERS]->(m:Mineral) WHERE m.name <> 'Rare earths' AND m.name <> 'Rare earths (heavy)'"
        if mins == ["Rare earths"]:
            grp = "MATCH (p)-[cv:COVERS]->(m:Mineral)-[:MEMBER_OF]->(:Mineral {name: 'Rare earths'})"
        if apps:
            grp += " MATCH (m)-[:USED_IN]->(ap:Application) WHERE ap.name IN $apps"
            params["apps"] = apps
        if cls:
            grp += " WITH p, cv, m WHERE m.classification = $cls"
            params["cls"] = cls
        ret = ("count(DISTINCT m) AS minerals, collect(p.sources)[0..25] AS _src" if f.count else
               "m.name AS mineral, m.symbol AS symbol, p.name AS policy, p.date_announced AS announced, p.status AS status, p.sources AS _src, p AS _p, cv AS _r, m AS _m")  # fmt: skip
        cy = f"{body} {grp} RETURN {ret}" + ("" if f.count else " ORDER BY announced, mineral")
        return _t(cy, params, "policy_minerals", 0.9,
                  lambda rows: (f"{rows[0]['minerals']} minerals." if f.count else
                                f"{join(sorted({r['mineral'] for r in rows}), 30)} (under {join(sorted({r['policy'] for r in rows}))}, announced {join(sorted({r['announced'] for r in rows}))})."))  # fmt: skip
    ret = (
        "p.name AS policy, p.policy_type AS type, p.date_announced AS announced, p.date_effective AS effective, "
        "p.status AS status, p.suspended_until AS suspended_until, p.status_text AS status_as_stated, "
        "[(p)-[:COVERS]->(x:Mineral) | x.name] AS minerals, [(c:Country)-[:ENACTED]->(p) | c.name] AS enacted_by, "
        "[(p)-[:TARGETS]->(y) | y.name] AS targets, p.description AS description, p.sources AS _src, p AS _p"
    )
    if f.count:
        cy = f"{body} RETURN count(DISTINCT p) AS policies, collect(p.sources)[0..25] AS _src"
        return _t(cy, params, "policy_count", 0.85, lambda rows: f"{rows[0]['policies']} policies.")
    topic = _topic_words(f)
    order = "announced"
    if topic:
        params["topic"] = topic
        ret += (
            ", 2 * size([t IN $topic WHERE toLower(p.name) CONTAINS t]) + size([t IN $topic WHERE "
            "toLower(coalesce(p.description, '') + ' ' + coalesce(p.date_text, '')) CONTAINS t]) AS relevance"
        )
        order = "relevance DESC, announced"
    cy = f"{body} RETURN DISTINCT {ret} ORDER BY {order}"
    if f.wh == "when":
        return _t(cy, params, "policy_when", 0.9, lambda rows: "; ".join(f"{r['policy']}: announced {r['announced']}" + (f", effective {r['effective']}" if r['effective'] and r['effective'] != r['announced'] else "") + (f", suspended until {r['suspended_until']}" if r['suspended_until'] else "") for r in rows[:6]) + ".")  # fmt: skip
    if status_q:
        return _t(cy, params, "policy_status", 0.9, lambda rows: "; ".join(
            f"{r['policy']} ({r['announced']}) is {str(r['status']).replace('_', ' ')}" + (f" until {r['suspended_until']}" if r['suspended_until'] else "") + (f" — {r['status_as_stated']}" if r['status_as_stated'] else "") for r in rows[:6]) + ".")  # fmt: skip
    return _t(cy, params, "policy_list", 0.85 if (cats or named or mins or enactors or targets) else 0.6, lambda rows: f"{len(rows)} polic{'y' if len(rows) == 1 else 'ies'}: " + "; ".join(
        f"{r['policy']} ({r['announced']}, {str(r['status']).replace('_', ' ')})" + (f" covering {join(r['minerals'], 6)}" if r['minerals'] else "") for r in rows[:8]) + ".")  # fmt: skip


def _topic_words(f: Frame) -> list[str]:
    """Content words that name no entity and no lexicon term: what the question is about ('Busan', 'framework')."""
    taken = " ".join(m.surface.lower() for m in f.mentions if m.entity.label not in ("Application", "Stage"))
    out = []
    for t in words(f.masked):
        if (
            len(t) > 3
            and t not in STOP
            and t not in VOCAB
            and t not in taken
            and t not in ROLE_IGNORE
            and not t.isdigit()
        ):
            out.append(t[:7])
    return list(dict.fromkeys(out))[:6]


def _negated_minerals(body: str, params: dict[str, Any]) -> str:
    """Rare earths that no policy matching `body` covers."""
    return (f"{body} MATCH (p)-[:COVERS]->(c:Mineral) WITH collect(DISTINCT c.name) AS covered "
            "MATCH (m:Mineral)-[:MEMBER_OF]->(:Mineral {name: 'Rare earths'}) WHERE NOT m.name IN covered "
            "AND ($cls IS NULL OR m.classification = $cls) RETURN m.name AS mineral, m.symbol AS symbol, m.sources AS _src ORDER BY mineral")  # fmt: skip


def _policy_parties(tr: RulesTranslator, f: Frame) -> tuple[list[str], list[str]]:
    """Which countries enact and which are targeted: 'on/against/to/with/from X' marks a target."""
    enactors: list[str] = []
    targets: list[str] = []
    people = f.ents("Official") if not f.ents("Country") else []
    for m in f.ents("Country") + people:
        country = m.entity.name if m.entity.label == "Country" else tr.person_country.get(m.entity.name)
        if not country:
            continue
        before = f.question[max(0, m.start - 30) : m.start].lower()
        possessive = bool(re.match(r"['’]s\b", f.question[m.end : m.end + 2])) or m.surface.endswith(("'s", "’s"))
        object_of = re.search(
            r"\b(on|against|to|with|targeting|toward|towards|from|into|for|and|offer\w*|propos\w*|gave|give\w*|"
            r"sell\w*|sold|told|urged?|ask\w*|ban\w*|hit)\s+(the\s+)?$",
            before,
        )
        (targets if object_of and not possessive else enactors).append(country)
    for t in f.tokens:
        if t in tr.demonyms and tr.demonyms[t] not in enactors + targets:
            enactors.append(tr.demonyms[t])
    return list(dict.fromkeys(enactors)), list(dict.fromkeys(targets))


def intent_office(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Who is the CEO of MP Materials?', 'Who was Japan's prime minister in June 2025?', 'What office does X hold?'."""
    people = f.ents("Official")
    if people and (
        f.has({"role", "office", "position", "job", "title"}) or re.match(r"^(who|what) (is|was) \S+( \S+)?$", f.text)
    ):
        cy = ("MATCH (o:Official {name: $name})-[r:HOLDS_OFFICE]->(x) RETURN o.name AS person, r.role AS role, x.name AS organisation, "
              "r.start_date AS start_date, r.end_date AS end_date, r.sources AS _src, o AS _o, r AS _r, x AS _x ORDER BY start_date")  # fmt: skip
        return _t(cy, {"name": people[0].entity.name}, "offices_of", 0.85,
                  lambda rows: f"{rows[0]['person']}: " + "; ".join(f"{r['role']} ({r['organisation']}, {r['start_date'] or '?'} – {r['end_date'] or 'present'})" for r in rows) + ".")  # fmt: skip
    if f.wh not in ("who", "which", "name", "list", "") or not f.has(OFFICE_WORDS):
        return None
    if f.has(EVENT_WORDS - {"hold", "held"}) and people:
        return None
    orgs = f.ents("Country", "Company", "Organization")
    nationality = [tr.demonyms[t] for t in f.tokens if t in tr.demonyms]
    org_names = [m.entity.name for m in orgs] + [n for n in nationality if n not in [m.entity.name for m in orgs]]
    role_text = f.masked.lower()
    for m in sorted(f.mentions, key=lambda m: -m.start):
        role_text = role_text[: m.start] + " " + role_text[m.end :]
    role_text = re.sub(r"'s\b", " ", role_text)
    tokens: list[str] = []
    for phrase, repl in ROLE_SYNONYMS.items():
        if re.search(rf"\b{re.escape(phrase)}\b", role_text):
            tokens += repl
            role_text = re.sub(rf"\b{re.escape(phrase)}\b", " ", role_text)
    for t in words(role_text):
        if t in STOP or t in tr.demonyms or re.fullmatch(r"\d+", t) or t in ROLE_IGNORE:
            continue
        tokens.append(t)
    tokens = [t[:6] if len(t) > 6 else t for t in tokens]
    leader = re.search(r"\b(heads?|leads?|runs?|leader|in charge|boss|chief)\b", f.text) and not tokens
    if not tokens and not (leader and org_names):
        return None
    params: dict[str, Any] = {"tokens": list(dict.fromkeys(tokens))}
    where = ["ALL(t IN $tokens WHERE toLower(r.role) CONTAINS t)"]
    if leader:
        where = ["ANY(t IN $lead WHERE toLower(r.role) CONTAINS t)"]
        params["lead"] = ["ceo", "prime minister", "president", "managing director", "executive director", "chair"]
    if org_names:
        where.append("x.name IN $orgs")
        params["orgs"] = org_names
    if f.time and f.time.point:
        where.append("(r.start_date IS NULL OR r.start_date <= $at) AND (r.end_date IS NULL OR r.end_date >= $at)")
        params["at"] = f.time.point
    current = (
        not (f.time and f.time.point)
        and bool(re.search(r"\b(is|current|currently|now|today|incumbent|present)\b", f.text))
        and not re.search(r"\bwas\b", f.text)
    )
    conf = 0.9 if org_names else 0.7

    def holders(conds: list[str], note: str = "") -> Translation:
        cy = (f"MATCH (o:Official)-[r:HOLDS_OFFICE]->(x) WHERE {' AND '.join(conds)} "
              "RETURN o.name AS person, r.role AS role, x.name AS organisation, r.start_date AS start_date, r.end_date AS end_date, "
              "r.sources AS _src, o AS _o, r AS _r, x AS _x ORDER BY start_date DESC")  # fmt: skip
        return _t(cy, params, "office_holder", conf,
                  lambda rows: note + "; ".join(f"{r['person']} ({r['role']}, {r['organisation']}" + (f", from {r['start_date']}" if r['start_date'] else "") + (f" to {r['end_date']}" if r['end_date'] else "") + ")" for r in rows[:5]) + ".",
                  empty="No office holder in the graph matches that role" + (f" at {f.time.prefix}" if f.time else "") + ".")  # fmt: skip

    if current:  # the sitting holder; if the graph records none, say who held it last
        t = holders(where + ["r.end_date IS NULL"])
        t.fallback = holders(where, "The graph records no current holder; the most recent: ")
        return t
    return holders(where)


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
        return _t(cy, {"name": companies[0].entity.name}, "company_hq", 0.9,
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
        return _t(cy, {"countries": f.names("Country")}, "companies_operating_in", 0.9,
                  lambda rows: join(list(dict.fromkeys(r["company"] for r in rows))) + " (" + "; ".join(r["facility"] for r in rows[:6]) + ").")  # fmt: skip
    if not (hq or stage or (listing and nat_or_country)) or not asks_companies or companies:
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
    if stage:
        matches.append("MATCH (c)-[a:ACTIVE_IN]->(s:Stage {name: $stage})")
        params["stage"] = stage
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    if f.count:
        cy = f"{body} RETURN count(DISTINCT c) AS companies, collect(h.sources)[0..25] AS _src"
        what = f" headquartered in {join(places)}" if places else ""
        return _t(cy, params, "company_count", 0.9, lambda rows: f"{rows[0]['companies']} companies in the graph{what}" + (f" work in {stage}" if stage else "") + ".")  # fmt: skip
    extra = ", a.detail AS stage_detail, a AS _a, s AS _s" if stage else ""
    cy = (f"{body} RETURN DISTINCT c.name AS company, k.name AS headquarters, h.city AS city{extra}, "
          "c.sources AS _src, c AS _c, h AS _h, k AS _k ORDER BY company")  # fmt: skip
    return _t(cy, params, "company_list", 0.85 if (places or stage) else 0.6,
              lambda rows: f"{len(rows)} compan{'y' if len(rows) == 1 else 'ies'}: " + join([r["company"] for r in rows], 30) + ".")  # fmt: skip


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
            return _t(cy, {"name": fac[0].entity.name}, "facility", 0.85,
                      lambda rows: f"{rows[0]['facility']} is operated by {rows[0]['operator']}" + (f" in {rows[0]['country']}" if rows[0]['country'] else "") + ".")  # fmt: skip
        cos = f.ents("Company")
        if cos:
            cy = ("MATCH (c:Company {name: $name})-[o:OPERATES]->(x:Facility) OPTIONAL MATCH (x)-[:LOCATED_IN]->(k:Country) "
                  "RETURN x.name AS facility, x.kind AS kind, x.location AS location, k.name AS country, x.sources AS _src, c AS _c, o AS _o, x AS _x ORDER BY facility")  # fmt: skip
            return _t(cy, {"name": cos[0].entity.name}, "facilities_of", 0.85,
                      lambda rows: f"{len(rows)} facilities: " + join([r["facility"] for r in rows]) + ".")  # fmt: skip
        countries = f.names("Country")
        if countries:
            cy = ("MATCH (c)-[o:OPERATES]->(x:Facility)-[l:LOCATED_IN]->(k:Country) WHERE k.name IN $countries "
                  "RETURN x.name AS facility, c.name AS operator, x.kind AS kind, k.name AS country, x.sources AS _src, c AS _c, o AS _o, x AS _x ORDER BY facility")  # fmt: skip
            return _t(cy, {"countries": countries}, "facilities_in", 0.8,
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
    second = [m for m in ents[1:] if m.entity.name != e.entity.name]
    params = {"name": e.entity.name, "types": kinds}
    ret = "RETURN a.name AS from, type(r) AS relationship, b.name AS to, r.detail AS detail, r.sources AS _src, a AS _a, r AS _r, b AS _b"
    if second:
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

    t = _t(cy, params, "company_relations", 0.88, sentence)
    wider = ["SUPPLIES", "INVESTS_IN", "PARTNERS_WITH"]
    if set(kinds) != set(wider):  # no such link recorded: show the other business links ("partners" of Lynas)
        t.fallback = _t(cy, params | {"types": wider}, "company_relations", 0.88, sentence)
    return t


def intent_event(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Calls, meetings and signings: who met whom, where, when."""
    place = re.search(r"\b(?:in|at)\s+([A-Z][\w\-]+)", f.masked)
    happened = bool(re.search(r"\b(happened|took place|events?|occurred)\b", f.text))
    represented = bool(re.search(r"\b(represent\w*|delegation|negotiat\w*|attend\w*)\b", f.text))
    if (
        not f.has(EVENT_WORDS)
        and not (place and f.wh == "who" and (f.ents("Official") or represented))
        and not (happened and f.time)
    ):
        return None
    people = f.ents("Official", "Company", "Organization")
    countries = f.ents("Country")
    loc = None
    m = re.search(r"\b(?:in|at)\s+([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)", f.masked)
    if m:
        cand = m.group(1)
        if not any(m.start(1) <= x.start < m.end(1) and x.entity.label in PERSON_ORG for x in f.mentions):
            loc = cand
    if not loc:
        m2 = re.search(r"\bthe\s+((?:[A-Z][\w\-]+\s+)+)(talks|negotiations|meeting|summit|round)", f.masked)
        if m2 and not any(m2.start(1) <= x.start < m2.end(1) and x.entity.label in PERSON_ORG for x in f.mentions):
            loc = m2.group(1).strip()
            countries = [c for c in countries if c.surface != loc]
    if not people and not countries and not loc and not (happened and f.time):
        return None
    params: dict[str, Any] = {}
    matches = []
    who = [x.entity.name for x in people]
    who = list(dict.fromkeys(who))
    for i, n in enumerate(who[:3]):
        matches.append(f"MATCH (p{i} {{name: $p{i}}})-[:PARTICIPATED_IN]->(e:Event)")
        params[f"p{i}"] = n
    if not who and not countries:
        matches.append("MATCH (e:Event)")
    if not who:
        for i, c in enumerate([x.entity.name for x in countries][:2]):
            matches.append(f"MATCH (:Country {{name: $c{i}}})-[:PARTICIPATED_IN]->(e:Event)")
            params[f"c{i}"] = c
    where = []
    if loc and not any(loc.lower() == x.surface.lower() for x in countries):
        where.append("toLower(e.location) CONTAINS $loc")
        params["loc"] = loc.lower()
    elif loc:
        where.append("(toLower(e.location) CONTAINS $loc OR e.location IS NULL)")
        params["loc"] = loc.lower()
    if f.time and f.time.prefix:
        where.append("e.date STARTS WITH $when")
        params["when"] = f.time.prefix
    topic = [
        t
        for t in f.tokens
        if t not in STOP and t not in EVENT_WORDS and len(t) > 3 and t not in {"scheduled", "with", "about"}
    ]
    topic = [t for t in topic if not any(t in norm.lower() for norm in [x.surface for x in f.mentions])]
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    if f.count:
        cy = f"{body} RETURN count(DISTINCT e) AS events, collect(e.name)[0..10] AS examples, collect(e.sources)[0..10] AS _src"
        return _t(
            cy,
            params,
            "event_count",
            0.88,
            lambda rows: f"{rows[0]['events']} events: " + "; ".join(rows[0]["examples"][:5]) + ".",
        )
    if f.wh == "when" or (f.wh in ("what", "") and "date" in f.tokens):
        if topic:
            params["topic"] = [t[:7] for t in topic]
            body += (" WITH e, [t IN $topic WHERE toLower(coalesce(e.topics, '') + ' ' + coalesce(e.description, '') + ' ' + e.event_type + ' ' + "
                     "reduce(s = '', x IN [(e)-[:RESULTED_IN]->(pp) | pp.name] | s + ' ' + toLower(x))) CONTAINS t] AS hits "
                     "ORDER BY size(hits) DESC, e.date")  # fmt: skip
        first = re.search(r"\b(first|earliest)\b", f.text)
        last = re.search(r"\b(last|latest|most recent)\b", f.text)
        if first or last:
            body = (
                " ".join(matches)
                + (" WHERE " + " AND ".join(where) if where else "")
                + f" WITH e ORDER BY e.date {'ASC' if first else 'DESC'}"
            )
            topic = []
        cy = (f"{body} RETURN e.name AS event, e.date AS date, e.end_date AS end_date, e.event_type AS type, e.location AS location, "
              "e.duration AS duration, e.sources AS _src, e AS _e" + (" LIMIT 1" if first or last else " LIMIT 5" if topic else " ORDER BY date"))  # fmt: skip
        return _t(cy, params, "event_when", 0.9, lambda rows: "; ".join(f"{r['event']}: {r['date']}" + (f" in {r['location']}" if r['location'] else "") for r in rows[:3]) + ".")  # fmt: skip
    if f.wh in ("who", "whom") or re.search(
        r"\bwith whom\b|\bwho\b|\b(which|what) (officials|people|leaders|participants|ministers|persons)\b", f.text
    ):
        attended = re.search(r"\b(attend\w*|took part|take part|participa\w*|present|were at|was at)\b", f.text)
        ex = "AND NOT o.name IN $who " if who and not attended else ""
        params["who"] = who
        if not who and countries:  # "Who represented China in Geneva?": that country's people
            ex += "AND o.country IN $nationals "
            params["nationals"] = [c.entity.name for c in countries]
        cy = (f"{body} MATCH (o)-[pa:PARTICIPATED_IN]->(e) WHERE (o:Official OR o:Company OR o:Organization) {ex}"
              "RETURN DISTINCT o.name AS participant, e.name AS event, e.date AS date, e.location AS location, pa.note AS note, "
              "e.sources AS _src, o AS _o, pa AS _r, e AS _e ORDER BY "
              + ("CASE WHEN toLower(coalesce(note, '')) CONTAINS 'scheduled' THEN 0 ELSE 1 END, " if re.search(r"\b(scheduled|due|will|plan\w*)\b", f.text) else "")
              + "date")  # fmt: skip
        return _t(cy, params, "event_who", 0.9, lambda rows: join(list(dict.fromkeys(r["participant"] for r in rows)), 20) + " (" + "; ".join(sorted({f"{r['event']}" for r in rows})[:4]) + ").")  # fmt: skip
    cy = (f"{body} RETURN e.name AS event, e.date AS date, e.event_type AS type, e.location AS location, e.duration AS duration, "
          "e.topics AS topics, [(x)-[:PARTICIPATED_IN]->(e) WHERE x:Official | x.name] AS participants, e.sources AS _src, e AS _e ORDER BY date")  # fmt: skip
    return _t(cy, params, "event_list", 0.75, lambda rows: f"{len(rows)} events: " + "; ".join(
        f"{r['event']}" + (f", {r['duration']}" if r["duration"] else "") for r in rows[:8]) + ".")  # fmt: skip


def intent_uses(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What is neodymium used for?' and 'Which minerals are used in lasers?'."""
    if not f.has(USE_WORDS):
        return None
    apps = f.names("Application")
    mins = [n for n in f.names("Mineral")]
    if apps:
        cy = ("MATCH (m:Mineral)-[u:USED_IN]->(a:Application) WHERE a.name IN $apps RETURN m.name AS mineral, a.name AS application, "
              "u.detail AS detail, u.sources AS _src, m AS _m, u AS _u, a AS _a ORDER BY mineral")  # fmt: skip
        return _t(cy, {"apps": apps}, "used_in", 0.85, lambda rows: f"Used in {join(apps)}: " + join(list(dict.fromkeys(r["mineral"] for r in rows)), 20) + ".")  # fmt: skip
    if mins:
        cy = ("MATCH (m:Mineral)-[u:USED_IN]->(a:Application) WHERE m.name IN $minerals RETURN m.name AS mineral, a.name AS application, "
              "u.detail AS detail, u.sources AS _src, m AS _m, u AS _u, a AS _a ORDER BY mineral, application")  # fmt: skip
        return _t(cy, {"minerals": mins}, "uses_of", 0.85, lambda rows: f"{rows[0]['mineral']} is used in: " + join(list(dict.fromkeys(r["application"] for r in rows)), 12) + " (" + "; ".join(dict.fromkeys(r["detail"] for r in rows[:4])) + ").")  # fmt: skip
    return None


def intent_path(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'How are MP Materials and Apple connected?': the shortest chains of relationships between two entities."""
    ents = []
    for m in f.mentions:
        if (m.entity.label, m.entity.name) not in ents:
            ents.append((m.entity.label, m.entity.name))
    if len(ents) < 2 or not (f.has(PATH_WORDS) or re.search(r"\bhow (is|are|was|were)\b.*\b(and|to)\b", f.text)):
        return None
    (la, a), (lb, b) = ents[0], ents[1]
    cy = (f"MATCH (a:{la} {{name: $a}}), (b:{lb} {{name: $b}}) MATCH p = (a)-[*1..3]-(b) "
          "WHERE NONE(n IN nodes(p) WHERE n:Source) AND " + DISTINCT_NODES + " "
          "RETURN [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relationships, "
          "[r IN relationships(p) | coalesce(r.detail, r.role, r.note, '')] AS details, length(p) AS hops, "
          "reduce(s = [], r IN relationships(p) | s + coalesce(r.sources, [])) AS _src, p AS _g, reduce(s = '', n IN nodes(p) | s + '|' + coalesce(n.name, '')) AS _key ORDER BY hops, _key LIMIT 10")  # fmt: skip
    return _t(cy, {"a": a, "b": b}, "path", 0.9,
              lambda rows: f"{a} and {b} are connected: " + "; ".join(
                  " → ".join(_path_steps(r)) for r in rows[:3]) + ".",
              empty=f"No chain of up to three relationships links {a} and {b} in the graph.")  # fmt: skip


# Neo4j matches a path through one node twice (relationship isomorphism), FalkorDB does not: the app asks
# for simple paths explicitly so both engines return the same ones (pinned in tests/test_conformance.py).
DISTINCT_NODES = "ALL(i IN range(0, size(nodes(p)) - 2) WHERE NONE(j IN range(i + 1, size(nodes(p)) - 1) WHERE nodes(p)[i] = nodes(p)[j]))"


def _path_steps(r: dict[str, Any]) -> list[str]:
    out = [str(r["path"][0])]
    for rel, node in zip(r["relationships"], r["path"][1:]):
        out.append(f"[{rel}] {node}")
    return out


def intent_describe(tr: RulesTranslator, f: Frame) -> Translation | None:
    """A single entity and no other cue: its properties and relationships."""
    ents = list(dict.fromkeys((m.entity.label, m.entity.name) for m in f.mentions))
    if len(ents) != 1:
        return None
    label, name = ents[0]
    generic = {
        "tell",
        "me",
        "about",
        "describe",
        "know",
        "information",
        "info",
        "details",
        "overview",
        "show",
        "explain",
        "s",
    }
    content = [
        t
        for t in f.tokens
        if t not in STOP and t not in generic and t not in words(" ".join(m.surface for m in f.mentions))
    ]
    conf = (
        0.7
        if re.match(r"^(tell me about|who is|who was|what is|what are|describe|show|about|explain)\b", f.text)
        else 0.45
    )
    if content:  # something else is asked that no intent understood ("the population of Japan")
        conf = 0.3
    cy = (f"MATCH (n:{label} {{name: $name}})-[r]-(x) WHERE NOT x:Source "
          "RETURN n.name AS entity, type(r) AS relationship, x.name AS related, labels(x)[0] AS related_type, "
          "CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, coalesce(r.role, r.detail, r.metric, r.note) AS detail, "
          "r.sources AS _src, n AS _n, r AS _r, x AS _x ORDER BY relationship, related LIMIT 60")  # fmt: skip
    return _t(cy, {"name": name}, "describe", conf, lambda rows: f"{name} ({label}) has {len(rows)} relationships: " + "; ".join(
        f"{r['relationship'].replace('_', ' ').lower()} {r['related']}" for r in rows[:8]) + ".")  # fmt: skip


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
    return _t(cy, {"name": cos[0].entity.name}, "activities", 0.85,
              lambda rows: f"{rows[0]['company']} works in " + join([f"{r['stage']} ({r['detail']})" for r in rows]) + ".")  # fmt: skip


def intent_count_label(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'How many rare earth elements are there?', 'How many companies are in the graph?'."""
    if not f.count or len(f.mentions) > 1:
        return None
    if re.search(r"how many (rare earth elements|rare earths|rare-earth elements|rees)\b", f.text):
        cy = "MATCH (m:Mineral)-[:MEMBER_OF]->(g:Mineral {name: 'Rare earths'}) WITH m ORDER BY m.atomic_number RETURN count(m) AS count, collect(m.name) AS members, collect(m.sources)[0..25] AS _src"
        return _t(
            cy,
            {},
            "count_members",
            0.8,
            lambda rows: f"{rows[0]['count']} rare earth elements: {join(rows[0]['members'], 20)}.",
        )
    m = re.search(r"how many (\w+)", f.text)
    if not m or f.mentions:
        return None
    noun = m.group(1)
    label = next((n.label for n in NODE_BY_LABEL.values() if noun in n.nouns), None)
    if not label:
        return None
    params: dict[str, Any] = {}
    when = ""
    if f.time and label in ("Event", "Policy"):
        when = " WHERE " + ("n.date" if label == "Event" else "n.date_announced") + " STARTS WITH $when"
        params["when"] = f.time.prefix
    cy = f"MATCH (n:{label}){when} RETURN count(n) AS count, collect(n.sources)[0..25] AS _src"
    period = f" in {f.time.prefix}" if params else ""
    return _t(cy, params, "count_label", 0.75, lambda rows: f"The graph holds {rows[0]['count']} {noun}{period}.")


NOUN_LABEL = {noun: n.label for n in NODE_BY_LABEL.values() for noun in n.nouns if n.label != "Source"}
NOUN_LABEL.update({"people": "Official", "persons": "Official", "ministers": "Official", "nations": "Country"})


def _noun_labels(f: Frame) -> list[tuple[str, str, int]]:
    """Type nouns in the question ('companies', 'policies'...) with their label and position."""
    out = []
    for m in re.finditer(r"[a-z]+", f.text):
        w = m.group(0)
        if w in NOUN_LABEL and not any(x.start <= m.start() < x.end for x in f.mentions):
            out.append((w, NOUN_LABEL[w], m.start()))
    return out


def _rel_between(a: str, b: str, f: Frame) -> tuple[str, bool] | None:
    """The ontology relationship linking labels a and b (and whether a is its start), preferring one the question names."""
    from graph.ontology import RELS

    cands = [(r, True) for r in RELS if a in r.start and b in r.end] + [
        (r, False) for r in RELS if b in r.start and a in r.end
    ]
    if not cands:
        return None
    named = [c for c in cands if f.has(set(c[0].words))]
    cands.sort(key=lambda c: (len(c[0].start) + len(c[0].end), not c[1]))  # the most specific link first
    r, forward = (named or cands)[0]
    return r.type, forward


def intent_most(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which country has enacted the most export controls?', 'Which mineral is covered by the most policies?'."""
    if not re.search(r"\b(most|largest number|highest number|how many)\b", f.text):
        return None
    nouns = _noun_labels(f)
    if len(nouns) < 2 or f.has(PRODUCTION_WORDS | RESERVE_WORDS) and nouns[1][1] == "Mineral":
        return None
    (_, target, _), (cw, counted, _) = nouns[0], nouns[1]
    if target == counted or f.count and not re.search(r"\b(each|per|by)\b", f.text):
        return None
    link = _rel_between(target, counted, f)
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
    return _t(cy, params, "most", 0.88,
              lambda rows: f"{rows[0][target.lower()]} has the most {cw} ({rows[0][cw]}); then " + join([f"{r[target.lower()]} ({r[cw]})" for r in rows[1:5]]) + ".")  # fmt: skip


def intent_neighbours(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which companies are linked to the US Department of War?', 'Which officials took part in E22?'."""
    ents = list(dict.fromkeys((m.entity.label, m.entity.name) for m in f.mentions))
    nouns = _noun_labels(f)
    if len(ents) != 1 or not nouns or (f.wh not in ("which", "what", "who", "list", "name", "show") and not f.count):
        return None
    label = nouns[0][1]
    el, name = ents[0]
    if label == el:
        return None
    if f.count:
        cy = f"MATCH (e:{el} {{name: $name}})-[r]-(x:{label}) RETURN count(DISTINCT x) AS {nouns[0][0]}, collect(r.sources)[0..20] AS _src"
        return _t(
            cy,
            {"name": name},
            "neighbours_count",
            0.7,
            lambda rows: f"{rows[0][nouns[0][0]]} {nouns[0][0]} linked to {name}.",
        )
    cy = (f"MATCH (e:{el} {{name: $name}})-[r]-(x:{label}) RETURN DISTINCT x.name AS {label.lower()}, type(r) AS relationship, "
          "coalesce(r.detail, r.role, r.note, r.metric, '') AS detail, r.sources AS _src, e AS _e, r AS _r, x AS _x ORDER BY relationship")  # fmt: skip
    return _t(cy, {"name": name}, "neighbours", 0.58,
              lambda rows: f"{len({r[label.lower()] for r in rows})} {nouns[0][0]} linked to {name}: " + join(list(dict.fromkeys(r[label.lower()] for r in rows)), 15) + ".")  # fmt: skip


def intent_activity(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What did China do in April 2025?': policies enacted and events taken part in during a period."""
    ents = f.ents("Country", "Official", "Company", "Organization")
    if (
        len(ents) != 1
        or not f.time
        or not re.search(r"\bwhat (did|has|have|was)\b.*\b(do|done|doing|happen|up to|announce|announced)\b", f.text)
    ):
        return None
    cy = ("MATCH (x {name: $name})-[:ENACTED|PARTICIPATED_IN]->(n) WHERE coalesce(n.date_announced, n.date) STARTS WITH $when "
          "RETURN labels(n)[0] AS kind, n.name AS what, coalesce(n.date_announced, n.date) AS date, n.description AS description, "
          "n.sources AS _src, n AS _n ORDER BY date")  # fmt: skip
    return _t(cy, {"name": ents[0].entity.name, "when": f.time.prefix}, "activity", 0.8,
              lambda rows: f"{ents[0].entity.name} in {f.time.prefix}: " + "; ".join(f"{r['what']} ({r['date']})" for r in rows[:8]) + ".")  # fmt: skip


def intent_sources(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which articles mention Akazawa?', 'What sources back Lynas?', 'Which article talks about shipbuilding?'."""
    if not re.search(r"\b(sources?|articles?|documents?|reports?|stories|story|news)\b", f.text) or f.count:
        return None
    articles = bool(re.search(r"\b(articles?|stories|story|news)\b", f.text))
    ents = list(dict.fromkeys((m.entity.label, m.entity.name) for m in f.mentions))
    if len(ents) == 1:
        label, name = ents[0]
        cy = (f"MATCH (x:{label} {{name: $name}}) MATCH (s:Source) WHERE (s.id IN x.sources OR (s)-[:MENTIONS]->(x)) "
              + ("AND s.kind = 'article' " if articles else "")
              + "RETURN DISTINCT s.title AS title, s.date AS date, s.url AS url, s.kind AS kind, [s.id] AS _src ORDER BY date DESC")  # fmt: skip
        return _t(cy, {"name": name}, "sources_of", 0.85, lambda rows: f"{len(rows)} source(s) on {name}: " + "; ".join(
            f"{r['title']} ({r['date'] or 'undated'})" for r in rows[:5]) + ".")  # fmt: skip
    topic = _topic_words(f)
    if not ents and topic and articles:
        cy = ("MATCH (s:Source) WHERE s.kind = 'article' AND ANY(t IN $topic WHERE toLower(coalesce(s.text, s.title)) CONTAINS t) "
              "RETURN s.title AS title, s.date AS date, s.url AS url, [s.id] AS _src ORDER BY date DESC")  # fmt: skip
        return _t(cy, {"topic": topic}, "articles_about", 0.8, lambda rows: f"{len(rows)} article(s): " + "; ".join(
            f"{r['title']} ({r['date'] or 'undated'})" for r in rows[:5]) + ".")  # fmt: skip
    return None


INTENTS = [
    intent_sources,
    intent_activity,
    intent_most,
    intent_neighbours,
    intent_activities,
    intent_count_label,
    intent_attribute,
    intent_classified,
    intent_production,
    intent_policy,
    intent_office,
    intent_company,
    intent_company_relations,
    intent_event,
    intent_uses,
    intent_path,
    intent_describe,
]
