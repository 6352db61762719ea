"""Plain-text rendering of an answer for the terminal (`rekg ask` without --json)."""

from __future__ import annotations

from qa.phrase import fmt
from qa.types import Answer


def render_text(ans: Answer, max_rows: int = 25) -> str:
    lines = [ans.answer, ""]
    if ans.rows:
        cols = ans.columns
        cells = [[fmt(r.get(c))[:60] for c in cols] for r in ans.rows[:max_rows]]
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
        if len(ans.rows) > max_rows:
            lines.append(f"... {len(ans.rows) - max_rows} more rows")
        lines.append("")
    if ans.cypher:
        lines += ["Cypher:", "  " + ans.cypher.replace("\n", "\n  "), f"  params: {ans.params}", ""]
    if ans.sources:
        lines.append("Sources:")
        lines += [f"  - {s.get('title')} ({s.get('date') or 'undated'}) {s.get('url') or ''}" for s in ans.sources]
    if ans.suggestions:
        lines.append("Try:")
        lines += [f"  - {q}" for q in ans.suggestions]
    lines.append(f"[{ans.status}; engine {ans.engine}; {ans.elapsed_ms:.1f} ms]")
    return "\n".join(lines)
