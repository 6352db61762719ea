"""The general builder: a question as a graph pattern composed from the ontology.

"Which magnet makers are headquartered in Japan and supply Apple?" is a typed slot (Company)
with three constraints: ACTIVE_IN the magnet-making stage, HEADQUARTERED_IN Japan, SUPPLIES
Apple. Each constraint comes from the ontology: a relationship type chosen by a relation word
of the question (`RelType.words`) and the labels at its two ends, oriented by where the anchor
stands relative to the word (subject or object; 'by' marks a passive; `RelType.inverse` words
read the relationship from its end). Nationality adjectives become headquarters; 'not' before a
constraint negates it; 'how many' counts. Any combination the ontology allows becomes one
parameterised query, and a relationship type added to the ontology is askable with no new code.

It proposes a reading only when every constraint is unambiguous; qa.coverage then checks that
the reading used the whole question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph import ontology
from qa.coverage import stem
from qa.frame import Frame, translation
from qa.lexicon import STAGE_WORDS
from qa.phrase import join
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator

NEGATORS = re.compile(r"\b(not|never|no longer|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|hasn't|haven't)\b")
# How a country qualifies a slot named after it ('Japanese companies', 'Chinese export controls').
SLOT_COUNTRY = {
    "Company": ("HEADQUARTERED_IN", True),
    "Organization": ("HEADQUARTERED_IN", True),
    "Facility": ("LOCATED_IN", True),
    "Policy": ("ENACTED", False),
}
AGENT_NOUN = re.compile(r"(ers?|ors?|ants?|ees?)$")
# 'policies China enacted on its own': the anchor is the only one of its kind at that end of the relationship
SOLE = re.compile(r"\b(on (?:its|their|his|her) own|alone|unilaterally|solely|by itself|single-handedly)\b")


@dataclass(frozen=True)
class Constraint:
    rel: str
    anchor_label: str
    anchor: str  # the anchor's name (a parameter), or a Stage/Country value
    target_is_start: bool
    negated: bool
    word: str


def _slot(f: Frame) -> tuple[str, int] | None:
    """The typed slot asked for: the first type noun outside any entity mention ('companies', 'magnet makers')."""
    nouns = _nouns()
    for m in re.finditer(r"[a-z]+", f.text):
        if any(x.start <= m.start() < x.end for x in f.mentions):
            continue
        label = nouns.get(stem(m.group(0)))
        if label:
            return label, m.start()
        if m.group(0) in ("makers", "maker", "manufacturers", "manufacturer", "suppliers", "supplier"):
            return "Company", m.start()
    return None


def _rel_hits(f: Frame) -> list[tuple[str, str, int]]:
    """(rel type, word, position) for every relation word of the question."""
    by_stem: dict[str, set[str]] = {}
    for r in ontology.RELS:
        for w in r.words:
            if " " not in w:
                by_stem.setdefault(stem(w), set()).add(r.type)
    out = []
    for m in re.finditer(r"[a-z]+", f.text):
        if any(x.start <= m.start() < x.end for x in f.mentions):
            continue
        for rel in sorted(by_stem.get(stem(m.group(0)), ())):
            out.append((rel, m.group(0), m.start()))
    return out


def _orient(rel: ontology.RelType, target: str, anchor: str, word: str, word_pos: int, anchor_pos: int,
            text: str) -> bool | None:  # fmt: skip
    """Whether the target is the relationship's start; None when the ontology and the sentence disagree."""
    can_fwd = target in rel.start and anchor in rel.end
    can_back = anchor in rel.start and target in rel.end
    if can_fwd != can_back:
        return can_fwd
    if not can_fwd:
        return None
    inverse = word in rel.inverse
    if AGENT_NOUN.search(word) or word in ("customers", "customer", "clients", "client", "partner", "partners"):
        target_is_subject = True  # 'suppliers of Apple', 'Apple's customers': the noun names the target
    else:
        passive = bool(re.search(r"\bby\s+(the\s+)?$", text[max(0, anchor_pos - 8) : anchor_pos]))
        anchor_is_subject = passive or anchor_pos < word_pos
        target_is_subject = not anchor_is_subject
    return target_is_subject != inverse


def _nouns() -> dict[str, str]:
    return {stem(w): n.label for n in ontology.NODES if n.label != "Source" for w in n.nouns}


def _rel_for(f: Frame, label: str, anchor_label: str, anchor_pos: int, hits: list[tuple[str, str, int]],
             anchors: list[int]) -> tuple[str, str, bool, int] | None:  # fmt: skip
    """The relation word that governs an anchor: the nearest one before it (the anchor is its object) with no
    other anchor in between, else the nearest after it (the anchor is its subject). None when none fits or two
    relationship types fit one word equally."""
    before = [h for h in hits if h[2] < anchor_pos and not any(h[2] < a < anchor_pos for a in anchors)]
    after = [h for h in hits if h[2] > anchor_pos and not any(anchor_pos < a < h[2] for a in anchors)]
    for group in (sorted(before, key=lambda h: -h[2]), sorted(after, key=lambda h: h[2])):
        for _rel, _word, pos in group:
            same_word = [h for h in group if h[2] == pos]
            fits = []
            for r2, w2, p2 in same_word:
                orient = _orient(ontology.REL_BY_TYPE[r2], label, anchor_label, w2, p2, anchor_pos, f.text)
                if orient is not None:
                    fits.append((r2, w2, orient, p2))
            if len({x[0] for x in fits}) > 1:
                return None
            if fits:
                return fits[0]
    return None


