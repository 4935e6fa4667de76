"""Starting and stopping gunicorn on 127.0.0.1 with the same settings for the portal and the baseline."""
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portal.config import BASE_DIR

from .signin import fetch

# Synchronous workers, one more than the cores: the pages are Python-bound, and threads in one worker would
# only take turns holding the interpreter (measured: the city report served 43 requests/s with 2 workers of
# 4 threads, 140 with 3 synchronous workers).
GUNICORN = {"worker-class": "sync", "workers": (os.cpu_count() or 1) + 1, "backlog": 2048}
START_SECONDS = 60
STOP_SECONDS = 15


class ServerError(RuntimeError):
    """A server did not start."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(process: subprocess.Popen, base_url: str, path: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn stopped with code {process.returncode}; see {log}")
        try:
            if fetch(base_url, path)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise ServerError(f"gunicorn did not answer {base_url}{path} within {START_SECONDS} s; see {log}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_SECONDS)


@contextmanager
def gunicorn(application: str, port: int, env: dict[str, str], log: Path, ready_path: str) -> Iterator[str]:
    """Serves `module:app` on 127.0.0.1:port; yields the base URL and always stops the server."""
    options = [f"--{name}={value}" for name, value in GUNICORN.items()]
    command = [str(Path(sys.executable).with_name("gunicorn")), *options, "--no-control-socket",
               f"--bind=127.0.0.1:{port}", f"--chdir={BASE_DIR}", f"--error-logfile={log}", application]
    base_url = f"http://127.0.0.1:{port}"
    log.unlink(missing_ok=True)
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_ready(process, base_url, ready_path, log)
        yield base_url
    finally:
        _stop(process)
