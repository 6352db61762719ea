"""Questions about one entity or one type: attributes, classes, uses, paths, neighbours, sources, counts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from graph.ontology import NODE_BY_LABEL, REL_IDENTITY
from qa.frame import (
    COMPANY_NOUNS,
    DISTINCT_NODES,
    Frame,
    match_words,
    noun_labels,
    topic_words,
    translation,
)
from qa.lexicon import (
    PATH_WORDS,
    POLICY_CATEGORY_WORDS,
    PRODUCTION_WORDS,
    RESERVE_WORDS,
    STOP,
    USE_WORDS,
    words,
)
from qa.phrase import fmt, join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator


def intent_attribute(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What is the symbol of dysprosium?', 'atomic number of Nd', 'classification of yttrium'."""
    number = re.search(r"\b(\d{1,3})\b", f.masked)
    if number and f.has({"number", "atomic"}) and all(m.entity.name.startswith("Rare earths") for m in f.mentions):
        cy = "MATCH (m:Mineral) WHERE m.atomic_number = $z RETURN m.name AS mineral, m.symbol AS symbol, m.atomic_number AS atomic_number, m.sources AS _src"
        return translation(cy, {"z": int(number.group(1))}, "attribute_reverse", 0.85,
                  lambda rows: f"{rows[0]['mineral']} ({rows[0]['symbol']}) has atomic number {rows[0]['atomic_number']}.")  # fmt: skip
    specific = [m for m in f.mentions if not m.entity.name.startswith("Rare earths")] or f.mentions
    if len(specific) != 1:
        return None
    m = specific[0]
    node = NODE_BY_LABEL[m.entity.label]
    for p in node.props:
        for w in p.words:
            if re.search(rf"\b{re.escape(w)}\b", f.text) and p.name not in ("name",):
                if p.name in ("date",) and m.entity.label != "Event":
                    continue
                if m.entity.label == "Event" and p.name == "date" and f.wh not in ("when", "what"):
                    continue
                cy = f"MATCH (n:{m.entity.label} {{name: $name}}) RETURN n.name AS name, n.{p.name} AS {p.name}, n.sources AS _src"
                return translation(cy, {"name": m.entity.name}, "attribute", 0.8,
                          lambda rows, p=p: f"The {p.name.replace('_', ' ')} of {rows[0]['name']} is {fmt(rows[0][p.name])}.")  # fmt: skip
    return None


