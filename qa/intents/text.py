"""Answers quoted from article text: what an article or "the news" says, when the graph has no fact for it.

The sentences of ingested articles sit under each engine's full-text index (ingest/article_text.py).
This intent searches them with the question's content words, keeps only sentences that contain
what the question asks about, and returns the best ones with the article's title and date:
engine "text", read as a quotation, never as a graph fact. Questions that name an article or the
news get a high confidence; others only when one sentence holds nearly all their content words,
and at a confidence every structured reading beats.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ingest.article_text import search_sentences
from qa.frame import Frame, translation
from qa.lexicon import STOP, words
from qa.types import Translation

if TYPE_CHECKING:
    from qa.rules import RulesTranslator

CUE = re.compile(
    r"\b(?:according to (?:the |an |this |that )?(?:article|news|report|story|press)|(?:per|in|from) the (?:article|news|story)"
    r"|(?:the|an|this) (?:article|news|story|report)(?: item)? (?:says?|said|reports?|reported|claims?|states?)"
    r"|what does the (?:article|news|story) say|the news)\b",
    re.I,
)
CUE_WORDS = {"according", "article", "articles", "news", "story", "report", "press", "says", "say", "said", "per"}
QUESTION_WORDS = {"what", "which", "who", "whom", "why", "how", "when", "where", "does", "did", "do", "is", "are"}
MAX_QUOTES = 3


def _stem(w: str) -> str:
    return w[: max(3, min(len(w), len(w) - 2 if len(w) > 5 else len(w)))]


def content_words(question: str) -> list[str]:
    """What the question asks about: its words minus stop words, question words and the 'article' cue."""
    out = [w for w in words(question) if len(w) > 2 and w not in STOP and w not in CUE_WORDS | QUESTION_WORDS]
    return list(dict.fromkeys(out))


def _matched(content: list[str], sentence: str) -> set[str]:
    toks = words(sentence)
    return {w for w in content if any(t.startswith(_stem(w)) for t in toks)}


def intent_text(tr: RulesTranslator, f: Frame) -> Translation | None:
    cue = bool(CUE.search(f.question))
    content = content_words(CUE.sub(" ", f.question))
    if not content or (not cue and len(content) < 3):
        return None
    rows = search_sentences(tr.store, content, limit=50)
    if not rows:
        return None
    hits = [(r, _matched(content, r["text"])) for r in rows]
    df = {w: sum(w in m for _, m in hits) for w in content}
    n = len(hits)

    def weight(m: set[str]) -> float:
        return sum(math.log(1 + n / df[w]) for w in m if df[w])

    total = sum(math.log(1 + n / df[w]) if df[w] else math.log(1 + n) for w in content)
    ranked = sorted(hits, key=lambda h: (-weight(h[1]), h[0]["id"]))
    best, best_m = ranked[0]
    need = 2 if cue else max(3, math.ceil(0.8 * len(content)))
    if len(best_m) < min(need, len(content)) or (not cue and weight(best_m) < 0.8 * total):
        return None  # no sentence holds what the question asks about
    keep = [
        (r, m)
        for r, m in ranked[:MAX_QUOTES]
        if len(m) >= min(need, len(content)) and weight(m) >= 0.5 * weight(best_m)
    ]
    keep = [(r, m) for r, m in keep if r["source"] == best["source"]]  # one article per answer
    used = set().union(*(m for _, m in keep)) | ({w for w in words(f.question) if w in CUE_WORDS} if cue else set())
    title, date = best["title"], best["date"] or "undated"
    ids = [r["id"] for r, _ in keep]

    def phrase(out: list[dict]) -> str:
        quotes = " ".join(f"“{r['sentence']}”" for r in out)
        return f"{out[0]['title']} ({out[0]['date'] or 'undated'}) says: {quotes}"

    t = translation(
        "MATCH (s:Source)-[:HAS_SENTENCE]->(x:Sentence) WHERE x.id IN $ids "
        "RETURN x.text AS sentence, s.title AS title, s.date AS date, [s.id] AS _src ORDER BY x.position",
        {"ids": ids},
        "text",
        0.95 if cue else 0.55,
        phrase,
        "No article sentence answers this.",
        used=used,
        reading=f"Quoted from {title} ({date}): not a graph fact",
    )
    t.engine = "text"
    return t
