"""The offline translator: a schema-aware semantic parser from plain English to parameterised Cypher.

How it works: the question is parsed into a `Frame` (entities linked through names and aliases
with fuzzy matching, time constraints, question form, superlatives, counts, relation words from
the ontology's lexicon). Each intent below claims the frames it can answer and builds Cypher
whose every value is a parameter. The highest-scoring intent wins; with none, the translator
says it is not confident (returns None) instead of guessing.
"""

from __future__ import annotations

import logging
import re

from graph.entity_index import open_index
from graph.resolve import Entity, EntityIndex, Mention
from graph.store import GraphStore
from qa.coverage import EDITION_RE, Evidence, leftovers
from qa.frame import LINK_LABELS, VOCAB, Frame
from qa.intents import INTENTS
from qa.interpret import describe
from qa.lexicon import (
    COUNT_WORDS,
    NUMBERS,
    ORDINALS,
    OUTSIDE_RE,
    STOP,
    SUPERLATIVE,
    WH_WORDS,
    find_time,
    words,
)
from qa.types import Translation

log = logging.getLogger(__name__)

IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would) you\s+)?(?:please\s+)?"
    r"(?:tell me|show me|give me|let me know|i'?d like to know|i want to know|i wonder|find out|find|explain|list|name|show)\s+",
    re.I,
)


def as_question(text: str) -> str:
    """'Tell me who the CEO of X is' -> 'who the CEO of X is'; 'Show me the minerals ...' -> 'which minerals ...'."""
    m = IMPERATIVE.match(text)
    if not m:
        return text
    rest = text[m.end() :]
    if re.match(r"(about|everything about|more about)\b", rest, re.I):
        return "tell me about " + re.sub(r"^(everything |more )?about\s+", "", rest, flags=re.I)
    if re.match(r"(who|whom|which|what|when|where|how|is|are|was|were|did|does)\b", rest, re.I):
        return rest
    if re.match(r"whether\b", rest, re.I):
        return "is" + rest[len("whether") :]
    if re.match(r"the names? of\b", rest, re.I):
        return "who is " + re.sub(r"^the names? of\s+", "", rest, flags=re.I)
    if re.match(r"the (date|day)\b", rest, re.I):
        return "when " + re.sub(r"^the (date|day)\s+(when\s+|on which\s+)?", "", rest, flags=re.I)
    if m.group(0).lower().startswith(("list", "name", "show")) and not re.match(r"(the |all )", rest, re.I):
        return text  # "List US tariffs on China" is already understood as it stands
    return "which " + re.sub(r"^(all\s+)?(of\s+)?(the\s+)?", "", rest, flags=re.I)


