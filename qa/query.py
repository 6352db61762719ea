"""Run a user's own Cypher: the one function behind the Cypher box's Run and `rekg query`.

Both go through exactly the same guard (qa/guard.py), limits (timeout, row cap on the result) and
engine modes (FalkorDB GRAPH.RO_QUERY; Neo4j READ transaction with an EXPLAIN check) as answers do,
and get a result they can show instead of an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.errors import QueryError, QueryRefused, RekgError, StoreUnavailable
from graph.settings import Settings
from graph.store import GraphStore, plain
from qa.guard import guard_query, with_row_cap

QueryStatus = Literal["ok", "refused", "error"]


@dataclass(kw_only=True)
class QueryResult:
    """What a user's query gave: rows (engine values, for drawing) or why it did not run."""

    query: str
    status: QueryStatus
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    ran: str = ""  # the text sent to the engine (canonical, capped)
    truncated: bool = False  # more rows existed than the cap

    def to_json(self) -> dict[str, Any]:
        """The `rekg query --json` object: rows as lists in column order, values made plain."""
        return {
            "query": self.query,
            "status": self.status,
            "columns": self.columns,
            "rows": [[plain(r.get(c)) for c in self.columns] for r in self.rows],
            "error": self.error,
        }


def run_user_query(
    store: GraphStore, settings: Settings, cypher: str, params: dict[str, Any] | None = None
) -> QueryResult:
    """Guard, cap and run one query read-only; never raises for a bad query (status says what happened)."""
    cap = settings.row_cap
    try:
        ran = with_row_cap(guard_query(cypher, params), cap, params)
        rows = store.read(ran, params or {}, timeout_ms=settings.query_timeout_ms, row_cap=cap + 1)
    except QueryRefused as e:
        return QueryResult(query=cypher, status="refused", error=str(e))
    except (QueryError, StoreUnavailable) as e:
        return QueryResult(query=cypher, status="error", error=str(e))
    except RekgError as e:
        return QueryResult(query=cypher, status="error", error=str(e))
    truncated = len(rows) > cap
    rows = rows[:cap]
    columns = list(rows[0].keys()) if rows else []
    return QueryResult(query=cypher, status="ok", columns=columns, rows=rows, ran=ran, truncated=truncated)


def parse_params(items: list[str]) -> dict[str, Any]:
    """`k=v` pairs from the command line: v is read as JSON (numbers, lists, true, null), else kept as text."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise RekgError(f"--param expects NAME=VALUE (e.g. --param year=2025), got {item!r}")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out[key.strip()] = value
    return out
