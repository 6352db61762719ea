"""The LLM translator: any OpenAI-compatible chat model writes Cypher; code checks and runs it.

Flow for one question: retrieve few-shot examples (qa.examples) -> prompt (qa.prompts) -> model ->
extract, check and correct the query (qa.validate: schema names, directions, dialect; string
literals become parameters) -> run it through the guard (`execute_raw`: read-only engine mode, row
cap, timeout). A validation or database error is fed back to the model, at most MAX_ATTEMPTS
requests in all. A write attempt raises QueryRefused at once and is never retried.

The model never sees data it was not given and never decides what is safe: the guard does.
No token counting anywhere (it would download tiktoken data); prompts are bounded by characters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from graph.errors import QueryError, QueryRefused, RekgError
from graph.llm_client import chat_model
from graph.settings import Settings
from graph.store import GraphStore
from qa.examples import cypher_literal, retrieve
from qa.prompts import answer_messages, cypher_messages, repair_message
from qa.types import Translation
from qa.validate import ValidationError, check, extract_cypher

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # model requests per question: the first try and at most two repairs
EXAMPLES_K = 4

ExecuteRaw = Callable[[str, dict[str, Any]], tuple[str, list[dict[str, Any]]]]


def _one_line(cypher: str, limit: int = 200) -> str:
    text = " ".join(cypher.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LLMError(RekgError):
    """The language model could not be reached or gave no usable reply."""


class LLMTranslator:
    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.backend = getattr(store, "backend", "falkordb")
        self._llm: Any = None
        self._values: dict[str, list[str]] | None = None
        self.last_replies: list[str] = []  # the raw replies of the last question (for debugging and tests)

    # -- the model -------------------------------------------------------------------------
    @property
    def llm(self) -> Any:
        if self._llm is None:
            self._llm = chat_model(self.settings)
        return self._llm

    def _messages(self, system: str, turns: list[tuple[str, str]]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        out: list[Any] = [SystemMessage(content=system)]
        for role, text in turns:
            out.append(HumanMessage(content=text) if role == "user" else AIMessage(content=text))
        return out

    def _invoke(self, messages: list[Any]) -> str:
        try:
            reply = self.llm.invoke(messages)
        except Exception as e:  # openai raises many types (connection, status, timeout)
            raise LLMError(
                f"the language model at {self.settings.openai_base_url or 'api.openai.com'} failed: {e}"
            ) from e
        return _text(reply.content)

    # -- question -> query -> rows -------------------------------------------------------------
    def known_values(self) -> dict[str, list[str]]:
        """Short lists of exact names the model should use (read once from the graph)."""
        if self._values is None:
            queries = {
                "Mineral groups": "MATCH (m:Mineral) WHERE m.group = 'group' RETURN m.name AS v ORDER BY v",
                "Stage names": "MATCH (s:Stage) RETURN s.name AS v ORDER BY v",
                "Application names": "MATCH (a:Application) RETURN a.name AS v ORDER BY v",
                "Policy.category": "MATCH (p:Policy) RETURN DISTINCT p.category AS v ORDER BY v",
                "Policy.status": "MATCH (p:Policy) RETURN DISTINCT p.status AS v ORDER BY v",
                "Facility.kind": "MATCH (f:Facility) RETURN DISTINCT f.kind AS v ORDER BY v",
                "Country.kind": "MATCH (c:Country) RETURN DISTINCT c.kind AS v ORDER BY v",
                "statistics metric": "MATCH ()-[r:PRODUCES|HAS_RESERVES|HAS_METRIC]->() RETURN DISTINCT r.metric AS v ORDER BY v LIMIT 40",
                "statistics edition": "MATCH ()-[r:PRODUCES|HAS_RESERVES]->() RETURN DISTINCT r.edition AS v ORDER BY v",
            }  # fmt: skip
            values: dict[str, list[str]] = {}
            for name, cy in queries.items():
                try:
                    rows = self.store.read(cy, {}, timeout_ms=self.settings.query_timeout_ms)
                except RekgError as e:
                    log.warning("could not list %s for the prompt: %s", name, e)
                    continue
                values[name] = [str(r["v"]) for r in rows if r.get("v") not in (None, "")]
            self._values = values
        return self._values

    def translate_and_run(
        self, question: str, history: list[Translation], execute_raw: ExecuteRaw, partial: Translation | None = None
    ) -> tuple[Translation, str, list[dict[str, Any]]]:
        """`partial` is the offline reading (linked entities, what it understood and what not), passed on to the model."""
        previous = _previous(history)
        system, user = cypher_messages(
            question,
            backend=self.backend,
            examples=retrieve(question, k=EXAMPLES_K),
            values=self.known_values(),
            previous=previous,
            linked=partial.entities if partial else (),
            understood=partial.interpretation if partial else "",
            not_understood=partial.not_understood if partial else (),
        )
        turns: list[tuple[str, str]] = [("user", user)]
        self.last_replies = []
        last_error: Exception | None = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            reply = self._invoke(self._messages(system, turns))
            self.last_replies.append(reply)
            query = reply
            try:
                query = extract_cypher(reply)
                checked = check(query, self.backend)
                executed, rows = execute_raw(checked.cypher, checked.params)
            except QueryRefused as e:
                raise QueryRefused(str(e), cypher=query) from e  # a write is refused outright, never repaired
            except (ValidationError, QueryError) as e:
                last_error = e
                log.info("LLM query attempt %d failed: %s", attempt, e)
                turns += [("assistant", reply), ("user", repair_message(str(e)))]
                continue
            t = Translation(
                cypher=checked.cypher,
                params=checked.params,
                engine="llm",
                intent="llm",
                confidence=1.0,
                frame={
                    "question": question,
                    "cypher": checked.cypher,
                    "engine": "llm",
                    "attempts": attempt,
                    "corrections": checked.corrections,
                },
                empty="The graph has no facts that answer this.",
                interpretation="Read by the language model as: " + _one_line(checked.cypher),
            )
            return t, executed, rows
        raise QueryError(f"the model gave no working query after {MAX_ATTEMPTS} attempts; last error: {last_error}")

    # -- rows -> sentence ---------------------------------------------------------------------
    def summarize(
        self,
        question: str,
        columns: list[str],
        rows: list[dict[str, Any]],
        on_token: Callable[[str], Any] | None = None,
    ) -> str:
        """One to three sentences grounded only in the rows; streamed to on_token when given.

        Returns "" when the model fails, so the caller keeps its own template sentence.
        """
        if not rows:
            return "The graph has no facts that answer this."
        system, user = answer_messages(question, columns, rows)
        messages = self._messages(system, [("user", user)])
        try:
            if on_token is None:
                return _text(self.llm.invoke(messages).content).strip()
            parts: list[str] = []
            for chunk in self.llm.stream(messages):
                text = _text(chunk.content)
                if text:
                    parts.append(text)
                    on_token(text)
            return "".join(parts).strip()
        except Exception as e:  # noqa: BLE001 - the rows are the answer; the sentence is a nicety
            log.warning("the language model could not phrase the answer: %s", e)
            return ""


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content if b)
    return str(content or "")


def _previous(history: list[Translation]) -> tuple[str, str] | None:
    """The last answered question and its query (literals inlined), for follow-ups."""
    for t in reversed(history or []):
        if t.cypher:
            q = (t.frame or {}).get("question", "")
            cy = t.cypher
            for name in sorted(t.params or {}, key=len, reverse=True):
                cy = cy.replace(f"${name}", cypher_literal(t.params[name]))
            return q, cy
    return None
