"""Fixtures: mock model instances, a real llama.cpp server on a tiny generated model, and
Gangway processes in front of them, all started once per session on free loopback ports.

Every test can reach an instance both through Gangway and directly, so assertions compare
what the client sees through the door with what the model server itself answers."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest

from servers import ManagedProcess, free_port, gangway_binary, start_gangway, start_llama_server, start_mock_model

# The conformance matrix (matrix.py) and its backend columns (backends.py).
pytest_plugins = ("matrix", "backends")

API_KEY = "unused"  # model servers reached directly ignore it; the openai client insists on a key.
CLIENT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Door:
    """A Gangway base URL for one endpoint (or one inference component)."""

    root: str
    endpoint: str
    component: str | None = None
    api_key: str = API_KEY

    @property
    def openai_base(self) -> str:
        path = f"/endpoints/{self.endpoint}"
        if self.component is not None:
            path += f"/inference-components/{self.component}"
        return f"{self.root}{path}/openai/v1"

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"}

    def client(self, **options) -> openai.OpenAI:
        return openai_client(self.openai_base, api_key=self.api_key, **options)

    def async_client(self, **options) -> openai.AsyncOpenAI:
        return async_openai_client(self.openai_base, api_key=self.api_key, **options)


def openai_client(base_url: str, api_key: str = API_KEY, **options) -> openai.OpenAI:
    # No retries: a retry would hide which attempt failed and double requests to the mock.
    options = {"max_retries": 0, "timeout": CLIENT_TIMEOUT, **options}
    return openai.OpenAI(base_url=base_url, api_key=api_key, **options)


def async_openai_client(base_url: str, api_key: str = API_KEY, **options) -> openai.AsyncOpenAI:
    options = {"max_retries": 0, "timeout": CLIENT_TIMEOUT, **options}
    return openai.AsyncOpenAI(base_url=base_url, api_key=api_key, **options)


@dataclass(frozen=True)
class Instance:
    """A model server reached directly, bypassing Gangway."""

    process: ManagedProcess
    model: str

    @property
    def base_url(self) -> str:
        return self.process.base_url

    @property
    def openai_base(self) -> str:
        return f"{self.base_url}/v1"

    def client(self, **options) -> openai.OpenAI:
        return openai_client(self.openai_base, **options)

    def async_client(self, **options) -> openai.AsyncOpenAI:
        return async_openai_client(self.openai_base, **options)

    def stats(self) -> dict[str, int]:
        """The mock's counters with snake_case keys (`aborted_streams`); camelCase spellings
        (`abortedStreams`) are accepted too, as both have been used for this endpoint."""
        counters = httpx.get(f"{self.base_url}/mock/stats", timeout=5).json()
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower(): value for key, value in counters.items()}


@dataclass(frozen=True)
class Gangway:
    process: ManagedProcess
    data_dir: Path

    @property
    def root(self) -> str:
        return self.process.base_url

    @property
    def credentials_file(self) -> Path:
        """Written by Gangway on first start: the admin user's key, profile `gangway`."""
        return self.data_dir / "credentials"

    def token(self, expires: str = "1h") -> str:
        """A bearer token for the admin user, made by `gangway token` from the credentials file."""
        return admin_token(self.credentials_file, expires)

    def door(self, endpoint: str, component: str | None = None, api_key: str | None = None) -> Door:
        return Door(self.root, endpoint, component, api_key or self.token())


def admin_token(credentials_file: Path, expires: str = "1h") -> str:
    env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file), "AWS_PROFILE": "gangway"}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(key, None)
    result = subprocess.run(
        [str(gangway_binary()), "token", "--expires", expires], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# The mock instances each report their own model name, so a test can tell which one answered.
MOCK_MODELS = {"single": "mock-single", "general": "mock-general", "summarizer": "mock-summarizer"}


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("compat-processes")


@pytest.fixture(scope="session")
def gangway_bin() -> Path:
    binary = gangway_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"gangway binary not found at {binary}: run `swift build` or set GANGWAY_BIN", pytrace=False)
    return binary


@pytest.fixture(scope="session")
def mocks(gangway_bin: Path, log_dir: Path) -> Iterator[dict[str, Instance]]:
    started: dict[str, Instance] = {}
    try:
        for key, model in MOCK_MODELS.items():
            started[key] = Instance(start_mock_model(log_dir, model), model)
        yield started
    finally:
        for instance in reversed(list(started.values())):
            instance.process.stop()