def intent_pattern(tr: RulesTranslator, f: Frame) -> Translation | None:
    """Typed slot + ontology constraints (+ negation, nationality, stage, count) -> one query."""
    slot = _slot(f)
    if slot is None or f.order or f.top_n or f.threshold is not None or f.time:
        return None
    label, slot_pos = slot
    either = label == "Organization" and re.search(r"\borgani[sz]ations?\b", f.text)  # companies count as organisations
    check_label = "Company" if either else label
    hits = _rel_hits(f)
    nouns = _nouns()
    # anchors: linked entities, and 'Australian companies' (a nationality + type noun after the slot)
    anchors: list[tuple[str, str, int, str | None]] = []  # (label, name, position, class label or None)
    where_of = _located(f)
    for m in f.mentions:
        if m.entity.name in f.outside or m.entity.label == "Source" or m in where_of.values():
            continue
        if m.entity.label in ("Application", "Stage") and all(
            any(w in ws for ws in STAGE_WORDS.values()) for w in re.findall(r"[a-z]+", m.surface.lower())
        ):
            continue  # 'magnets' in 'make magnets' names the stage, not an anchor
        demonym = m.surface.lower() in tr.demonyms
        non = bool(re.search(r"\bnon[- ]?$", f.text[max(0, m.start - 4) : m.start]))
        if demonym and non and m.start < slot_pos and label in SLOT_COUNTRY:  # 'non-Chinese companies'
            anchors.append(("Country", m.entity.name, -2, None))
            continue
        if m.entity.label == "Country" and m.start < slot_pos and label in SLOT_COUNTRY and not demonym:
            anchors.append(("Country", m.entity.name, -1, None))  # 'US magnet makers', "China's export controls"
            continue
        if demonym:
            nxt = re.match(r"\s*([a-z]+)", f.text[m.end :])
            noun_label = nouns.get(stem(nxt.group(1))) if nxt else None
            if m.start < slot_pos or noun_label is None:
                if label in SLOT_COUNTRY:
                    anchors.append(("Country", m.entity.name, -1, None))  # the slot's own nationality
                continue
            anchors.append(("Country", m.entity.name, m.start, noun_label))
            continue
        anchors.append((m.entity.label, m.entity.name, m.start, None))
    positions = [a[2] for a in anchors if a[2] >= 0]
    cons: list[Constraint] = []
    classes: list[tuple[int, str]] = []  # constraint index -> class label of its anchor
    used_words: set[str] = set()
    for a_label, name, pos, cls in anchors:
        if pos < 0:
            rel_type, target_is_start = SLOT_COUNTRY.get(check_label, ("HEADQUARTERED_IN", True))
            cons.append(Constraint(rel_type, "Country", name, target_is_start, pos == -2, "nationality"))
            continue
        found = _rel_for(f, check_label, cls or a_label, pos, hits, positions)
        if found is None:
            return None
        rel_type, word, orient, wpos = found
        clause = f.text[max(slot_pos, min(wpos, pos) - 30) : max(wpos, pos)]
        negated = bool(NEGATORS.search(clause[-40:]))
        if cls:
            classes.append((len(cons), cls))
        cons.append(Constraint(rel_type, cls or a_label, name, orient, negated, word))
        used_words.add(word)
    for stage, ws in STAGE_WORDS.items():  # 'magnet makers', 'recyclers'
        if (
            label == "Company"
            and any(w in f.tokens for w in ws)
            and re.search(r"\b(make|makers?|produc|recycl|refin|process|separat|mining|miners?|trad)", f.text)
        ):
            cons.append(Constraint("ACTIVE_IN", "Stage", stage, True, False, stage))
    if not cons:
        return None
    class_of = dict(classes)
    params: dict[str, Any] = {}
    lines = ["MATCH (x) WHERE x:Company OR x:Organization" if either else f"MATCH (x:{label})"]
    where: list[str] = []
    src: list[str] = []
    draw = ["x AS _x"]
    for i, c in enumerate(cons):
        params[f"a{i}"] = c.anchor
        place = where_of.get(c.anchor) if i not in class_of else None
        if place is not None:  # 'Caremag in France': the anchor itself is qualified by where it is
            q_rel = SLOT_COUNTRY[c.anchor_label][0]
            params[f"q{i}"] = place.entity.name
            lines.append(f"MATCH (a{i}:{c.anchor_label} {{name: $a{i}}})-[q{i}:{q_rel}]->(:Country {{name: $q{i}}})")
            src.append(f"q{i}.sources")
        elif i in class_of:  # the anchor is a class: (y:Company)-[:HEADQUARTERED_IN]->(:Country {name: $a})
            node = f"(a{i}:{class_of[i]})"
            lines.append(f"MATCH (a{i})-[h{i}:HEADQUARTERED_IN]->(:Country {{name: $a{i}}})".replace(
                f"(a{i})", node, 1))  # fmt: skip
            src.append(f"h{i}.sources")
        else:
            lines.append(f"MATCH (a{i}:{c.anchor_label} {{name: $a{i}}})")
        rel = f"[r{i}:{c.rel}]" if not c.negated else f"[:{c.rel}]"
        pat = f"(x)-{rel}->(a{i})" if c.target_is_start else f"(a{i})-{rel}->(x)"
        if c.negated:
            where.append(f"NOT {pat}")
        else:
            lines.append(f"MATCH {pat}")
            src.append(f"r{i}.sources")
            draw += [f"r{i} AS _r{i}", f"a{i} AS _a{i}"]
    if not any(not c.negated for c in cons):
        return None  # only negations: 'companies not headquartered in X' needs a positive set first
    sole = SOLE.search(f.text)
    alone = None
    if sole:
        before = [i for i, (a, c) in enumerate(zip(anchors, cons)) if 0 <= a[2] < sole.start() and not c.negated]
        if len(before) != 1 or before[0] in class_of:
            return None  # 'alone' must qualify exactly one anchor
        alone = cons[before[0]]
        k = f"(k:{alone.anchor_label})"
        other = f"{k}-[:{alone.rel}]->(x)" if not alone.target_is_start else f"(x)-[:{alone.rel}]->{k}"
        used_words.update(re.findall(r"[a-z-]+", sole.group(0)))
    body = " ".join(lines) + (" WHERE " + " AND ".join(where) if where else "")
    if alone:  # FalkorDB takes a pattern comprehension after WITH, not in a MATCH's WHERE
        bound = ", ".join(dict.fromkeys(re.findall(r"[(\[]([a-z]\w*)[:)\]]", body)))
        body += f" WITH {bound}, size([{other} | k]) AS _n WHERE _n = 1"
    sources = " + ".join(f"coalesce({x}, [])" for x in src)
    reading = _reading(
        "Company or organization" if either else label, cons, class_of, {n: v.entity.name for n, v in where_of.items()}
    )
    if alone:
        reading += f", with no other {alone.anchor_label.lower()} on that link"
    if f.count:
        cy = f"{body} RETURN count(DISTINCT x) AS count, collect({sources})[0..25] AS _src"
        return translation(cy, params, "pattern_count", 0.8, lambda rows: f"{rows[0]['count']}.",
                           used=used_words, reading="How many: " + reading)  # fmt: skip
    cy = f"{body} RETURN DISTINCT x.name AS name, {sources} AS _src, {', '.join(draw)} ORDER BY name"
    return translation(
        cy,
        params,
        "pattern",
        0.8,
        lambda rows: join([r["name"] for r in rows], 30) + ".",
        empty=f"The graph has nothing matching all of: {reading}.",
        used=used_words,
        reading=reading,
    )


