"""The columns of the conformance matrix: Gangway in front of its mock model, and Gangway in
front of a real llama.cpp server. Each gives a door for the clients, the instance reached
directly (to compare with), and request options that suit the model behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass(frozen=True)
class Backend:
    name: str
    server: Any  # conftest.Gangway
    instance: Any  # conftest.Instance
    endpoint: str
    # The endpoint for tool cells: on llama, a server whose chat format can force a tool call.
    tool_endpoint: str
    tool_instance: Any
    # Options every request sends: the llama model has random weights, so keep answers short
    # and greedy (reproducible); the mock is deterministic anyway.
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def is_mock(self) -> bool:
        return self.name == "mock"

    @property
    def openai_base(self) -> str:
        return f"{self.server.root}/endpoints/{self.endpoint}/openai/v1"

    def door(self, api_key: str | None = None):
        return self.server.door(self.endpoint, api_key=api_key)

    def tool_door(self, api_key: str | None = None):
        return self.server.door(self.tool_endpoint, api_key=api_key)

    @property
    def tool_openai_base(self) -> str:
        return f"{self.server.root}/endpoints/{self.tool_endpoint}/openai/v1"

    @property
    def tool_instance_base(self) -> str:
        """The model server behind `tool_endpoint`, reached directly."""
        return f"{self.tool_instance.base_url}/v1"

    def token(self, expires: str = "1h") -> str:
        return self.server.token(expires)


@pytest.fixture
def backend(backend_name: str, request: pytest.FixtureRequest) -> Backend:
    """The Gangway door for this cell's backend; llama's processes start only when needed."""
    if backend_name == "mock":
        mocks = request.getfixturevalue("mocks")
        return Backend("mock", request.getfixturevalue("gangway"), mocks["single"], "single", "single", mocks["single"])
    return Backend(
        "llama",
        request.getfixturevalue("llama_gangway"),
        request.getfixturevalue("llama_instance"),
        "llama",
        "llama-tools",
        request.getfixturevalue("llama_tools_instance"),
        {"max_tokens": 8, "temperature": 0},
    )
