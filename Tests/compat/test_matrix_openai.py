"""Matrix rows for the `openai` package: sync, async, streaming, tools, structured output,
reasoning deltas, byte-split unicode, a very long stream, disconnects, error classes, the
SDK's own retries and an expired token. Each test runs once per backend (mock, llama)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai
import pydantic
import pytest

from matrix import not_applicable
from matrix_support import MESSAGES, TIME_TOOL, WEATHER_TOOL, arguments_of, forced, reassemble_tool_calls, sdk_token

CLIENT = "openai"
# Room for grammar-forced tool arguments on llama, whitespace included.
TOOL_MAX_TOKENS = 200


def row(case: str):
    return pytest.mark.matrix(CLIENT, case)


def create(client: openai.OpenAI, backend, **options: Any):
    return client.chat.completions.create(model="", messages=MESSAGES, **{**backend.options, **options})


def raised(call) -> openai.APIError:
    with pytest.raises(openai.APIError) as caught:
        call()
    return caught.value


def extra(delta, name: str):
    """A non-standard delta field (`reasoning_content`, `reasoning`) the SDK keeps as an extra."""
    return (delta.model_extra or {}).get(name)


def assert_chat_completion(answer) -> None:
    assert answer.object == "chat.completion"
    assert len(answer.choices) == 1
    choice = answer.choices[0]
    assert choice.message.role == "assistant"
    # Structure, not content: a random-weight model may even stop at once.
    assert isinstance(choice.message.content, str)
    assert choice.finish_reason in ("stop", "length")
    assert answer.usage.prompt_tokens > 0
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens


@row("plain chat (sync)")
def test_plain_chat_sync(backend):
    answer = create(backend.door().client(), backend)
    assert_chat_completion(answer)
    if backend.is_mock:
        # Only the mock is exactly reproducible: llama's random weights give near-equal logits,
        # so even greedy decoding flips with the server's cache state. Structure only there.
        direct = create(backend.instance.client(), backend)
        assert answer.choices[0].message.content == direct.choices[0].message.content


@row("plain chat (async)")
def test_plain_chat_async(backend):
    async def ask_twice():
        async with backend.door().async_client() as client:
            # Two at once on one async client: both must come back whole.
            return await asyncio.gather(*(create_async(client) for _ in range(2)))

    async def create_async(client):
        return await client.chat.completions.create(model="", messages=MESSAGES, **backend.options)

    first, second = asyncio.run(ask_twice())
    assert_chat_completion(first)
    assert_chat_completion(second)
    if backend.is_mock:
        assert first.choices[0].message.content == second.choices[0].message.content


@row("stream + include_usage (usage chunk after finish)")
def test_stream_include_usage(backend):
    options = {"stream": True, "stream_options": {"include_usage": True}}
    direct = list(create(backend.instance.client(), backend, **options))
    if direct[-1].usage is None:
        not_applicable("the model server itself sends no usage chunk (llama-cpp-python ignores stream_options)")
    chunks = list(create(backend.door().client(), backend, **options))
    *content, usage = chunks
    assert usage.choices == [] and usage.usage is not None
    assert usage.usage.completion_tokens > 0
    assert all(chunk.usage is None for chunk in content)
    # The finish chunk is the last one with choices, right before the usage chunk.
    assert content[-1].choices[0].finish_reason in ("stop", "length")
    assert all(chunk.choices[0].finish_reason is None for chunk in content[:-1])
    assert [c.model_dump() for c in chunks] == [c.model_dump() for c in direct]


@row("streamed tool call (index, argument deltas)")
def test_streamed_tool_call(backend):
    chunks = list(
        create(
            backend.tool_door().client(),
            backend,
            tools=[WEATHER_TOOL],
            tool_choice=forced("get_weather"),
            stream=True,
            max_tokens=TOOL_MAX_TOKENS,
        )
    )
    calls, pieces = reassemble_tool_calls(chunks)
    assert list(calls) == [0]
    assert calls[0]["id"] and calls[0]["name"] == "get_weather"
    assert "city" in arguments_of(calls[0])
    assert pieces[0] > 1, "the arguments came in one piece, so reassembly was not exercised"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["tool_calls"]


@row("two parallel streamed tool calls")
def test_two_parallel_tool_calls(backend):
    if not backend.is_mock:
        not_applicable("tool_choice can force only one named call; a random-weight model never chooses two")
    chunks = list(
        create(
            backend.door().client(),
            backend,
            tools=[WEATHER_TOOL, TIME_TOOL],
            stream=True,
            extra_body={"mock": {"tool_calls": 2}},
        )
    )
    calls, pieces = reassemble_tool_calls(chunks)
    assert sorted(calls) == [0, 1]
    assert [calls[0]["name"], calls[1]["name"]] == ["get_weather", "get_time"]
    assert calls[0]["id"] != calls[1]["id"]
    for index in (0, 1):
        arguments_of(calls[index])
        assert pieces[index] > 1
    # The deltas of the two calls are told apart only by `index`: each must keep its own.
    indices = [d.index for c in chunks if c.choices for d in c.choices[0].delta.tool_calls or []]
    assert indices == sorted(indices) and set(indices) == {0, 1}


def reasoning_case(backend, field_name: str) -> None:
    if not backend.is_mock:
        not_applicable("the llama.cpp server emits no reasoning trace")
    # The mock's `reasoning` control names the field the trace goes to.
    options = {"extra_body": {"mock": {"reasoning": field_name}}}
    chunks = list(create(backend.door().client(), backend, stream=True, **options))
    direct = list(create(backend.instance.client(), backend, stream=True, **options))
    assert [c.model_dump() for c in chunks] == [c.model_dump() for c in direct]
    fields = [(extra(c.choices[0].delta, field_name), c.choices[0].delta.content) for c in chunks if c.choices]
    reasoning = [text for text, _ in fields if text]
    assert reasoning, f"no {field_name} deltas in the stream"
    # The trace comes before the answer, as reasoning models send it.
    first_content = next(i for i, (_, content) in enumerate(fields) if content)
    assert all(not text for text, _ in fields[first_content:])
    whole = create(backend.door().client(), backend, **options).choices[0].message
    assert "".join(reasoning) == extra(whole, field_name)
    other = {"reasoning": "reasoning_content", "reasoning_content": "reasoning"}[field_name]
    assert all(extra(c.choices[0].delta, other) is None for c in chunks if c.choices)


@row("reasoning_content deltas passed through")
def test_reasoning_content(backend):
    reasoning_case(backend, "reasoning_content")


@row("reasoning deltas passed through")
def test_reasoning(backend):
    reasoning_case(backend, "reasoning")


class WeatherReport(pydantic.BaseModel):
    sunny: bool
    days: int


@row("structured output (parse, strict pydantic tool)")
def test_structured_output(backend):
    client = backend.tool_door().client()
    completion = client.chat.completions.parse(
        model="",
        messages=MESSAGES,
        tools=[openai.pydantic_function_tool(WeatherReport)],
        tool_choice=forced("WeatherReport"),
        **{**backend.options, "max_tokens": TOOL_MAX_TOKENS},
    )
    call = completion.choices[0].message.tool_calls[0]
    assert isinstance(call.function.parsed_arguments, WeatherReport)


@row("multi-byte unicode split across chunks")
def test_unicode_split_across_chunks(backend):
    if not backend.is_mock:
        not_applicable("splitting writes mid-character is a mock control; llama.cpp writes whole events")
    # One byte per write: every multi-byte character is cut between TCP writes upstream.
    options = {"extra_body": {"mock": {"tokens": 40, "split_bytes": 1}}}
    chunks = list(create(backend.door().client(), backend, stream=True, **options))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    whole = create(backend.door().client(), backend, extra_body={"mock": {"tokens": 40}})
    assert text == whole.choices[0].message.content
    assert any(len(ch.encode()) > 1 for ch in text), "the answer had no multi-byte characters"


@row("10,000-chunk stream")
def test_ten_thousand_chunks(backend):
    if not backend.is_mock:
        not_applicable("the llama server's context is 512 tokens")
    chunks = create(
        backend.door().client(),
        backend,
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"mock": {"tokens": 10_000}},
    )
    content = finish = 0
    usage = None
    for chunk in chunks:
        if not chunk.choices:
            usage = chunk.usage
        elif chunk.choices[0].delta.content:
            content += 1
        elif chunk.choices[0].finish_reason:
            finish += 1
    assert (content, finish) == (10_000, 1)
    assert usage is not None and usage.completion_tokens == 10_000


@row("client disconnect mid-stream cancels upstream")
def test_client_disconnect(backend):
    if not backend.is_mock:
        not_applicable("llama.cpp's server has no counter that shows an aborted stream")
    before = backend.instance.stats()
    stream = create(
        backend.door().client(), backend, stream=True, extra_body={"mock": {"tokens": 2000, "chunk_delay_ms": 20}}
    )
    chunks = iter(stream)
    next(chunks), next(chunks)
    stream.close()
    deadline = time.monotonic() + 15
    while backend.instance.stats()["aborted_streams"] <= before["aborted_streams"] and time.monotonic() < deadline:
        time.sleep(0.05)
    after = backend.instance.stats()
    assert after["aborted_streams"] == before["aborted_streams"] + 1
    assert after["completed_streams"] == before["completed_streams"]


MOCK_4XX = [
    (400, openai.BadRequestError),
    (401, openai.AuthenticationError),
    (403, openai.PermissionDeniedError),
    (404, openai.NotFoundError),
    (409, openai.ConflictError),
    (422, openai.UnprocessableEntityError),
    (429, openai.RateLimitError),
]


def assert_same_error(through: openai.APIError, direct: openai.APIError, exception: type) -> None:
    assert type(through) is exception, repr(through)
    assert through.status_code == direct.status_code
    assert through.body == direct.body
    assert through.response.content == direct.response.content


@row("model 4xx surfaced as the right exception")
def test_model_4xx(backend):
    if backend.is_mock:
        for status, exception in MOCK_4XX:
            for stream in (False, True):
                ask = {"stream": stream, "extra_body": {"mock": {"status": status}}}
                through = raised(lambda: create(backend.door().client(), backend, **ask))
                direct = raised(lambda: create(backend.instance.client(), backend, **ask))
                assert_same_error(through, direct, exception)
                assert through.status_code == status
        return
    # llama.cpp's own 400: a prompt longer than its context.
    long = [{"role": "user", "content": "word " * 700}]
    ask = lambda client: lambda: client.chat.completions.create(model="", messages=long, **backend.options)  # noqa: E731
    through = raised(ask(backend.door().client()))
    direct = raised(ask(backend.instance.client()))
    assert_same_error(through, direct, openai.BadRequestError)
    assert through.code == "context_length_exceeded"


@row("model 5xx surfaced as the right exception")
def test_model_5xx(backend):
    if backend.is_mock:
        cases = [({"extra_body": {"mock": {"status": status}}}) for status in (500, 502, 503)]
    else:
        # llama-cpp-python answers 500 to a request its validation rejects (top_p above 1).
        cases = [{"top_p": 5}]
    for ask in cases:
        for stream in (False, True):
            through = raised(lambda: create(backend.door().client(), backend, stream=stream, **ask))
            direct = raised(lambda: create(backend.instance.client(), backend, stream=stream, **ask))
            assert_same_error(through, direct, openai.InternalServerError)
            assert through.status_code >= 500


def retry_case(backend, monkeypatch, status: int, exception: type) -> None:
    if not backend.is_mock:
        not_applicable(f"llama.cpp cannot be made to answer {status} on demand")
    # The SDK's back-off sleeps are recorded instead of slept: with Retry-After it must wait
    # exactly that long (its own back-off is 0.5 s and more, with jitter).
    sleeps: list[float] = []

    class RecordingTime:
        """The SDK module's `time`, with sleeps recorded (other threads keep the real one)."""

        sleep = staticmethod(sleeps.append)

        def __getattr__(self, name):
            return getattr(time, name)

    monkeypatch.setattr(openai._base_client, "time", RecordingTime())
    before = backend.instance.stats()["requests"]
    client = backend.door().client(max_retries=2)
    error = raised(lambda: create(client, backend, extra_body={"mock": {"status": status, "retry_after": "3"}}))
    assert type(error) is exception
    assert error.response.headers["retry-after"] == "3"
    assert sleeps == [3.0, 3.0]
    assert backend.instance.stats()["requests"] == before + 3


@row("SDK retries on 429 honour Retry-After")
def test_retries_on_429(backend, monkeypatch):
    retry_case(backend, monkeypatch, 429, openai.RateLimitError)


@row("SDK retries on 503 honour Retry-After")
def test_retries_on_503(backend, monkeypatch):
    retry_case(backend, monkeypatch, 503, openai.InternalServerError)


@row("expired token is a 401 AuthenticationError")
def test_expired_token(backend):
    token = sdk_token(backend.server.credentials_file, seconds=1)
    time.sleep(2.2)  # past X-Amz-Date + 1 s (the date has whole seconds)
    error = raised(lambda: create(backend.door(api_key=token).client(), backend))
    assert isinstance(error, openai.AuthenticationError), repr(error)
    assert error.status_code == 401
    assert "expired" in error.message.lower()
