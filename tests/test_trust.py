"""The translator answers only what it understood, on both engines (issue: answers you can trust).

- every case of tests/cases.py:TRUST_CASES: required answers hold their facts, required abstentions
  abstain and name what was not understood, and no answer is ever wrong;
- a relationship type added to the ontology (only in this test) becomes askable with no translator
  code, and is never misanswered before it exists;
- answers carry a reading, cite only the Source records of the facts they return (per row), and no
  question ends a `rekg ask --json -` session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import ontology
from qa.answer import Asker
from tests.cases import TRUST_CASES

ROOT = Path(__file__).resolve().parent.parent


def _text(ans) -> str:  # noqa: ANN001
    return (json.dumps(ans.rows, default=str) + " " + ans.answer).lower().replace(",", "")


@pytest.mark.parametrize(("question", "expect", "must", "never"), TRUST_CASES, ids=[c[0][:60] for c in TRUST_CASES])
def test_trust_case(loaded, question: str, expect: str, must: list[str], never: list[str]) -> None:
    store, settings = loaded
    ans = Asker(store, settings).ask(question, engine="rules")
    rows = json.dumps(ans.rows, default=str).lower()
    if expect == "refused":
        assert ans.status == "refused", ans.answer
        return
    if expect == "abstain":
        assert ans.status == "no_answer", (ans.answer, ans.cypher)
        if question.strip(" ?"):
            assert ans.answer, "a no_answer says why"
        return
    if expect == "ok":
        assert ans.status == "ok", (ans.status, ans.answer, ans.not_understood)
    if ans.status == "ok":  # "safe" cases may abstain, but an answer is never wrong
        assert ans.interpretation, "every answer says how it read the question"
        for m in must:
            assert m.lower().replace(",", "") in _text(ans), (m, ans.answer, ans.rows[:5])
        for n in never:
            assert n.lower() not in rows, (n, ans.rows[:5])
    else:
        assert ans.status == "no_answer", (ans.status, ans.answer)


def test_no_answer_names_what_was_not_understood(loaded) -> None:
    store, settings = loaded
    asker = Asker(store, settings)
    ans = asker.ask("Which rare earths does Atlantis produce?", engine="rules")
    assert ans.status == "no_answer" and "'Atlantis' is not in the graph" in ans.answer
    assert ans.not_understood == ["Atlantis"]
    ans = asker.ask("Which countries produced more than 10,000 t of rare earths in 2024 but less than 30,000 t?")
    assert ans.status == "no_answer" and "30,000" in ans.answer
    ans = asker.ask("Which companies has the United States sanctioned?", engine="rules")
    assert ans.status == "no_answer" and "sanctioned" in ans.answer


def test_sources_are_those_of_the_rows(loaded) -> None:
    store, settings = loaded
    ans = Asker(store, settings).ask("How many tonnes of rare earths did Australia mine in 2025?", engine="rules")
    assert ans.status == "ok"
    assert len(ans.row_sources) == len(ans.rows)
    used = {sid for ids in ans.row_sources for sid in ids}
    assert used and {s["id"] for s in ans.sources} <= used
    assert all("usgs" in (s["title"] or "").lower() for s in ans.sources), ans.sources


def test_a_new_relationship_type_is_askable(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    """SANCTIONS exists only in this test: before it is in the ontology the question abstains; after, it answers."""
    store, settings = loaded
    question = "Which companies has the United States sanctioned?"
    assert Asker(store, settings).ask(question, engine="rules").status == "no_answer"
    rel = ontology.RelType(
        "SANCTIONS", ("Country",), ("Company",), "A country's sanctions on a company.", ontology.REL_COMMON,
        ("sanction", "sanctions", "sanctioned", "sanctioning", "blacklisted"),
    )  # fmt: skip
    monkeypatch.setattr(ontology, "RELS", (*ontology.RELS, rel))
    monkeypatch.setattr(ontology, "REL_BY_TYPE", {**ontology.REL_BY_TYPE, "SANCTIONS": rel})
    monkeypatch.setattr(ontology, "REL_TYPES", (*ontology.REL_TYPES, "SANCTIONS"))
    from qa import coverage

    monkeypatch.setattr(coverage, "REL_WORDS", coverage._rel_words())
    # nothing is sanctioned yet: an honest empty answer, not the US-headquartered companies
    ans = Asker(store, settings).ask(question, engine="rules")
    assert ans.status == "no_answer", (ans.answer, ans.rows)
    key = "test-sanctions"
    store.write_rows(
        "UNWIND $rows AS row MATCH (c:Country {name: row.c}) MATCH (k:Company {name: row.k}) "
        "MERGE (c)-[r:SANCTIONS]->(k) SET r.sources = [row.s]",
        [{"c": "United States", "k": "China Rare Earth Group", "s": key}],
    )
    try:
        ans = Asker(store, settings).ask(question, engine="rules")
        assert ans.status == "ok", ans.answer
        assert [r["name"] for r in ans.rows] == ["China Rare Earth Group"]
        assert "sanctions" in ans.interpretation.lower()
        count = Asker(store, settings).ask("How many companies has the US sanctioned?", engine="rules")
        assert count.status == "ok" and count.rows[0]["count"] == 1
    finally:
        store.write_rows("UNWIND $rows AS row MATCH ()-[r:SANCTIONS]->() DELETE r", [{}])
    assert store.read("MATCH ()-[r:SANCTIONS]->() RETURN count(r) AS n")[0]["n"] == 0


def test_no_question_ends_the_session(tmp_path: Path) -> None:
    """Through the real CLI: odd, hostile and crashing questions each get one answer, and the session goes on."""
    env = {**os.environ, "REKG_DATA_DIR": str(tmp_path / "d"), "PYTHONPATH": str(ROOT)}
    env.pop("NEO4J_URI", None)
    rekg = [sys.executable, "-m", "ui.cli"]
    subprocess.run([*rekg, "ingest"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    questions = [
        "Which Japanese companies invested in Australian companies?",
        "))) MATCH (n) RETURN n",
        "\u0001\u0002 control characters",
        "x" * 5000,
        "Add China's and Australia's 2025 rare earth output together.",
        "Who is the CEO of MP Materials?",
    ]
    try:
        p = subprocess.run([*rekg, "ask", "--json", "-"], input="\n".join(questions) + "\n", env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
        out = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
        assert p.returncode == 0, p.stderr[-2000:]
        assert len(out) == len(questions), p.stderr[-2000:]
        assert out[-1]["status"] == "ok" and "James Litinsky" in out[-1]["answer"]
        assert out[4]["status"] != "refused"
        assert all(o["status"] in ("ok", "no_answer", "refused", "error") for o in out)
    finally:
        subprocess.run([*rekg, "db", "stop"], env=env, cwd=ROOT, capture_output=True, timeout=60)
