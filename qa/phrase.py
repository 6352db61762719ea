"""Turning rows into a short sentence, from the rows only (no outside knowledge)."""

from __future__ import annotations

from typing import Any


def fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10000:
        return f"{v:,}"
    if isinstance(v, list):
        return ", ".join(fmt(x) for x in v if x not in (None, ""))
    return "" if v is None else str(v)


def join(items: list[str], limit: int = 12) -> str:
    items = [i for i in items if i]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def phrase(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A generic sentence: one value, one list, or the first row's fields."""
    if not rows:
        return "No results."
    if len(columns) == 1:
        return join([fmt(r[columns[0]]) for r in rows]) + "."
    first = columns[0]
    if len(rows) == 1:
        r = rows[0]
        rest = "; ".join(f"{c.replace('_', ' ')}: {fmt(r[c])}" for c in columns[1:] if fmt(r[c]))
        return f"{fmt(r[first])}" + (f" ({rest})." if rest else ".")
    return f"{len(rows)} results: " + join([fmt(r[first]) for r in rows]) + "."