class RulesTranslator:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        # the stored index (graph/entity_index.py): no graph scan at start-up, whatever the graph's size
        index = open_index(store)
        self.index: EntityIndex = index
        self.demonyms = index.demonyms()
        # 'Washington placed tariffs': a capital that acts (not a place: 'in Washington') stands for its country
        self.capitals = index.capitals()
        self.person_country = index.person_country()

    # -- parsing -------------------------------------------------------------------------
    def parse(self, question: str) -> Frame:
        q = as_question(question.strip().rstrip("?!. "))
        ed = EDITION_RE.search(q)
        edition = f"MCS {ed.group(1)}" if ed else None
        unmasked = q
        if ed:  # the edition's year is not the period asked about
            q = q[: ed.start()] + " " * (ed.end() - ed.start()) + q[ed.end() :]
        time, spans = find_time(q)
        masked = q
        for a, b in spans:
            masked = masked[:a] + " " * (b - a) + masked[b:]
        mentions = [m for m in self.index.find_mentions(masked, LINK_LABELS, fuzzy=True) if self._keep(m, masked)]
        mentions += self._capital_mentions(masked, mentions)
        low = q.lower()
        toks = words(q)
        wh = next((w for w in toks[:3] if w in WH_WORDS), "")
        if wh == "whom":
            wh = "who"
        if re.search(r"\b(what|which) (date|day)\b|\bwhen\b", low):
            wh = "when"
        f = Frame(unmasked, unmasked.lower(), toks, mentions, time, wh, any(c in low for c in COUNT_WORDS), masked=masked,
                  edition=edition)  # fmt: skip
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
        m = re.search(
            r"\b(?:(?:more|greater|larger|higher) than|above|over|exceeding|at least)\s+([\d,\.]+)\s*(million|thousand|k|m)?",
            low,
        )
        if m:
            mult = {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}.get(m.group(2) or "", 1)
            f.threshold = float(m.group(1).replace(",", "")) * mult
        for men in mentions:
            if OUTSIDE_RE.search(q[: men.start]):
                f.outside.append(men.entity.name)
        return f

    def _capital_mentions(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Capitals used for their governments ('What tariffs has Washington placed ...'), not as places."""
        out = []
        for cap, country in self.capitals.items():
            for m in re.finditer(rf"\b{re.escape(cap)}\b", text):
                place = re.search(
                    r"\b(in|at|to|from|near|visit\w*|via)\s+(the\s+)?$", text[max(0, m.start() - 12) : m.start()]
                )
                if place or any(x.start <= m.start() < x.end for x in mentions):
                    continue
                out.append(Mention(Entity("Country", country), m.start(), m.end(), m.group(0), 100.0))
        return out

    def _keep(self, m: Mention, text: str) -> bool:
        """Drop links that are parts of the question's own vocabulary ('rare earths' is a group only when meant)."""
        return not (m.score < 100 and any(w in STOP or w in VOCAB for w in words(m.surface)))

    # -- translating -----------------------------------------------------------------------
    def translate(self, question: str, history: list[Translation]) -> Translation | None:
        """The best reading that uses every part of the question; else a reading that names what it could not use.

        Every intent proposes a reading; `qa.coverage` checks each one against the question. Only a
        reading with nothing left over may answer. With none, the result has no Cypher and its
        `not_understood` lists what was left over by the closest reading (or None when the question
        has no content word at all).
        """
        followed = self._follow_up(question, history)
        if followed:
            question = followed
        f = self.parse(question)
        readings: list[tuple[Translation, list[str]]] = []
        for intent in INTENTS:
            try:
                t = intent(self, f)
            except Exception as e:  # one broken intent must not end the question, let alone the session
                log.warning("intent %s failed on %r: %r", getattr(intent, "__name__", intent), question, e)
                continue
            if t is not None:
                readings.append((t, self.unused(f, t)))
        complete = [t for t, left in readings if not left]
        if complete:
            complete.sort(key=lambda t: -t.confidence)
            best = complete[0]
            best.alternatives = [t for t in complete[1:4] if t.cypher != best.cypher]
            for alt in best.alternatives:
                alt.frame = {"question": question, "intent": alt.intent}
                alt.interpretation = alt.interpretation or describe(alt, f)
            if best.fallback is not None and self.unused(f, best.fallback):
                best.fallback = None  # a looser reading may not drop what the question asks
            best.frame = {"question": question, "intent": best.intent}
            best.entities = [(m.entity.label, m.entity.name) for m in f.mentions]
            if not best.interpretation:
                best.interpretation = describe(best, f)
            return best
        if readings:
            closest, left = min(readings, key=lambda r: (len(r[1]), -r[0].confidence))
        else:
            closest, left = None, self.unused(f, None)
        if not left:
            return None
        return Translation(
            cypher="",
            params={},
            intent="not_understood",
            confidence=0.0,
            interpretation=describe(closest, f) if closest else "",
            not_understood=left,
            entities=[(m.entity.label, m.entity.name) for m in f.mentions],
            linked=[m for m in f.mentions],
        )

    def unused(self, f: Frame, t: Translation | None) -> list[str]:
        """What of the question reading `t` does not use (everything, for no reading)."""
        ev = Evidence.of(t.cypher, t.params, t.used) if t else Evidence.of("", {}, ())
        return leftovers(f.question, ev, f.mentions, self.demonyms, self.person_country)

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
