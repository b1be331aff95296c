"""Starting and stopping the processes the compatibility tests talk to: Gangway itself, its
mock model server, and llama.cpp's server. Every process gets its own log file, is waited
for on an HTTP readiness URL, and is always terminated, even when a test fails."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GANGWAY_BIN = REPO_ROOT / ".build" / "debug" / "gangway"


def gangway_binary() -> Path:
    return Path(os.environ.get("GANGWAY_BIN", DEFAULT_GANGWAY_BIN))


def free_port() -> int:
    """A port nothing listens on right now. Another process may take it before ours binds,
    so `launch` retries with a new port when a process dies during start-up."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ManagedProcess:
    """One child process, its log, and the HTTP base URL it serves."""

    def __init__(self, name: str, argv: Sequence[str], port: int, log_path: Path) -> None:
        self.name = name
        self.argv = list(argv)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        # A new session keeps Ctrl-C in the terminal from reaching the children before
        # the fixtures get to stop them in order.
        self.process = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self) -> str:
        self._log.flush()
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_ready(self, path: str, timeout: float) -> None:
        """Polls GET base_url+path until it answers 200; raises if the process exits first."""
        deadline = time.monotonic() + timeout
        last_problem = "no answer yet"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise ProcessExited(f"{self.name} exited with status {code} during start-up:\n{self.log_tail()}")
            try:
                response = httpx.get(self.base_url + path, timeout=2.0)
                if response.status_code == 200:
                    return
                last_problem = f"GET {path} answered {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as error:
                last_problem = f"GET {path} failed: {error!r}"
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(
            f"{self.name} was not ready within {timeout:.0f} s ({last_problem}); log:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM (graceful drain), then SIGKILL if it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


class ProcessExited(RuntimeError):
    pass


def launch(
    name: str,
    argv_for_port: Callable[[int], Sequence[str]],
    log_dir: Path,
    ready_path: str,
    timeout: float = 30.0,
    attempts: int = 3,
) -> ManagedProcess:
    """Starts a server on a fresh free port and waits for it, retrying on a port race."""
    last_error: Exception | None = None
    for attempt in range(attempts):
        port = free_port()
        log_path = log_dir / f"{name}.{attempt}.log" if attempt else log_dir / f"{name}.log"
        managed = ManagedProcess(name, argv_for_port(port), port, log_path)
        try:
            managed.wait_ready(ready_path, timeout)
            return managed
        except ProcessExited as error:
            managed.stop()
            last_error = error
    assert last_error is not None
    raise last_error


def start_mock_model(log_dir: Path, model: str, extra_args: Sequence[str] = ()) -> ManagedProcess:
    binary = str(gangway_binary())
    return launch(
        f"mock-{model}",
        lambda port: [binary, "mock-model", "--host", "127.0.0.1", "--port", str(port), "--model", model, *extra_args],
        log_dir,
        ready_path="/ping",
    )


def start_gangway(log_dir: Path, name: str, endpoints: list[dict[str, Any]]) -> ManagedProcess:
    """Writes a config for `endpoints` (the YAML shape of the docs) and runs `gangway serve`."""
    binary = str(gangway_binary())
    config_path = log_dir / f"{name}.yaml"
    data_dir = log_dir / f"{name}-data"

    def argv(port: int) -> list[str]:
        config = {
            "account": "123456789012",
            "region": "us-east-1",
            "listen": f"127.0.0.1:{port}",
            "data": str(data_dir),
            "endpoints": endpoints,
        }
        config_path.write_text(to_yaml(config))
        return [binary, "serve", "--config", str(config_path)]

    return launch(name, argv, log_dir, ready_path="/ping")


def start_llama_server(
    log_dir: Path, model_path: Path, python: str, extra_args: Sequence[str] = (), name: str = "llama-server"
) -> ManagedProcess:
    # llama-cpp-python's server has no /ping; /v1/models answers once the model is loaded.
    # By default it cuts short a stream in progress (sending [DONE]) as soon as another request
    # waits for the model, and /v1/models does: a health check landing mid-stream truncated a
    # tool call's arguments now and then. Gangway health-checks that path, so it is turned off.
    return launch(
        name,
        lambda port: [
            python, "-m", "llama_cpp.server",
            "--model", str(model_path),
            "--model_alias", "tiny-llama",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--n_ctx", "512",
            "--n_threads", "1",
            "--seed", "7",
            "--interrupt_requests", "False",
            *extra_args,
        ],
        log_dir,
        ready_path="/v1/models",
        timeout=120.0,
    )


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML for plain dicts, lists and scalars; strings are JSON-quoted, which
    YAML reads as the same string."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:\n{to_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
        return "\n".join(lines) + ("\n" if indent == 0 else "")
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {body.lstrip()}")
            else:
                lines.append(f"{pad}- {scalar(item)}")
        return "\n".join(lines)
    return pad + scalar(value)


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return json.dumps(str(value))
