"""`rekg query`: a user's own Cypher through the Cypher box's guard, end to end through the CLI, on each backend."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from graph.stats import graph_stats

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"query", "status", "columns", "rows", "error"}


def rekg(args: list[str], settings, stdin: str | None = None, **env_extra: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    env = dict(os.environ, REKG_DATA_DIR=str(settings.data_dir), **env_extra)
    for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REKG_ENV_FILE"):
        env.pop(k, None)
    if settings.neo4j_uri:
        env["NEO4J_URI"] = settings.neo4j_uri
    else:
        env.pop("NEO4J_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_one_query_prints_a_table(loaded) -> None:  # noqa: ANN001
    _, settings = loaded
    p = rekg(["query", "MATCH (c:Country {name: 'China'}) RETURN c.name AS name"], settings)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["name", "China", "(1 rows)"]


def test_json_output_and_parameters(loaded) -> None:  # noqa: ANN001
    _, settings = loaded
    q = "MATCH (m:Mineral) WHERE m.name = $name RETURN m.name AS name, m.symbol AS symbol"
    p = rekg(["query", "--json", "--param", "name=Dysprosium", q], settings)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) == KEYS
    assert out == {
        "query": q,
        "status": "ok",
        "columns": ["name", "symbol"],
        "rows": [["Dysprosium", "Dy"]],
        "error": "",
    }
    p = rekg(["query", "--json", "--param", "n=3", "UNWIND range(1, $n) AS x RETURN x"], settings)
    assert json.loads(p.stdout)["rows"] == [[1], [2], [3]]


def test_a_stdin_session_survives_bad_queries_and_changes_nothing(loaded, tmp_path: Path) -> None:  # noqa: ANN001
    store, settings = loaded
    secret = f"REKG-SECRET-{uuid.uuid4().hex}"
    env_file = tmp_path / ".env"
    env_file.write_text(f"OPENAI_API_KEY={secret}\n")
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(8)
    lst.settimeout(0.5)
    port = lst.getsockname()[1]
    lines = [
        "MATCH (c:Country) RETURN count(c) AS n",
        f'WITH 1 AS `a\'` LOAD CSV FROM "file:" + "/" + "/" + "{env_file}" AS l RETURN l AS `b\'`',
        "",
        "MATCH (n) DETACH DELETE n",
        "MATCH (c:Country RETURN c",
        f"LOAD CSV FROM 'https://127.0.0.1:{port}/x.csv' AS l RETURN l",
        "SHOW TRANSACTIONS YIELD transactionId, currentQuery, parameters RETURN *",
        "MATCH (a),(b) RETURN a.name AS x UNION ALL RETURN 'y' AS x",
        "MATCH (a),(b) RETURN a.name AS x LIMIT $year",
        "CREATE (:Country {name: 'Atlantis'})",
        "MATCH (c:Country {name: 'Japan'}) RETURN c.name AS name",
    ]
    before = graph_stats(store)
    p = rekg(
        ["query", "--json", "--param", "year=2025", "-"], settings, stdin="\n".join(lines) + "\n", REKG_ROW_CAP="50"
    )
    outs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["status"] for o in outs] == [
        "ok", "refused", "refused", "error", "refused", "refused", "ok", "ok", "refused", "ok"
    ]  # fmt: skip
    assert p.returncode == 1  # some queries did not run
    assert all(set(o) == KEYS for o in outs)
    assert [o["query"] for o in outs] == [q for q in lines if q]
    assert outs[0]["rows"][0][0] > 10 and outs[-1]["rows"] == [["Japan"]]
    assert len(outs[6]["rows"]) == 50 and len(outs[7]["rows"]) == 50  # the cap holds on UNION and LIMIT $param
    assert all(o["error"] for o in outs if o["status"] != "ok")
    assert secret not in p.stdout + p.stderr and "Traceback" not in p.stderr
    try:
        conn, _ = lst.accept()
        conn.close()
        raise AssertionError("the engine connected to the local listener")
    except TimeoutError:
        pass
    finally:
        lst.close()
    assert graph_stats(store) == before


def test_text_output_names_the_refusal(loaded) -> None:  # noqa: ANN001
    _, settings = loaded
    p = rekg(["query", "MATCH (n) DETACH DELETE n"], settings)
    assert p.returncode == 1
    assert p.stdout.startswith("refused: ") and "DETACH" in p.stdout


@pytest.mark.parametrize("args", [["query"], ["query", "--param", "oops", "RETURN 1"]])
def test_usage_errors_are_one_line(loaded, args: list[str]) -> None:  # noqa: ANN001
    _, settings = loaded
    p = rekg(args, settings)
    assert p.returncode == 2 and p.stderr.startswith("rekg: error: ") and "Traceback" not in p.stderr
