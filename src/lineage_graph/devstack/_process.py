"""Child-process helpers shared by the server launchers."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Self

from lineage_graph.devstack.errors import ProvisionError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

_PR_SET_PDEATHSIG = 1

INSTALL_HINTS = {
    "java": "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)",
    "mvn": "install Maven 3.8+ (Debian: apt-get install maven)",
    "go": "install Go 1.22+ (https://go.dev/doc/install, or Debian: apt-get install golang)",
}


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        hint = INSTALL_HINTS.get(name, f"install {name}")
        msg = f"'{name}' was not found on PATH: {hint}"
        raise ProvisionError(msg)
    return path


def _die_with_parent() -> None:
    # Linux only: the kernel sends SIGTERM to the server if the process that started it dies,
    # so no server outlives a crashed test session or a killed `make up`.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def spawn(args: Sequence[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(args),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            preexec_fn=_die_with_parent,  # noqa: PLW1509
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes] | None, timeout: float = 30.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(
    ready: Callable[[], bool],
    process: subprocess.Popen[bytes],
    timeout: float,
    on_exit: Callable[[], str],
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProvisionError(on_exit())
        if ready():
            return True
        time.sleep(0.2)
    return False


def run_checked(
    args: Sequence[str], what: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        msg = f"{what} failed (exit {result.returncode}): {' '.join(args)}\n{tail}"
        raise ProvisionError(msg)
    return result.stdout


def tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def http_ok(url: str) -> bool:
    """Whether `url` answers 200 now (a server's readiness probe)."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class Server(ABC):
    """A server child process: `start` it (or use it as a context manager), `stop` it."""

    process: subprocess.Popen[bytes] | None
    stop_timeout: ClassVar[float]
    """Seconds `stop` waits for the process to exit after SIGTERM before killing it."""

    @abstractmethod
    def start(self) -> Self: ...

    def stop(self) -> None:
        stop(self.process, timeout=self.stop_timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
