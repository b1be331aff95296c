"""Server-sent-event streams through Gangway, as the openai client consumes them."""

from __future__ import annotations

import time

import pytest

MESSAGES = [{"role": "user", "content": "Tell me something in a few tokens"}]


def stream_chunks(client, **options):
    stream = client.chat.completions.create(model="", messages=MESSAGES, stream=True, **options)
    return list(stream)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="default-length"),
        pytest.param({"max_tokens": 7}, id="max-tokens"),
        pytest.param({"extra_body": {"mock": {"tokens": 25}}}, id="mock-tokens"),
    ],
)
def test_stream_with_usage_reassembles_to_the_non_stream_answer(gangway, options):
    client = gangway.door("single").client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, **options)
    chunks = stream_chunks(client, stream_options={"include_usage": True}, **options)

    *content_chunks, usage_chunk = chunks
    # The usage chunk comes last, with no choices, and counts what the non-stream answer counts.
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert usage_chunk.usage.model_dump() == whole.usage.model_dump()
    assert all(chunk.usage is None for chunk in content_chunks)

    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert content_chunks[0].choices[0].delta.role == "assistant"
    text = "".join(chunk.choices[0].delta.content or "" for chunk in content_chunks)
    assert text == whole.choices[0].message.content
    finish = [chunk.choices[0].finish_reason for chunk in content_chunks if chunk.choices[0].finish_reason]
    assert finish == [whole.choices[0].finish_reason]
    assert len({chunk.id for chunk in chunks}) == 1


def test_stream_equals_direct_stream_chunk_for_chunk(gangway, mocks):
    options = {"stream_options": {"include_usage": True}, "max_tokens": 12}
    through = [chunk.model_dump() for chunk in stream_chunks(gangway.door("single").client(), **options)]
    direct = [chunk.model_dump() for chunk in stream_chunks(mocks["single"].client(), **options)]
    assert through == direct


def test_stream_without_include_usage_has_no_usage_chunk(gangway):
    chunks = stream_chunks(gangway.door("single").client(), max_tokens=5)
    assert chunks, "the stream was empty"
    assert all(chunk.choices for chunk in chunks)
    assert all(chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "length"


def test_stream_helper_final_completion_equals_non_stream(gangway):
    # The SDK's own accumulator (client.chat.completions.stream) must make sense of the relay.
    # A natural stop (mock `tokens`), since the helper refuses to finish a "length" answer.
    options = {"extra_body": {"mock": {"tokens": 10}}}
    client = gangway.door("single").client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, **options)
    assert whole.choices[0].finish_reason == "stop"
    with client.chat.completions.stream(model="", messages=MESSAGES, **options) as stream:
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    assert "".join(deltas) == whole.choices[0].message.content
    assert final.choices[0].message.content == whole.choices[0].message.content
    assert final.choices[0].finish_reason == whole.choices[0].finish_reason


def test_closing_a_stream_early_cancels_the_upstream_request(gangway, mocks):
    """Closing the client's stream must abort the instance's stream, not let it run on."""
    instance = mocks["single"]
    before = instance.stats()
    stream = gangway.door("single").client().chat.completions.create(
        model="",
        messages=MESSAGES,
        stream=True,
        # Long and slow enough that the instance is still sending when the client leaves.
        extra_body={"mock": {"tokens": 2000, "chunk_delay_ms": 50}},
    )
    chunks = iter(stream)
    first, second = next(chunks), next(chunks)
    assert first.choices[0].delta.role == "assistant"
    assert second.choices[0].delta.content
    stream.close()

    deadline = time.monotonic() + 15
    stats = instance.stats()
    while time.monotonic() < deadline and stats["aborted_streams"] <= before["aborted_streams"]:
        time.sleep(0.1)
        stats = instance.stats()
    assert stats["aborted_streams"] == before["aborted_streams"] + 1, stats
    assert stats["completed_streams"] == before["completed_streams"], stats
