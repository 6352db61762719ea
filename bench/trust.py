"""Outcome counts of the offline translator on tests/cases.py:TRUST_CASES (correct, wrong, abstained).

.venv/bin/python bench/trust.py [--verbose]      # on a fresh embedded graph with the bundled data
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import embedded  # noqa: E402
from graph.connect import open_store  # noqa: E402
from graph.settings import Settings  # noqa: E402
from ingest.load import ingest_all  # noqa: E402
from qa.answer import Asker  # noqa: E402
from tests.cases import TRUST_CASES  # noqa: E402


def judge(status: str, expect: str, must: list[str], never: list[str], ans) -> str:  # noqa: ANN001
    hay = json.dumps(ans.rows, default=str) + " " + ans.answer
    norm = hay.lower().replace(",", "")
    rows = json.dumps(ans.rows, default=str).lower()
    right = all(m.lower().replace(",", "") in norm for m in must) and not any(n.lower() in rows for n in never)
    if expect == "refused":
        return "correct" if status == "refused" else "wrong"
    if status == "ok":
        if expect == "abstain":
            return "wrong"
        return "correct" if right else "wrong"
    if status in ("no_answer",):
        return "wrong-abstained" if expect == "ok" else ("correct" if expect == "abstain" else "abstained")
    return "other"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix="rekg-trust-"))
    try:
        settings = Settings(data_dir=d)
        store = open_store(settings)
        ingest_all(store, settings, reset=True)
        asker = Asker(store, settings)
        counts: dict[str, int] = {}
        for q, expect, must, never in TRUST_CASES:
            asker.history.clear()
            ans = asker.ask(q, engine="rules")
            outcome = judge(ans.status, expect, must, never, ans)
            counts[outcome] = counts.get(outcome, 0) + 1
            if args.verbose and outcome != "correct":
                print(f"{outcome:16} {expect:8} {ans.status:9} {q}\n{'':16} {ans.answer[:200]}")
        answered = sum(1 for q, e, m, n in TRUST_CASES)
        print(json.dumps({"questions": answered, **counts}))
        store.close()
    finally:
        embedded.stop(d)
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
