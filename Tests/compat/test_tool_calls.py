"""Streamed tool calls through Gangway: the client rebuilds each call from deltas keyed by
`index`, the way the openai SDK's users (and agent frameworks) do."""

from __future__ import annotations

import json

import pytest

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "metric": {"type": "boolean"}},
                "required": ["city"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "Local time in a time zone",
            "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}},
        },
    },
]

MESSAGES = [{"role": "user", "content": "Weather in Lisbon, and the time there?"}]


def reassemble(chunks):
    """Merges tool-call deltas by index: id, type and name arrive once, arguments in pieces."""
    calls: dict[int, dict] = {}
    pieces: dict[int, int] = {}
    for chunk in chunks:
        if not chunk.choices:
            continue
        for delta in chunk.choices[0].delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": None, "name": None, "arguments": ""})
            if delta.id:
                call["id"] = delta.id
            if delta.function is not None:
                if delta.function.name:
                    call["name"] = delta.function.name
                if delta.function.arguments:
                    call["arguments"] += delta.function.arguments
                    pieces[delta.index] = pieces.get(delta.index, 0) + 1
    return calls, pieces


def as_dicts(tool_calls):
    return {
        index: {"id": call.id, "name": call.function.name, "arguments": call.function.arguments}
        for index, call in enumerate(tool_calls)
    }


@pytest.mark.parametrize(("parallel", "expected_names"), [(1, ["get_weather"]), (2, ["get_weather", "get_time"])])
def test_streamed_tool_calls_reassemble_to_the_non_stream_calls(gangway, parallel, expected_names):
    options = {"tools": TOOLS, "extra_body": {"mock": {"tool_calls": parallel}}}
    client = gangway.door("single").client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, **options)
    chunks = list(
        client.chat.completions.create(
            model="", messages=MESSAGES, stream=True, stream_options={"include_usage": True}, **options
        )
    )

    calls, pieces = reassemble(chunks)
    assert sorted(calls) == list(range(parallel))
    assert calls == as_dicts(whole.choices[0].message.tool_calls)
    assert [calls[index]["name"] for index in sorted(calls)] == expected_names
    for index, call in calls.items():
        assert call["id"], f"call {index} has no id"
        assert isinstance(json.loads(call["arguments"]), dict)
        # Arguments must really arrive as several deltas, or reassembly was never exercised.
        assert pieces[index] > 1, f"call {index} arguments came in one piece"

    finishes = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishes == ["tool_calls"] == [whole.choices[0].finish_reason]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None


def test_streamed_tool_calls_equal_direct_stream(gangway, mocks):
    options = {"tools": TOOLS, "stream": True, "extra_body": {"mock": {"tool_calls": 2}}}
    through = [c.model_dump() for c in gangway.door("single").client().chat.completions.create(model="", messages=MESSAGES, **options)]
    direct = [c.model_dump() for c in mocks["single"].client().chat.completions.create(model="", messages=MESSAGES, **options)]
    assert through == direct


def test_stream_helper_accumulates_parallel_tool_calls(gangway):
    client = gangway.door("single").client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, tools=TOOLS, extra_body={"mock": {"tool_calls": 2}})
    with client.chat.completions.stream(
        model="", messages=MESSAGES, tools=TOOLS, extra_body={"mock": {"tool_calls": 2}}
    ) as stream:
        final = stream.get_final_completion()
    assert as_dicts(final.choices[0].message.tool_calls) == as_dicts(whole.choices[0].message.tool_calls)


def test_tool_result_round_trip(gangway):
    """Second turn: the assistant's tool calls and the tool results go back through the door."""
    client = gangway.door("single").client()
    first = client.chat.completions.create(model="", messages=MESSAGES, tools=TOOLS, extra_body={"mock": {"tool_calls": 2}})
    calls = first.choices[0].message.tool_calls
    follow_up = MESSAGES + [
        {"role": "assistant", "content": None, "tool_calls": [call.model_dump() for call in calls]},
        *({"role": "tool", "tool_call_id": call.id, "content": f"result-of-{call.function.name}"} for call in calls),
    ]
    answer = client.chat.completions.create(model="", messages=follow_up, tools=TOOLS)
    assert answer.choices[0].finish_reason != "tool_calls"
    # The mock quotes the last tool result in its first token, so it must have arrived intact.
    assert "result-of-get_time" in answer.choices[0].message.content
