"""Export controls, tariffs, agreements, proposals and investments: parties, minerals, dates, status."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qa.frame import (
    Frame,
    match_words,
    text_filter,
    topic_words,
    translation,
)
from qa.lexicon import (
    EVENT_WORDS,
    POLICY_CATEGORY_WORDS,
    POLICY_NOUNS,
)
from qa.phrase import join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator


def intent_policy(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Export controls, tariffs, agreements, investments: by enacting country, target, mineral, date, status."""
    if re.search(r"\b(share|percent|percentage)\b", f.text) and not f.has(POLICY_NOUNS) and not f.ents("Facility"):
        return None  # a share of output is a statistic; a share of a site's output is a deal's term
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
    currently = bool(re.search(r"\b(currently|now|still|at present|today)\b", f.text))
    if listing and status_filter and not named and (currently or not (status_filter == "suspended" and f.time)):
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
        if len(mins) > 1 and not re.search(r"\b(or|either|any)\b", f.text):
            for i, m in enumerate(mins):  # 'gallium and germanium': a policy that covers each of them
                matches.insert(len(matches) - 1, f"MATCH (p)-[:COVERS]->(:Mineral {{name: $every{i}}})")
                params[f"every{i}"] = m
    if f.time and f.time.prefix:
        where.append("(p.date_announced STARTS WITH $when OR p.date_effective STARTS WITH $when)")
        params["when"] = f.time.prefix
    status_q = bool(
        re.search(r"\b(still|in force|in effect|status|suspended|lifted|active|current)\b", f.text)
    ) and f.wh in ("is", "are", "was", "what", "")
    if not (named or enactors or targets or mins or cats or f.time or f.names("Company", "Organization")):
        return None
    covers = bool(mins) or ask_minerals
    topic = match_words(
        topic_words(f, truncate=False),
        ["Policy", "Country"] + (["Mineral"] if covers else []),
        ["ENACTED", "TARGETS", "INVOLVES"] + (["COVERS"] if covers else []),
    )
    facilities = [w for n in f.names("Facility") for w in re.findall(r"[a-z0-9]+", n.lower()) if len(w) > 2]
    topic = list(dict.fromkeys(topic + facilities))  # 'Mt Weld' dysprosium: a policy whose text names the site
    if topic:  # the policies whose text says what the question says ('fentanyl', 'Geneva', 'framework')
        params["match"] = topic
        # what the policy is and does; not its status notes ("superseded by the Busan arrangement" is about another)
        where.append(text_filter(["p.name", "p.description", "p.date_text", "p.policy_type", "p.scope", "p.minerals_text",
                                  "p.enacting_body"]))  # fmt: skip
    body = " ".join(matches) + (" WHERE " + " AND ".join(where) if where else "")
    body = body.replace(" WHERE cm.name IN $minerals WHERE ", " WHERE cm.name IN $minerals AND ")
    if re.search(r"\b(which|what) (countries|nations)\b", f.text):
        params["exclude"] = enactors + targets
        cy = (f"{body} MATCH (p)-[x:TARGETS|ENACTED]-(t:Country) WHERE NOT t.name IN $exclude AND t.kind <> 'aggregate' "
              "RETURN t.name AS country, count(DISTINCT p) AS policies, collect(DISTINCT p.name) AS policy_names, "
              "collect(p.sources) AS _src ORDER BY policies DESC")  # fmt: skip
        return translation(
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
        return translation(
            cy,
            params,
            "policy_minerals_not",
            0.88,
            lambda rows: join([r["mineral"] for r in rows], 20) + " (no matching policy covers them).",
        )
    if ask_minerals:
        # the group rows are left out only where the policy also names its elements ("rare earths and graphite"
        # lists rare earths; P14's seven elements are listed without the group row)
        grp = ("MATCH (p)-[cv:COVERS]->(m:Mineral) WHERE NOT (m.name IN ['Rare earths', 'Rare earths (heavy)'] AND "
               "(p)-[:COVERS]->(:Mineral)-[:MEMBER_OF]->(:Mineral {name: 'Rare earths'}))")  # fmt: skip
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
        return translation(cy, params, "policy_minerals", 0.9,
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
        return translation(cy, params, "policy_count", 0.85, lambda rows: f"{rows[0]['policies']} policies.")
    order = "announced"
    cy = f"{body} RETURN DISTINCT {ret} ORDER BY {order}"
    if f.wh == "when":
        return translation(cy, params, "policy_when", 0.9, lambda rows: "; ".join(f"{r['policy']}: announced {r['announced']}" + (f", effective {r['effective']}" if r['effective'] and r['effective'] != r['announced'] else "") + (f", suspended until {r['suspended_until']}" if r['suspended_until'] else "") for r in rows[:6]) + ".")  # fmt: skip
    if status_q:
        return translation(cy, params, "policy_status", 0.9, lambda rows: "; ".join(
            f"{r['policy']} ({r['announced']}) is {str(r['status']).replace('_', ' ')}" + (f" until {r['suspended_until']}" if r['suspended_until'] else "") + (f" — {r['status_as_stated']}" if r['status_as_stated'] else "") for r in rows[:6]) + ".")  # fmt: skip
    amount = AMOUNT_ASK.search(f.text)
    if amount and (
        topic or named or enactors or targets or f.names("Company", "Organization")
    ):  # 'how much financing', 'what share ... secure': the figure in the text
        return translation(cy, params, "policy_detail", 0.86, lambda rows: "; ".join(
            f"{r['policy']} ({r['announced']}): " + (", ".join(_amounts(r["description"] or "")) or (r["description"] or "")[:160])
            for r in rows[:4]) + ".", used=AMOUNT_WORDS,
            reading="The figure stated in the matching policy's text")  # fmt: skip
    return translation(cy, params, "policy_list", 0.85 if (cats or named or mins or enactors or targets) else 0.6, lambda rows: f"{len(rows)} polic{'y' if len(rows) == 1 else 'ies'}: " + "; ".join(
        f"{r['policy']} ({r['announced']}, {str(r['status']).replace('_', ' ')})" + (f" covering {join(r['minerals'], 6)}" if r['minerals'] else "") for r in rows[:8]) + ".")  # fmt: skip


AMOUNT_ASK = re.compile(r"\b(how much|what share|what percentage|what proportion|what portion|how long|what rate|"
                        r"how big|how large|what (?:was|is) the total|by how much)\b")  # fmt: skip
AMOUNT_WORDS = {
    "much",
    "share",
    "percentage",
    "proportion",
    "portion",
    "long",
    "rate",
    "big",
    "large",
    "total",
    "amount",
}
AMOUNT_RE = re.compile(r"(?:(?:US\$|\$|EUR|€|A\$|C\$|¥)\s?[\d.,]+\s?(?:[MBK]|million|billion|bn)?|"
                       r"(?:about |up to |around |~)?[\d.,]+\s?(?:%|percent|percentage points?|days?|months?|years?|t/yr|tonnes?|t\b))",
                       re.I)  # fmt: skip


def _amounts(text: str) -> list[str]:
    """Figures stated in a policy's text (amounts, percentages, durations), in order."""
    return list(dict.fromkeys(m.group(0).strip() for m in AMOUNT_RE.finditer(text)))[:6]


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
        verb_object = re.search(r"\b(target\w*|hit|against)\s+(the\s+)?$", before)
        (targets if verb_object or (object_of and not possessive) else enactors).append(country)
    for t in f.tokens:
        if t in tr.demonyms and tr.demonyms[t] not in enactors + targets:
            enactors.append(tr.demonyms[t])
    return list(dict.fromkeys(enactors)), list(dict.fromkeys(targets))