def _verb(rel_type: str) -> str:
    """'HEADQUARTERED_IN' -> 'is headquartered in', 'INVESTS_IN' -> 'invests in', 'MEMBER_OF' -> 'is a member of'."""
    words = rel_type.lower().split("_")
    if words[0].endswith("ed") or words[0] in ("active", "part", "member"):
        return "is " + ("a " if words[0] == "member" else "") + " ".join(words)
    return " ".join(words)


def _located(f: Frame) -> dict[str, Any]:
    """Entities qualified by a country right after them ('Caremag in France', 'Mt Weld in Australia'):
    entity name -> the country's mention, which then is not an anchor of its own."""
    out: dict[str, Any] = {}
    for prev, m in zip(f.mentions, f.mentions[1:]):
        if (
            m.entity.label == "Country"
            and prev.entity.label in SLOT_COUNTRY
            and SLOT_COUNTRY[prev.entity.label][1]
            and re.fullmatch(r",?\s+(?:in|of|from)\s+(?:the\s+)?", f.text[prev.end : m.start])
        ):
            out[prev.entity.name] = m
    return out


def _reading(label: str, cons: list[Constraint], class_of: dict[int, str], places: dict[str, str]) -> str:
    parts = []
    for i, c in enumerate(cons):
        verb = _verb(c.rel)
        anchor = f"a {class_of[i].lower()} headquartered in {c.anchor}" if i in class_of else c.anchor
        if i not in class_of and c.anchor in places:
            anchor = f"{c.anchor} ({_verb(SLOT_COUNTRY[c.anchor_label][0])} {places[c.anchor]})"
        active = " ".join(c.rel.lower().split("_"))  # 'China enacted it', 'Lynas supplies it'
        side = f"{verb} {anchor}" if c.target_is_start else f"{anchor} {active}"
        parts.append(("not " + side if c.negated else side).replace("not is ", "is not "))
    return f"{label} that " + " and ".join(parts)