@pytest.fixture(scope="session")
def gangway(mocks: dict[str, Instance], log_dir: Path) -> Iterator[Gangway]:
    dead_port = free_port()
    endpoints = [
        {"name": "single", "instances": [{"url": mocks["single"].base_url}]},
        {
            "name": "hosting",
            "inference_components": [
                {"name": "general", "instances": [{"url": mocks["general"].base_url}]},
                {"name": "summarizer", "instances": [{"url": mocks["summarizer"].base_url}]},
            ],
        },
        # Nothing listens here: Gangway must answer 502/503 itself, never drop the connection.
        {"name": "dead", "instances": [{"url": f"http://127.0.0.1:{dead_port}"}]},
        # A first-byte timeout shorter than a mock delay gives a 504.
        {
            "name": "impatient",
            "timeouts": {"first_byte": "500ms"},
            "instances": [{"url": mocks["single"].base_url}],
        },
    ]
    process = start_gangway(log_dir, "gangway", endpoints)
    try:
        server = Gangway(process, log_dir / "gangway-data")
        for door in (server.door("single"), server.door("hosting", "general"), server.door("hosting", "summarizer")):
            _wait_until_routable(door, process)
        yield server
    finally:
        process.stop()


# MARK: llama.cpp


def _llama_importable() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


@pytest.fixture(scope="session")
def llama_instance(log_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    if not _llama_importable():
        reason = "llama_cpp is not importable (run scripts/setup-python.sh and use .venv/bin/python)"
        if os.environ.get("GANGWAY_REQUIRE_LLAMA"):
            pytest.fail(f"{reason}, and GANGWAY_REQUIRE_LLAMA is set", pytrace=False)
        pytest.skip(f"{reason}; set GANGWAY_REQUIRE_LLAMA=1 to fail instead")

    from make_tiny_gguf import write_tiny_gguf

    model_path = write_tiny_gguf(tmp_path_factory.mktemp("tiny-model") / "tiny-llama.gguf")
    process = start_llama_server(log_dir, model_path, sys.executable)
    try:
        yield Instance(process, "tiny-llama")
    finally:
        process.stop()


@pytest.fixture(scope="session")
def llama_tools_instance(llama_instance: Instance, log_dir: Path) -> Iterator[Instance]:
    """A second llama.cpp server on the same model with `--chat_format chatml-function-calling`:
    when `tool_choice` names a function it forces the call with a grammar built from the
    tool's JSON schema, so tool loops work even with random weights. A separate server,
    because that chat format also changes how plain streams end (it drops a trailing partial
    character that the default format keeps), which the plain llama tests compare exactly."""
    model_path = Path(llama_instance.process.argv[llama_instance.process.argv.index("--model") + 1])
    # A larger context (the later --n_ctx wins): that format's system prompt lists the tools,
    # and agent frameworks add instructions of their own.
    extra_args = ["--chat_format", "chatml-function-calling", "--n_ctx", "2048"]
    process = start_llama_server(log_dir, model_path, sys.executable, extra_args, name="llama-tools-server")
    try:
        yield Instance(process, "tiny-llama")
    finally:
        process.stop()


@pytest.fixture(scope="session")
def llama_gangway(
    gangway_bin: Path, llama_instance: Instance, llama_tools_instance: Instance, log_dir: Path
) -> Iterator[Gangway]:
    endpoints = [
        {"name": "llama", "instances": [{"url": llama_instance.base_url}]},
        {"name": "llama-tools", "instances": [{"url": llama_tools_instance.base_url}]},
        {
            "name": "llama-hosting",
            "inference_components": [{"name": "tiny", "instances": [{"url": llama_instance.base_url}]}],
        },
    ]
    process = start_gangway(log_dir, "gangway-llama", endpoints)
    try:
        server = Gangway(process, log_dir / "gangway-llama-data")
        for door in (server.door("llama"), server.door("llama-tools"), server.door("llama-hosting", "tiny")):
            _wait_until_routable(door, process)
        yield server
    finally:
        process.stop()


# MARK: helpers


def _wait_until_routable(door: Door, process: ManagedProcess, timeout: float = 30.0) -> None:
    """Gangway answers /ping before its first health probes finish; wait until the door
    routes (models list 200) so tests do not race the health checker."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{door.openai_base}/models", headers=door.headers, timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.1)
    raise TimeoutError(f"{door.openai_base} did not route within {timeout:.0f} s ({last}); log:\n{process.log_tail()}")
