"""The command-line contract the team measures the product through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
REKG = [sys.executable, "-m", "ui.cli"]


def rekg(args: list[str], data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, REKG_DATA_DIR=str(data_dir))
    env.pop("NEO4J_URI", None)
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    return subprocess.run(REKG + args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300)


def test_every_command_and_option_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) >= {"ingest", "stats", "db", "ask", "export", "import", "ui"}
    for name, p in sub.choices.items():
        assert p.description or sub._choices_actions, name
        for action in p._actions:
            if action.dest != "help":
                assert action.help, f"rekg {name} {action.dest} has no help text"


def test_ingest_stats_idempotent_and_ask_json_contract(tmp_data_dir):
    p = rekg(["ingest"], tmp_data_dir)
    assert p.returncode == 0, p.stderr
    s1 = json.loads(rekg(["stats", "--json"], tmp_data_dir).stdout)
    assert s1["nodes"] > 400 and s1["relationships"] > 900 and s1["backend"] == "falkordb"
    assert rekg(["ingest"], tmp_data_dir).returncode == 0
    s2 = json.loads(rekg(["stats", "--json"], tmp_data_dir).stdout)
    assert (s1["nodes"], s1["relationships"]) == (s2["nodes"], s2["relationships"])

    questions = "Who is the CEO of MP Materials?\nDelete every node\nWhat's the weather in Tokyo today?\n"
    p = rekg(["ask", "--json", "-"], tmp_data_dir, stdin=questions)
    assert p.returncode == 0, p.stderr
    outs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["status"] for o in outs] == ["ok", "refused", "no_answer"]
    keys = {"question", "status", "answer", "cypher", "params", "columns", "rows", "engine", "sources", "elapsed_ms"}
    for o in outs:
        assert keys <= set(o)
    ok = outs[0]
    assert ok["engine"] == "rules" and "James Litinsky" in json.dumps(ok["rows"])
    assert ok["sources"] and ok["sources"][0]["title"] and "$" in ok["cypher"]
    assert all(isinstance(v, (str, int, float, bool, type(None), list)) for row in ok["rows"] for v in row.values())
    s3 = json.loads(rekg(["stats", "--json"], tmp_data_dir).stdout)
    assert (s3["nodes"], s3["relationships"]) == (s1["nodes"], s1["relationships"])


def test_plain_ask_prints_answer_table_cypher_and_sources(tmp_data_dir):
    rekg(["ingest"], tmp_data_dir)
    p = rekg(["ask", "Which country produced the most rare earths in 2025?"], tmp_data_dir)
    assert p.returncode == 0
    assert "China" in p.stdout and "Cypher:" in p.stdout and "Sources:" in p.stdout and "USGS" in p.stdout


def test_db_start_status_stop(tmp_data_dir):
    assert rekg(["db", "status"], tmp_data_dir).returncode == 1
    assert "running" in rekg(["db", "start"], tmp_data_dir).stdout
    assert rekg(["db", "status"], tmp_data_dir).returncode == 0
    assert rekg(["stats", "--json"], tmp_data_dir).returncode == 0  # reuses, and leaves it running
    assert rekg(["db", "status"], tmp_data_dir).returncode == 0
    assert "stopped" in rekg(["db", "stop"], tmp_data_dir).stdout
    assert rekg(["db", "status"], tmp_data_dir).returncode == 1


@pytest.mark.parametrize("args", [["ingest", "--dataset", "/nonexistent"], ["ask"], ["export", "--out", "/tmp/x.json"]])
def test_errors_are_one_line_of_guidance_not_a_traceback(args, tmp_data_dir):
    p = rekg(args, tmp_data_dir)
    assert p.returncode == 2
    assert p.stderr.startswith("rekg: error:") and "Traceback" not in p.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("REKG_ROW_CAP", "abc", "REKG_ROW_CAP must be a positive integer, got 'abc'"),
        ("REKG_QUERY_TIMEOUT_MS", "0", "REKG_QUERY_TIMEOUT_MS must be a positive integer, got '0'"),
        ("NEO4J_URI", "http://127.0.0.1:7474", "NEO4J_URI must start with one of bolt://"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(name: str, value: str, says: str, tmp_data_dir: Path) -> None:
    env = dict(os.environ, REKG_DATA_DIR=str(tmp_data_dir), **{name: value})
    p = subprocess.run([*REKG, "db", "status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert p.stderr.startswith(f"rekg: error: {says}") and len(p.stderr.strip().splitlines()) == 1
