"""Managed model processes (`run:` in the config): Gangway itself starts llama.cpp's server
(llama-cpp-python) on the tiny generated model, routes to it only once its health check
passes, restarts it when it dies, and stops it when Gangway stops.

The copy is found as a child process of Gangway (Linux /proc), so the tests can kill it the
way a crash would and see the replacement come up on the same port."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from conftest import Gangway
from servers import start_gangway

ENDPOINT = "llama-managed"
MESSAGES = [{"role": "user", "content": "Say something short."}]
GREEDY = {"max_tokens": 8, "temperature": 0, "seed": 1}
# Loading llama_cpp and the model takes seconds; on a busy machine, more.
START_TIMEOUT = 180.0

T = TypeVar("T")


@pytest.fixture(scope="module")
def managed(gangway_bin: Path, log_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gangway]:
    if importlib.util.find_spec("llama_cpp") is None:
        reason = "llama_cpp is not importable (run scripts/setup-python.sh and use .venv/bin/python)"
        if os.environ.get("GANGWAY_REQUIRE_LLAMA"):
            pytest.fail(f"{reason}, and GANGWAY_REQUIRE_LLAMA is set", pytrace=False)
        pytest.skip(f"{reason}; set GANGWAY_REQUIRE_LLAMA=1 to fail instead")

    from make_tiny_gguf import write_tiny_gguf

    model_path = write_tiny_gguf(tmp_path_factory.mktemp("managed-model") / "tiny-llama.gguf")
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path),
        "--model_alias", "tiny-llama",
        "--host", "127.0.0.1",
        "--port", "{port}",
        "--n_ctx", "512",
        "--n_threads", "1",
        "--seed", "7",
    ]
    endpoints = [
        {
            "name": ENDPOINT,
            "run": {
                "command": command,
                "copies": 1,
                # llama-cpp-python's server has no /ping; /v1/models answers once the model is loaded.
                "health_path": "/v1/models",
                "startup_timeout": "5m",
                "grace_period": "5s",
            },
        }
    ]
    process = start_gangway(log_dir, "gangway-managed", endpoints)
    try:
        yield Gangway(process, log_dir / "gangway-managed-data")
    finally:
        process.stop()


def test_door_opens_once_the_managed_server_is_ready(managed: Gangway):
    door = managed.door(ENDPOINT)
    models = wait_for(lambda: _models(door), START_TIMEOUT, "the managed llama server to serve", managed)
    assert [model["id"] for model in models] == ["tiny-llama"]

    answer = door.client().chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    assert answer.object == "chat.completion"
    assert answer.usage.completion_tokens > 0

    (copy,) = llama_children(managed)
    port = copy.port
    assert port is not None and port != _port_of(managed.root)
    # The server's own output reaches Gangway's log under the copy's prefix.
    assert f"[{ENDPOINT}#0] " in managed.process.log_path.read_text(errors="replace")


def test_killed_copy_is_restarted_and_serves_again(managed: Gangway):
    door = managed.door(ENDPOINT)
    wait_for(lambda: _models(door), START_TIMEOUT, "the managed llama server to serve", managed)
    before = door.client().chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    (victim,) = llama_children(managed)

    os.kill(victim.pid, signal.SIGKILL)

    def replacement() -> Child | None:
        found = [child for child in llama_children(managed) if child.pid != victim.pid]
        return found[0] if found else None

    successor = wait_for(replacement, 60, "a new llama server process", managed)
    assert successor.port == victim.port, "the copy keeps its port, so its instance URL stays valid"
    wait_for(lambda: _models(door), START_TIMEOUT, "the restarted llama server to serve", managed)

    after = door.client().chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    # Same model, greedy decoding: the restarted server answers exactly as the first one did.
    assert after.choices[0].message.content == before.choices[0].message.content
    log = managed.process.log_path.read_text(errors="replace")
    assert "managed copy exited" in log and "signal 9 (SIGKILL)" in log
    assert "restarting managed copy" in log


def test_stopping_gangway_stops_the_managed_server(managed: Gangway):
    door = managed.door(ENDPOINT)
    wait_for(lambda: _models(door), START_TIMEOUT, "the managed llama server to serve", managed)
    children = llama_children(managed)
    assert len(children) == 1

    managed.process.stop()  # SIGTERM: Gangway drains, then stops its copies

    assert managed.process.process.returncode == 0
    for child in children:
        assert not _running(child.pid), f"llama server {child.pid} outlived Gangway"


# MARK: helpers


class Child:
    def __init__(self, pid: int, argv: list[str]) -> None:
        self.pid = pid
        self.argv = argv

    @property
    def port(self) -> int | None:
        if "--port" in self.argv:
            return int(self.argv[self.argv.index("--port") + 1])
        return None


def llama_children(server: Gangway) -> list[Child]:
    """The llama.cpp servers Gangway started: its child processes running llama_cpp.server."""
    parent = server.process.process.pid
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # The fields after the parenthesised command name: state, parent pid, ...
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == parent and state != "Z" and b"llama_cpp.server" in argv:
            found.append(Child(int(entry.name), [arg.decode(errors="replace") for arg in argv if arg]))
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def _models(door) -> list[dict] | None:
    try:
        response = httpx.get(f"{door.openai_base}/models", headers=door.headers, timeout=5)
    except httpx.HTTPError:
        return None
    return response.json()["data"] if response.status_code == 200 else None


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, server: Gangway) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}; Gangway log:\n{server.process.log_tail(60)}")
