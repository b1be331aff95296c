"""Shared pieces of the matrix tests: messages, tools, tool-call reassembly and the token
makers, so every client is asked the same questions."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

MESSAGES = [{"role": "user", "content": "What is the weather in Lisbon?"}]

# An enum keeps the grammar-forced arguments of the random-weight llama model short and valid.
WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string", "enum": ["Lisbon", "Porto"]}},
    "required": ["city"],
}
WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Current weather in a city", "parameters": WEATHER_PARAMETERS},
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Local time in a time zone",
        "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}},
    },
}
TOOL_RESULT = "sunny-and-21C"


def forced(name: str) -> dict[str, Any]:
    """`tool_choice` naming one function: the mock calls it, llama.cpp forces it by grammar."""
    return {"type": "function", "function": {"name": name}}


def reassemble_tool_calls(chunks) -> tuple[dict[int, dict[str, Any]], dict[int, int]]:
    """Rebuilds tool calls from stream deltas keyed by `index`, as OpenAI documents them: id,
    type and name arrive once (some servers repeat them, which must not double them), the
    arguments arrive in pieces to be concatenated. Also counts the argument pieces per call."""
    calls: dict[int, dict[str, Any]] = {}
    pieces: dict[int, int] = {}
    for chunk in chunks:
        if not chunk.choices:
            continue
        for delta in chunk.choices[0].delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": None, "name": None, "arguments": ""})
            call["id"] = delta.id or call["id"]
            if delta.function is not None:
                call["name"] = delta.function.name or call["name"]
                if delta.function.arguments:
                    call["arguments"] += delta.function.arguments
                    pieces[delta.index] = pieces.get(delta.index, 0) + 1
    return calls, pieces


def arguments_of(call: dict[str, Any]) -> dict[str, Any]:
    arguments = json.loads(call["arguments"])
    assert isinstance(arguments, dict), call
    return arguments


def credentials_provider(credentials_file: Path):
    """botocore's provider for the `gangway` profile of Gangway's credentials file."""
    from botocore.credentials import SharedCredentialProvider

    return SharedCredentialProvider(creds_filename=str(credentials_file), profile_name="gangway")


def sdk_token(credentials_file: Path, seconds: int = 3600) -> str:
    """A bearer token made by the SageMaker SDK's own generator (sagemaker-core)."""
    from sagemaker.core.token_generator import generate_token

    return generate_token(
        region="us-east-1",
        aws_credentials_provider=credentials_provider(credentials_file),
        expiry=timedelta(seconds=seconds),
    )
