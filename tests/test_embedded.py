"""The embedded FalkorDB server: started by the app, locked to its data directory, durable across a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph import embedded
from graph.falkor import FalkorStore
from graph.stats import graph_stats

ROOT = Path(__file__).resolve().parent.parent


def test_start_reuse_and_clean_stop(tmp_data_dir):
    first = embedded.start(tmp_data_dir)
    assert first.started_here
    again = embedded.start(tmp_data_dir)
    assert not again.started_here and again.socket == first.socket
    assert embedded.status(tmp_data_dir) is not None
    assert embedded.stop(tmp_data_dir)
    assert embedded.status(tmp_data_dir) is None
    assert not embedded.stop(tmp_data_dir)  # nothing left to stop


def test_the_server_starts_with_its_limits(tmp_data_dir):
    """Worker threads, a time ceiling and a memory cap per query are set where the app starts the server."""
    import redis

    handle = embedded.start(tmp_data_dir)
    try:
        r = redis.Redis(unix_socket_path=str(handle.socket))
        got = {k: r.execute_command("GRAPH.CONFIG", "GET", k)[1] for k in embedded.MODULE_LIMITS[::2]}
        r.close()
        assert got == {"THREAD_COUNT": 8, "TIMEOUT_MAX": 600000, "TIMEOUT_DEFAULT": 600000,
                       "QUERY_MEM_CAPACITY": 4 * 1024**3}  # fmt: skip
    finally:
        embedded.stop(tmp_data_dir)


def test_the_data_dir_lock_keeps_a_second_server_out(tmp_data_dir):
    h = embedded.start(tmp_data_dir)
    # The lock is held by the server process itself, not by the process that started it.
    assert embedded._try_lock(embedded.db_dir(tmp_data_dir)) is None
    # A second starter in another process reuses the running server instead of starting its own.
    code = (
        "from pathlib import Path; from graph import embedded; "
        f"h = embedded.start(Path({str(tmp_data_dir)!r})); print(h.started_here, h.pid)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.split()[0] == "False"
    servers = subprocess.run(
        ["pgrep", "-f", str(embedded.db_dir(tmp_data_dir) / embedded.SOCKET)], capture_output=True, text=True
    )
    assert len(servers.stdout.split()) == 1
    embedded.stop(tmp_data_dir)
    fd = embedded._try_lock(embedded.db_dir(tmp_data_dir))
    assert fd is not None  # released with the server
    os.close(fd)
    assert h.pid


def test_a_store_that_started_the_server_stops_it_on_close(tmp_data_dir):
    s = FalkorStore(tmp_data_dir)
    s.run("CREATE (:Country {name: 'X', sources: ['s']})")
    s.close()
    assert embedded.status(tmp_data_dir) is None
    s = FalkorStore(tmp_data_dir)  # data survived the stop
    assert s.run("MATCH (c:Country {name: 'X'}) RETURN count(c) AS c")[0]["c"] == 1
    s.close()


def test_kill_9_during_ingest_leaves_a_database_that_restarts_intact(tmp_data_dir):
    env = dict(os.environ, REKG_DATA_DIR=str(tmp_data_dir))
    env.pop("NEO4J_URI", None)  # this test is about the embedded server
    h = embedded.start(tmp_data_dir)
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", "--dataset", str(ROOT / "data" / "dataset")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    # Kill the server while the ingest is writing (as soon as some nodes are in).
    deadline = time.monotonic() + 30
    s = FalkorStore(tmp_data_dir, start=False)
    written = 0
    while time.monotonic() < deadline and written <= 50:
        written = s.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
        time.sleep(0.005)
    assert written > 50, proc.stderr.read().decode() if proc.poll() is not None else "the ingest wrote nothing in 30 s"
    os.kill(h.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    time.sleep(0.2)
    assert embedded.status(tmp_data_dir) is None
    # Restart: the append-only file loads, and the graph is consistent.
    s = FalkorStore(tmp_data_dir)
    n = s.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
    assert n > 0
    dupes = s.run("MATCH (c:Country) WITH c.name AS k, count(*) AS c WHERE c > 1 RETURN count(k) AS d")
    assert dupes[0]["d"] == 0
    # Finishing the ingest afterwards gives exactly the graph a clean ingest gives.
    from ingest.load import ingest_dataset

    ingest_dataset(s)
    after_crash = graph_stats(s)
    s.clear()
    ingest_dataset(s)
    assert graph_stats(s) == after_crash
    s.close()
