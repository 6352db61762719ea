"""Guardrails enforced in code, not in prompts: refuse write requests, run questions read-only, capped.

The engine enforces read-only (FalkorDB GRAPH.RO_QUERY; Neo4j READ transaction plus an EXPLAIN
check), and `run_read_only` adds a row cap (LIMIT injected when missing) and a timeout.
"""

from __future__ import annotations

import re
from typing import Any

from graph.errors import QueryRefused
from graph.store import GraphStore

WRITE_WORDS = re.compile(
    r"\b(delete|remove|drop|erase|wipe|destroy|truncate|purge|clear out|insert|create|add|update|"
    r"modify|change|rename|set|merge|overwrite|replace|detach|write)\b",
    re.I,
)
DATA_OBJECTS = re.compile(
    r"\b(node|nodes|relationship|relationships|edge|edges|graph|database|db|data|record|records|entity|entities|"
    r"property|properties|label|labels|index|indexes|constraint|everything|all)\b",
    re.I,
)
CODE_PATTERNS = re.compile(
    r"(\bcall\s+(dbms|apoc|db)\.|\bload\s+csv\b|\bshell\b|\bexec(ute)?\s+(this|the following|code|command|cypher|query)|"
    r"\bos\.system|subprocess|rm\s+-rf|\bignore (all |the )?(previous|prior|above) instructions|"
    r"\bsystem prompt\b|\bjailbreak\b|\brun (this|the following|arbitrary) (code|cypher|query|command)|"
    r";\s*(match|create|merge|delete)\b|\bdetach\s+delete\b|\bdrop\s+(index|constraint|database|graph)\b|"
    r"['\"]\s*\b(?:or|and)\b\s*['\"]?\w+['\"]?\s*=|\$\()",
    re.I,
)
CYPHER_WRITE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH|CALL\s*\{|CALL\s+(?:dbms|apoc|db\.create|db\.index))\b",
    re.I,
)


def refusal_reason(question: str) -> str | None:
    """Why a question must be refused before translation, or None when it may be answered."""
    q = question.strip()
    if CODE_PATTERNS.search(q):
        return "questions may not carry instructions or code to run; ask about the supply chain instead"
    lead = re.match(
        r"^\s*(?:please\s+|kindly\s+|(?:can|could|would|will) you(?: please)?\s+|go ahead and\s+|now\s+)*(\w+)", q, re.I
    )
    arithmetic = re.search(r"\b(together|up|combined|in total)\b", q, re.I) and not DATA_OBJECTS.search(q)
    if lead and WRITE_WORDS.fullmatch(lead.group(1)) and not arithmetic:  # 'Add X and Y together' is a sum
        return f"rekg answers questions and never changes the graph ('{lead.group(1)}' asks for a change); use `rekg ingest` to add data"
    w = WRITE_WORDS.search(q)
    if w and DATA_OBJECTS.search(q):
        # "Which minerals were added to China's list?" is a question, not a request.
        if re.match(
            r"^\s*(which|what|who|when|where|how|did|does|is|are|was|were|has|have)\b", q, re.I
        ) and not re.search(r"\b(can you|could you|please|you should|go ahead and)\b", q, re.I):
            return None
        return f"rekg answers questions and never changes the graph ('{w.group(0)}' asks for a change); use `rekg ingest` to add data"
    if re.match(r"^\s*(MATCH|CREATE|MERGE|DELETE|CALL|UNWIND|WITH|RETURN)\b", q) and CYPHER_WRITE.search(q):
        return "questions may not contain Cypher that writes; rekg only reads the graph"
    return None


def strip_comments(cypher: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", " ", cypher, flags=re.S)


def assert_read_only_text(cypher: str) -> None:
    """A first, textual check (the engine's read-only mode is the real guard)."""
    body = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", strip_comments(cypher))
    m = CYPHER_WRITE.search(body)
    if m:
        raise QueryRefused(f"the query contains '{m.group(0)}', which changes data; questions may only read")
    if ";" in body.strip().rstrip(";"):
        raise QueryRefused("only one statement may run per question")


def with_row_cap(cypher: str, cap: int) -> str:
    """Append LIMIT cap when the final RETURN has no LIMIT (a larger LIMIT is lowered to the cap)."""
    body = strip_comments(cypher).strip().rstrip(";").strip()
    tail = body[body.upper().rfind("RETURN") :] if "RETURN" in body.upper() else body
    m = re.search(r"\bLIMIT\s+(\d+)\s*$", tail, re.I)
    if m:
        if int(m.group(1)) > cap:
            return body[: len(body) - len(m.group(0))] + f"LIMIT {cap}"
        return body
    if re.search(r"\bLIMIT\s+\$\w+\s*$", tail, re.I):
        return body
    return f"{body} LIMIT {cap}"


def run_read_only(
    store: GraphStore, cypher: str, params: dict[str, Any] | None, *, timeout_ms: int, row_cap: int
) -> tuple[str, list[dict[str, Any]]]:
    """The one door through which a question's query reaches the database."""
    assert_read_only_text(cypher)
    capped = with_row_cap(cypher, row_cap)
    return capped, store.read(capped, params or {}, timeout_ms=timeout_ms)
