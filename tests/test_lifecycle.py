"""The embedded server under concurrency: no process pulls it out from under another, writers take turns,
a dead server comes back for the next read, and its files are private. Bounded in count and time."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from graph import embedded
from graph.falkor import FalkorStore
from graph.stats import graph_stats
from ingest.load import DATASET_DIR, ingest_dataset

ROOT = Path(__file__).resolve().parent.parent


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, REKG_DATA_DIR=str(data_dir))
    env.pop("NEO4J_URI", None)  # these tests are about the embedded server
    return env


def _cli(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", *args],
        cwd=ROOT,
        env=_env(data_dir),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, stdin: str | None = None, timeout: float = 180) -> tuple[int, str, str]:
    out, err = proc.communicate(stdin, timeout=timeout)
    return proc.returncode, out, err


def test_a_client_outlives_the_ingest_that_started_the_server(tmp_data_dir) -> None:  # noqa: ANN001
    ingest = _cli(tmp_data_dir, "ingest", "--dataset", str(DATASET_DIR), "--no-release")
    deadline = time.monotonic() + 60
    while embedded.status(tmp_data_dir) is None and time.monotonic() < deadline and ingest.poll() is None:
        time.sleep(0.01)
    assert embedded.status(tmp_data_dir) is not None, "the ingest did not start the server"
    ui_like = FalkorStore(tmp_data_dir)  # a long-lived client (the UI) arrives while the ingest writes
    rc, _, err = _finish(ingest)
    assert rc == 0, err
    assert embedded.status(tmp_data_dir) is not None, "the ingest stopped the server under another client"
    assert ui_like.read("MATCH (c:Country) RETURN count(c) AS n")[0]["n"] > 40
    ui_like.close()  # the last client out stops the server
    assert embedded.status(tmp_data_dir) is None


def test_twenty_processes_without_a_started_server_all_answer(tmp_data_dir) -> None:  # noqa: ANN001
    s = FalkorStore(tmp_data_dir)
    ingest_dataset(s)
    s.close()
    assert embedded.status(tmp_data_dir) is None
    procs = [
        (_cli(tmp_data_dir, "ask", "--json", "-", stdin="") if i % 2 else _cli(tmp_data_dir, "stats", "--json"), i)
        for i in range(20)
    ]
    failures = []
    for proc, i in procs:
        question = "Which companies make magnets?\n" if i % 2 else None
        rc, out, err = _finish(proc, question)
        if rc != 0:
            failures.append((i, rc, err[-300:]))
            continue
        first = json.loads(out.splitlines()[0])
        if i % 2 and (first.get("status") != "ok" or "MP Materials" not in json.dumps(first)):
            failures.append((i, first.get("status"), first.get("answer")))
        if not i % 2 and first.get("nodes", 0) < 400:
            failures.append((i, "stats", first))
    assert not failures, failures
    assert embedded.status(tmp_data_dir) is None  # the last of them stopped it


def test_two_resets_at_once_take_turns_and_end_with_the_clean_graph(tmp_data_dir) -> None:  # noqa: ANN001
    s = FalkorStore(tmp_data_dir)
    ingest_dataset(s)
    clean = graph_stats(s)
    s.close()
    for _ in range(3):
        a = _cli(tmp_data_dir, "ingest", "--reset", "--dataset", str(DATASET_DIR), "--no-release")
        b = _cli(tmp_data_dir, "ingest", "--reset", "--dataset", str(DATASET_DIR), "--no-release")
        results = [_finish(a), _finish(b)]
        assert all(rc == 0 for rc, _, _ in results), [err[-300:] for _, _, err in results]
        s = FalkorStore(tmp_data_dir)
        stats = graph_stats(s)
        s.close()
        # the CLI also adds the bundled articles; the dataset part is exactly the clean graph
        assert stats["labels"]["Policy"] == clean["labels"]["Policy"]
        assert stats["labels"]["Country"] >= clean["labels"]["Country"]
        assert stats["relationships"] >= clean["relationships"]
        s = FalkorStore(tmp_data_dir)
        dupes = s.run("MATCH (x:Source) WITH x.id AS k, count(*) AS c WHERE c > 1 RETURN count(k) AS d")[0]["d"]
        s.close()
        assert dupes == 0
    assert embedded.status(tmp_data_dir) is None


def test_a_dead_server_is_started_again_by_the_next_read(tmp_data_dir) -> None:  # noqa: ANN001
    s = FalkorStore(tmp_data_dir)
    s.run("CREATE (:Country {name: 'Durable', sources: ['s']})")
    os.kill(s.handle.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while embedded.status(tmp_data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert s.read("MATCH (c:Country {name: 'Durable'}) RETURN count(c) AS n")[0]["n"] == 1
    s.close()


def test_the_server_files_are_private(tmp_data_dir) -> None:  # noqa: ANN001
    directory = embedded.db_dir(tmp_data_dir)
    directory.mkdir(parents=True, mode=0o755)
    os.chmod(directory, 0o755)  # as a plain mkdir leaves it
    s = FalkorStore(tmp_data_dir)
    s.run("CREATE (:Country {name: 'Private', sources: ['s']})")
    s.close()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert files, "the server wrote no files"
    loose = [(p.name, oct(stat.S_IMODE(p.stat().st_mode))) for p in files if p.stat().st_mode & 0o077]
    assert not loose, loose


def test_db_start_pins_the_server_until_db_stop(tmp_data_dir) -> None:  # noqa: ANN001
    rc, out, err = _finish(_cli(tmp_data_dir, "db", "start"))
    assert rc == 0, err
    s = FalkorStore(tmp_data_dir)
    s.close()
    assert embedded.status(tmp_data_dir) is not None, "a client closed a server the user started"
    rc, out, _ = _finish(_cli(tmp_data_dir, "db", "stop"))
    assert rc == 0 and "stopped" in out
    assert embedded.status(tmp_data_dir) is None
