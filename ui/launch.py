"""`rekg ui`: load the bundled data into an empty graph, then run the Streamlit app as a child process.

The embedded FalkorDB server stays up while Streamlit runs (the app reuses it through its socket)
and is stopped on exit if this process started it. No telemetry: usage stats are off.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from graph.settings import Settings

APP = Path(__file__).resolve().parent / "app.py"
ROOT = APP.parent.parent


def load_if_empty(store, settings: Settings) -> bool:  # noqa: ANN001
    """Load the bundled dataset (and articles, if the article extractor is present) into an empty graph."""
    from graph.stats import graph_stats
    from ingest.load import ingest_all

    if graph_stats(store)["nodes"]:
        return False
    print("rekg: the graph is empty; loading the bundled dataset and articles…", file=sys.stderr, flush=True)
    ingest_all(store, settings)
    return True


def streamlit_command(host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["REKG_DATA_DIR"] = str(settings.data_dir)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["STREAMLIT_SERVER_HEADLESS"] = "true"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_ui(settings: Settings, host: str = "127.0.0.1", port: int = 8501) -> int:
    from graph import embedded
    from graph.connect import open_store

    client: int | None = None
    if not settings.neo4j_uri:
        # A client of the server for as long as the UI runs: an ingest that exits meanwhile leaves it up.
        _, client = embedded.attach(settings.data_dir)
    try:
        store = open_store(settings)
        try:
            load_if_empty(store, settings)
        finally:
            store.close()  # leaves the server up: this launcher is still its client
        print(f"rekg: UI at http://{host}:{port}/ ({settings.backend}; Ctrl-C to stop)", file=sys.stderr, flush=True)
        return _run_child(streamlit_command(host, port), child_env(settings))
    finally:
        if client is not None:
            embedded.detach(settings.data_dir, client)  # the last client out stops the server


def _run_child(cmd: list[str], env: dict[str, str]) -> int:
    proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT))
    stopping: dict[str, int | None] = {"sig": None}

    def forward(signum, _frame) -> None:  # noqa: ANN001
        stopping["sig"] = signum
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)

    old_term = signal.signal(signal.SIGTERM, forward)
    old_hup = signal.signal(signal.SIGHUP, forward) if hasattr(signal, "SIGHUP") else None
    try:
        while True:
            try:
                rc = proc.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reached the whole process group; let Streamlit finish
                stopping["sig"] = signal.SIGINT
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                try:
                    rc = proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    rc = proc.wait()
                break
    finally:
        signal.signal(signal.SIGTERM, old_term)
        if old_hup is not None:
            signal.signal(signal.SIGHUP, old_hup)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0 if stopping["sig"] is not None else rc
