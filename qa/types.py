"""The result types of question answering, in a module of their own.

Intents, translators and the orchestrator (qa/answer.py) all import these; keeping them apart
from the code that calls the intents is what keeps `qa/` free of import cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from graph.store import GNode, GRel

Status = Literal["ok", "no_answer", "refused", "error"]
Engine = Literal["rules", "llm", "text"]
Phrase = Callable[[list[dict[str, Any]]], str]


@dataclass(kw_only=True)
class Translation:
    """A reading of a question: the Cypher that answers it and how to say the answer."""

    cypher: str
    params: dict[str, Any]
    engine: Engine = "rules"
    intent: str = ""
    confidence: float = 1.0
    interpretation: str = ""  # the reading in plain words ("Companies headquartered in Japan")
    entities: list[tuple[str, str]] = field(default_factory=list)  # (label, name) the question is about
    used: set[str] = field(default_factory=set)  # question words this reading interprets (see qa/coverage.py)
    phrase: Phrase | None = None  # rows -> sentence, or None for the generic phrasing
    empty: str = ""  # what to say when no row comes back
    frame: dict[str, Any] = field(default_factory=dict)  # the parsed question, for follow-ups
    fallback: Translation | None = None  # a looser reading to try when this one finds nothing
    alternatives: list[Translation] = field(
        default_factory=list
    )  # other complete readings, tried when this finds nothing
    not_understood: list[str] = field(default_factory=list)  # set (with no cypher) when no reading used everything
    linked: list[Any] = field(default_factory=list)  # the entity mentions the parser linked (graph.resolve.Mention)


@dataclass(kw_only=True)
class Answer:
    """What the CLI, the UI and the scorer get back for one question (`to_json` is the JSON contract)."""

    question: str
    status: Status
    answer: str
    interpretation: str = ""
    cypher: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    row_sources: list[list[str]] = field(default_factory=list)  # Source ids of each row, parallel to rows
    engine: Engine = "rules"
    sources: list[dict[str, Any]] = field(default_factory=list)  # the Source records the rows rest on, in use order
    elapsed_ms: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)  # parts of the question no reading could use
    nodes: list[GNode] = field(default_factory=list, repr=False)
    relationships: list[GRel] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("nodes")
        d.pop("relationships")
        d["graph"] = {
            "nodes": [{"id": n.uid, "label": n.label, "name": n.name} for n in self.nodes],
            "relationships": [{"type": r.type, "start": r.start.uid, "end": r.end.uid} for r in self.relationships],
        }
        return d
