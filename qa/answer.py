"""Question -> Cypher -> rows -> answer: the one pipeline the CLI, the UI and the tests call.

A translator returns a `Translation` (Cypher, parameters, how to phrase the answer). Queries may
return hidden columns: `_src` (lists of Source ids behind a row) and `_g` (nodes, relationships or
paths to draw). They are taken out of the visible rows and turned into `sources` and `graph`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from graph.errors import QueryError, QueryRefused, RekgError, StoreUnavailable
from graph.settings import Settings
from graph.store import GNode, GraphStore, GRel, graph_items, plain
from qa.coverage import describe_missing
from qa.guard import question_too_long, refusal_reason, run_read_only
from qa.types import Answer, Translation

if TYPE_CHECKING:
    from qa.llm import LLMTranslator
    from qa.rules import RulesTranslator

log = logging.getLogger(__name__)

__all__ = ["SUGGESTIONS", "Answer", "Asker", "Translation"]


SUGGESTIONS = [
    "Which country produced the most rare earths in 2025?",
    "Which seven rare earths did China put under export licensing in April 2025?",
    "Who was Japan's prime minister in June 2025?",
    "Which companies make magnets?",
    "How are MP Materials and Apple connected?",
    "What is dysprosium used for?",
]


class Asker:
    """Holds what answering needs across questions: the store, settings, the translators, the conversation."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._rules: RulesTranslator | None = None
        self._llm: LLMTranslator | None = None
        self.history: list[Translation] = []

    @property
    def rules(self) -> RulesTranslator:
        if self._rules is None:
            from qa.rules import RulesTranslator

            self._rules = RulesTranslator(self.store)
        return self._rules

    def llm(self) -> LLMTranslator:
        if self._llm is None:
            from qa.llm import LLMTranslator

            self._llm = LLMTranslator(self.store, self.settings)
        return self._llm

    def ask(self, question: str, *, engine: str = "auto", on_token: Any = None) -> Answer:
        t0 = time.perf_counter()
        try:
            ans = self._ask(question.strip(), engine, on_token)
        except RekgError as e:
            ans = Answer(question=question, status="error", answer=str(e))
        except Exception as e:  # no question may end a session: an unexpected failure is one error answer
            log.exception("answering %r failed", question)
            ans = Answer(question=question, status="error",
                         answer=f"Something went wrong answering this question ({type(e).__name__}); nothing was changed.")  # fmt: skip
        ans.elapsed_ms = round((time.perf_counter() - t0) * 1000, 2)
        return ans

    def _ask(self, question: str, engine: str, on_token: Any) -> Answer:
        if not question:
            return Answer(
                question=question,
                status="no_answer",
                answer="Ask a question about the rare-earth supply chain.",
                suggestions=SUGGESTIONS,
            )
        why = refusal_reason(question)
        if why:
            return Answer(
                question=question,
                status="refused",
                answer=f"Refused: {why}.",
                engine="llm" if engine == "llm" else "rules",
            )
        if too_long := question_too_long(question):
            return Answer(question=question, status="refused", answer=f"Refused: {too_long}.")
        translation: Translation | None = None
        if engine in ("auto", "rules"):
            translation = self.rules.translate(question, self.history)
        missing: list[str] = []
        understood = ""
        partial: Translation | None = None
        if translation is not None and translation.not_understood:
            missing, understood = translation.not_understood, translation.interpretation
            partial, translation = translation, None
        if translation is not None and translation.confidence < 0.5:
            translation = None
        if translation is None and engine in ("auto", "llm"):
            if not self.settings.llm_configured:
                if engine == "llm":
                    return Answer(question=question, status="error", answer="No LLM is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL "
                                  "for an OpenAI-compatible server) in .env.", engine="llm")  # fmt: skip
            else:
                try:
                    return self._run_llm(question, on_token, partial)
                except QueryRefused as e:
                    return Answer(
                        question=question, status="refused", answer=f"Refused: {e}", cypher=e.cypher, engine="llm"
                    )
                except RekgError as e:
                    return Answer(
                        question=question, status="error", answer=f"The LLM could not answer: {e}", engine="llm"
                    )
        if translation is None and missing:
            return Answer(
                question=question,
                status="no_answer",
                answer=not_understood_message(missing, understood),
                interpretation=understood,
                not_understood=missing,
                suggestions=SUGGESTIONS,
            )
        if translation is None:
            return Answer(
                question=question,
                status="no_answer",
                answer="I can't answer that from the graph with confidence. Try one of the suggested questions, "
                "name an entity in the graph, or configure an LLM in .env for free-form questions.",
                suggestions=SUGGESTIONS,
            )
        return self.execute(question, translation)

    def execute(self, question: str, translation: Translation) -> Answer:
        s = self.settings
        try:
            cypher, rows = run_read_only(
                self.store, translation.cypher, translation.params, timeout_ms=s.query_timeout_ms, row_cap=s.row_cap
            )
        except QueryRefused as e:
            return Answer(question=question, status="refused", answer=f"Refused: {e}", cypher=translation.cypher,
                          params=translation.params, engine=translation.engine)  # fmt: skip
        except (QueryError, StoreUnavailable) as e:
            return Answer(question=question, status="error", answer=str(e), cypher=translation.cypher,
                          params=translation.params, engine=translation.engine)  # fmt: skip
        if not rows and translation.fallback is not None:
            return self.execute(question, translation.fallback)
        for alt in translation.alternatives if not rows else []:  # another complete reading may find the facts
            ans = self.execute(question, alt)
            if ans.status == "ok":
                return ans
        return self.build(question, translation, cypher, rows)

    def build(self, question: str, t: Translation, cypher: str, rows: list[dict[str, Any]]) -> Answer:
        visible = [c for c in (rows[0].keys() if rows else []) if not c.startswith("_")]
        src_ids: list[str] = []
        drawn: list[Any] = []
        row_sources: list[list[str]] = []
        for row in rows:
            mine = [sid for sid in dict.fromkeys(_flat(row.get("_src"))) if isinstance(sid, str)]
            row_sources.append(mine)
            for sid in mine:
                if sid not in src_ids:
                    src_ids.append(sid)
            drawn.append({k: v for k, v in row.items() if k == "_g" or isinstance(v, (GNode, GRel, list))})
        nodes, rels = graph_items(drawn)
        if not src_ids:  # a query without `_src`: the relationships it returned are the facts used (never the nodes')
            for rel in rels:
                for sid in rel.props.get("sources") or []:
                    if sid not in src_ids:
                        src_ids.append(sid)
        nodes, rels = self._connect(t, nodes, rels)
        clean = [{c: plain(row[c]) for c in visible} for row in rows]
        sources = self._sources(src_ids)
        if t.frame:
            t.frame["result_entities"] = [n.uid for n in nodes][:20]
            self.history.append(t)
            del self.history[:-10]
        # a count of zero through a text filter says only that no text matched the question's words
        zero = len(clean) == 1 and "$match" in cypher and all(v in (0, None, [], "") for v in clean[0].values())
        if zero or not clean or all(all(v in (None, [], "") for v in r.values()) for r in clean):
            return Answer(question=question, status="no_answer", answer=t.empty or "The graph has no facts that answer this.",
                          interpretation=t.interpretation, cypher=cypher, params=t.params, columns=visible,
                          engine=t.engine, nodes=nodes, relationships=rels)  # fmt: skip
        from qa.phrase import phrase

        sentence = t.phrase(clean) if callable(t.phrase) else phrase(clean, visible)
        return Answer(question=question, status="ok", answer=sentence, interpretation=t.interpretation, cypher=cypher,
                      params=t.params, columns=visible, rows=clean, row_sources=row_sources, engine=t.engine,
                      sources=sources, nodes=nodes, relationships=rels)  # fmt: skip

    def _connect(self, t: Translation, nodes: list[GNode], rels: list[GRel]) -> tuple[list[GNode], list[GRel]]:
        """Add the question's entities to the answer graph, with their relationships to the answer's nodes.

        "Which policies target Japan?" draws Japan and its TARGETS links, not six unconnected policies.
        Only entities the reading used (their names are parameters) are added; relationships keep their
        real direction. One bounded query, so it costs the same on any graph size.
        """
        used = {str(v) for v in _flat(list(t.params.values())) if isinstance(v, str)}
        asked = [(label, name) for label, name in t.entities if name in used]
        have = {n.uid for n in nodes}
        missing = [(label, name) for label, name in asked if f"{label}:{name}" not in have]
        if not missing or not nodes:
            return nodes, rels
        from graph.ontology import NODE_BY_LABEL, key_of

        keys = [str(n.props.get(key_of(n.label))) for n in nodes[:100] if n.label in NODE_BY_LABEL]
        found: list[dict[str, Any]] = []
        try:
            for label, name in missing[:3]:
                if label not in NODE_BY_LABEL:
                    continue
                key = key_of(label)  # label and key from the ontology: an index lookup, never a scan
                found += self.store.read(
                    f"MATCH (e:{label} {{{key}: $name}})-[r]-(a) "
                    "WHERE a.name IN $keys OR a.policy_id IN $keys OR a.event_id IN $keys RETURN e, r, a LIMIT 100",
                    {"name": name, "keys": keys},
                    timeout_ms=self.settings.query_timeout_ms,
                )
        except (QueryError, StoreUnavailable):
            return nodes, rels
        extra_nodes, extra_rels = graph_items(found)
        seen_n = {n.uid for n in nodes}
        seen_r = {r.uid for r in rels}
        return (nodes + [n for n in extra_nodes if n.uid not in seen_n],
                rels + [r for r in extra_rels if r.uid not in seen_r])  # fmt: skip

    def _sources(self, ids: list[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = self.store.read(
            "MATCH (s:Source) WHERE s.id IN $ids RETURN s.id AS id, s.title AS title, s.url AS url, s.date AS date",
            {"ids": ids[:200]},
            timeout_ms=self.settings.query_timeout_ms,
        )
        order = {sid: i for i, sid in enumerate(ids)}
        return sorted(rows, key=lambda r: order.get(r["id"], 0))[:25]

    def _run_llm(self, question: str, on_token: Any, partial: Translation | None = None) -> Answer:
        llm = self.llm()
        translation, cypher, rows = llm.translate_and_run(question, self.history, self.execute_raw, partial)
        ans = self.build(question, translation, cypher, rows)
        if ans.status == "ok":
            ans.answer = llm.summarize(question, ans.columns, ans.rows, on_token=on_token) or ans.answer
        return ans

    def execute_raw(self, cypher: str, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        """Run a generated query through the guard (used by the LLM repair loop)."""
        s = self.settings
        return run_read_only(self.store, cypher, params, timeout_ms=s.query_timeout_ms, row_cap=s.row_cap)


def not_understood_message(missing: list[str], understood: str) -> str:
    """The no-answer sentence: what was not understood, and what was (so the user can rephrase)."""
    head = describe_missing(missing)
    if understood:
        return f"I can't answer this reliably: {head}. I understood: {understood}."
    return f"I can't answer this reliably: {head}."


def _flat(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        out: list[Any] = []
        for x in v:
            out.extend(_flat(x))
        return out
    return [v]