def intent_classified(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which rare earths are classified as heavy?', 'list the light rare earth elements'."""
    cls = next((c for c in ("neither", "heavy", "light") if c in f.tokens), None)
    if not cls or f.ents("Country", "Company", "Official", "Policy") or f.has(COMPANY_NOUNS):
        return None
    specific = [n for n in f.names("Mineral") if not n.startswith("Rare earths")]
    if specific and f.wh in ("is", "are", "was", "what", "which"):
        # 'a heavy rare earth': membership of the group is part of the question
        group = next((n for n in f.names("Mineral") if n.startswith("Rare earths")), None)
        member = ", size([(m)-[:MEMBER_OF]->(g:Mineral {name: $group}) | g]) > 0 AS member" if group else ""
        cy = ("MATCH (m:Mineral) WHERE m.name IN $minerals RETURN m.name AS mineral, m.classification AS classification, "
              f"m.classification_as_stated AS as_stated{member}, m.sources AS _src, m AS _m")  # fmt: skip

        def say(r: dict[str, Any]) -> str:
            if group and not r["member"]:
                return f"{r['mineral']} is not one of the {group.lower()}"
            return f"{r['mineral']} is classified as {r['classification'] or 'neither'} ({r['as_stated']})"

        params: dict[str, Any] = {"minerals": specific, **({"group": group} if group else {})}
        return translation(cy, params, "classification_of", 0.9, lambda rows: "; ".join(say(r) for r in rows) + ".")
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
    return translation(cy, {"group": "Rare earths", "cls": cls}, "classified", 0.85,
              lambda rows: (f"{rows[0]['count']} rare earths are classified as {cls}." if f.count else
                            f"Classified as {cls} (USGS rule): " + join([r["mineral"] for r in rows], 30) + "."),
              used={"light", "heavy", "nor"} if cls == "neither" else ())  # fmt: skip


def intent_uses(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'What is neodymium used for?' and 'Which minerals are used in lasers?'."""
    if not f.has(USE_WORDS):
        return None
    apps = f.names("Application")
    mins = [n for n in f.names("Mineral")]
    group = next((n for n in mins if n.startswith("Rare earths")), None) if apps else None
    member = " AND (m)-[:MEMBER_OF]->(:Mineral {name: $group})" if group else ""  # 'which rare earths ...'
    extra = {"group": group} if group else {}
    # words naming no node ('in euro banknotes') must be in the use's own text
    named = " ".join(m.surface.lower() for m in f.mentions)
    topic = (
        [t for t in match_words(topic_words(f), ["Mineral", "Application"], ["USED_IN"]) if t not in named]
        if apps
        else []
    )
    if len(apps) > 1 or topic:
        # 'an anti-counterfeiting phosphor in euro banknotes': every named application, and one use that says it
        params: dict[str, Any] = {"apps": apps, "match": topic, **extra}
        cy = (f"MATCH (m:Mineral)-[u:USED_IN]->(a:Application) WHERE a.name IN $apps{member} "
              "WITH m, collect(u) AS us, collect(DISTINCT a.name) AS names WHERE size(names) = size($apps) "
              "AND ANY(x IN us WHERE ALL(t IN $match WHERE toLower(coalesce(x.detail, '')) CONTAINS t)) "
              "RETURN m.name AS mineral, names AS applications, [x IN us | x.detail] AS details, "
              "reduce(s = [], x IN us | s + coalesce(x.sources, [])) AS _src, m AS _m ORDER BY mineral")  # fmt: skip
        shown = " ".join(dict.fromkeys(w for w in re.findall(r"[a-z]+", f.text) if any(w.startswith(t) for t in topic)))
        what = join(apps) + (f" ({shown})" if topic else "")
        return translation(cy, params, "used_in_all", 0.86, lambda rows: f"Used in {what}: " + join([r["mineral"] for r in rows], 20) + ".",
                           reading=f"Minerals used in {' and '.join(apps)}" + (f", in a use whose description says '{shown}'" if topic else ""))  # fmt: skip
    if apps:
        cy = (f"MATCH (m:Mineral)-[u:USED_IN]->(a:Application) WHERE a.name IN $apps{member} RETURN m.name AS mineral, a.name AS application, "
              "u.detail AS detail, u.sources AS _src, m AS _m, u AS _u, a AS _a ORDER BY mineral")  # fmt: skip
        return translation(cy, {"apps": apps, **extra}, "used_in", 0.85, lambda rows: f"Used in {join(apps)}: " + join(list(dict.fromkeys(r["mineral"] for r in rows)), 20) + ".")  # fmt: skip
    if mins:
        cy = ("MATCH (m:Mineral)-[u:USED_IN]->(a:Application) WHERE m.name IN $minerals RETURN m.name AS mineral, a.name AS application, "
              "u.detail AS detail, u.sources AS _src, m AS _m, u AS _u, a AS _a ORDER BY mineral, application")  # fmt: skip
        return translation(cy, {"minerals": mins}, "uses_of", 0.85, lambda rows: f"{rows[0]['mineral']} is used in: " + join(list(dict.fromkeys(r["application"] for r in rows)), 12) + " (" + "; ".join(dict.fromkeys(r["detail"] for r in rows[:4])) + ").")  # fmt: skip
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
          "[r IN relationships(p) | coalesce(r.detail, r.role, r.note, '')] AS details, "
          "[i IN range(0, length(p) - 1) | CASE WHEN startNode(relationships(p)[i]) = nodes(p)[i] THEN 'forward' ELSE 'back' END] AS directions, "
          "length(p) AS hops, "
          "reduce(s = [], r IN relationships(p) | s + coalesce(r.sources, [])) AS _src, p AS _g, reduce(s = '', n IN nodes(p) | s + '|' + coalesce(n.name, '')) AS _key, "
          "size([r IN relationships(p) WHERE type(r) IN $stats]) AS _via_stats ORDER BY _via_stats, hops, _key LIMIT 10")  # fmt: skip
    # chains through statistics ('both produce antimony') come after chains of deals, offices and policies
    stats = [t for t, ident in REL_IDENTITY.items() if "year" in ident]
    return translation(cy, {"a": a, "b": b, "stats": stats}, "path", 0.9,
              lambda rows: f"{a} and {b} are connected: " + "; ".join(
                  " ".join(_path_steps(r)) for r in rows[:3]) + ".", used=PATH_WORDS | {"between"},
              empty=f"No chain of up to three relationships links {a} and {b} in the graph.")  # fmt: skip


def _path_steps(r: dict[str, Any]) -> list[str]:
    """'Apple ←[SUPPLIES]— MP Materials': each relationship in its real direction."""
    out = [str(r["path"][0])]
    for rel, node, way in zip(r["relationships"], r["path"][1:], r.get("directions") or []):
        out.append(f"—[{rel}]→ {node}" if way == "forward" else f"←[{rel}]— {node}")
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
    return translation(cy, {"name": name}, "describe", conf, lambda rows: f"{name} ({label}) has {len(rows)} relationships: " + "; ".join(
        f"{r['relationship'].replace('_', ' ').lower()} {r['related']}" for r in rows[:8]) + ".")  # fmt: skip


def intent_count_label(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'How many rare earth elements are there?', 'How many companies are in the graph?'."""
    if not f.count or len(f.mentions) > 1:
        return None
    if re.search(r"how many (rare earth elements|rare earths|rare-earth elements|rees)\b", f.text):
        cy = "MATCH (m:Mineral)-[:MEMBER_OF]->(g:Mineral {name: 'Rare earths'}) WITH m ORDER BY m.atomic_number RETURN count(m) AS count, collect(m.name) AS members, collect(m.sources)[0..25] AS _src"
        return translation(
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
    if f.time and f.time.prefix and label in ("Event", "Policy"):
        when = " WHERE " + ("n.date" if label == "Event" else "n.date_announced") + " STARTS WITH $when"
        params["when"] = f.time.prefix
    cy = f"MATCH (n:{label}){when} RETURN count(n) AS count, collect(n.sources)[0..25] AS _src"
    period = f" in {params['when']}" if params else ""
    return translation(
        cy, params, "count_label", 0.75, lambda rows: f"The graph holds {rows[0]['count']} {noun}{period}."
    )


def intent_neighbours(tr: RulesTranslator, f: Frame) -> Translation | None:
    """'Which companies are linked to the US Department of War?', 'Which officials took part in E22?'."""
    ents = list(dict.fromkeys((m.entity.label, m.entity.name) for m in f.mentions))
    nouns = noun_labels(f)
    if len(ents) != 1 or not nouns or (f.wh not in ("which", "what", "who", "list", "name", "show") and not f.count):
        return None
    label = nouns[0][1]
    el, name = ents[0]
    if label == el:
        return None
    if f.count:
        cy = f"MATCH (e:{el} {{name: $name}})-[r]-(x:{label}) RETURN count(DISTINCT x) AS {nouns[0][0]}, collect(r.sources)[0..20] AS _src"
        return translation(
            cy,
            {"name": name},
            "neighbours_count",
            0.7,
            lambda rows: f"{rows[0][nouns[0][0]]} {nouns[0][0]} linked to {name}.",
        )
    cy = (f"MATCH (e:{el} {{name: $name}})-[r]-(x:{label}) RETURN DISTINCT x.name AS {label.lower()}, type(r) AS relationship, "
          "coalesce(r.detail, r.role, r.note, r.metric, '') AS detail, r.sources AS _src, e AS _e, r AS _r, x AS _x ORDER BY relationship")  # fmt: skip
    return translation(cy, {"name": name}, "neighbours", 0.58,
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
    return translation(cy, {"name": ents[0].entity.name, "when": f.time.prefix}, "activity", 0.8,
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
        return translation(cy, {"name": name}, "sources_of", 0.85, lambda rows: f"{len(rows)} source(s) on {name}: " + "; ".join(
            f"{r['title']} ({r['date'] or 'undated'})" for r in rows[:5]) + ".")  # fmt: skip
    topic = topic_words(f)
    if not ents and topic and articles:
        cy = ("MATCH (s:Source) WHERE s.kind = 'article' AND ANY(t IN $topic WHERE toLower(coalesce(s.text, s.title)) CONTAINS t) "
              "RETURN s.title AS title, s.date AS date, s.url AS url, [s.id] AS _src ORDER BY date DESC")  # fmt: skip
        return translation(cy, {"topic": topic}, "articles_about", 0.8, lambda rows: f"{len(rows)} article(s): " + "; ".join(
            f"{r['title']} ({r['date'] or 'undated'})" for r in rows[:5]) + ".")  # fmt: skip
    return None
