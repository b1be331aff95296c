"""Chat Completions through Gangway with the real openai client, sync and async.

The mock answers deterministically (its response id is a hash of the request body), so a
request sent through Gangway must come back exactly as the same request sent directly: that
checks the byte-for-byte pass-through in both directions, not just the shape."""

from __future__ import annotations

import asyncio

import pytest

CONVERSATIONS = [
    pytest.param([{"role": "user", "content": "Hello"}], {}, id="one-turn"),
    pytest.param(
        [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Name a colour."},
            {"role": "assistant", "content": "Teal."},
            {"role": "user", "content": "Another, with ünïcödé ✓"},
        ],
        {"max_tokens": 5},
        id="multi-turn-max-tokens",
    ),
    pytest.param([{"role": "user", "content": "Long answer"}], {"extra_body": {"mock": {"tokens": 40}}}, id="mock-tokens"),
    pytest.param([{"role": "user", "content": "Empty"}], {"extra_body": {"mock": {"tokens": 0}}}, id="no-tokens"),
]


@pytest.mark.parametrize(("messages", "options"), CONVERSATIONS)
def test_sync_chat_equals_direct_answer(gangway, mocks, messages, options):
    through = gangway.door("single").client().chat.completions.create(model="", messages=messages, **options)
    direct = mocks["single"].client().chat.completions.create(model="", messages=messages, **options)

    assert through.model_dump() == direct.model_dump()
    assert through.object == "chat.completion"
    assert through.choices[0].message.role == "assistant"
    assert through.usage is not None and through.usage.total_tokens == (
        through.usage.prompt_tokens + through.usage.completion_tokens
    )


def test_sync_chat_respects_max_tokens(gangway):
    client = gangway.door("single").client()
    short = client.chat.completions.create(model="", messages=[{"role": "user", "content": "hi"}], max_tokens=3)
    longer = client.chat.completions.create(model="", messages=[{"role": "user", "content": "hi"}], max_tokens=9)

    assert short.usage.completion_tokens == 3
    assert longer.usage.completion_tokens == 9
    assert short.choices[0].finish_reason == "length"
    assert longer.choices[0].message.content.startswith(short.choices[0].message.content)


def test_model_field_passes_through_unchanged(gangway):
    # Routing is by URL; the body's `model` reaches the instance as sent (the mock echoes it).
    answer = gangway.door("single").client().chat.completions.create(
        model="client-chosen-name", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.model == "client-chosen-name"


def test_async_chat_concurrent_requests_equal_direct_answers(gangway, mocks):
    prompts = [f"question number {n}" for n in range(8)]

    async def ask_all(client):
        async with client:
            return await asyncio.gather(
                *(
                    client.chat.completions.create(
                        model="", messages=[{"role": "user", "content": prompt}], max_tokens=4 + n
                    )
                    for n, prompt in enumerate(prompts)
                )
            )

    through = asyncio.run(ask_all(gangway.door("single").async_client()))
    direct = asyncio.run(ask_all(mocks["single"].async_client()))

    assert [answer.model_dump() for answer in through] == [answer.model_dump() for answer in direct]
    # Different prompts and lengths give different answers: the comparison is not vacuous.
    assert len({answer.id for answer in through}) == len(prompts)


def test_async_stream(gangway, mocks):
    async def collect(client):
        async with client:
            stream = await client.chat.completions.create(
                model="", messages=[{"role": "user", "content": "stream me"}], stream=True
            )
            return [chunk.model_dump() async for chunk in stream]

    through = asyncio.run(collect(gangway.door("single").async_client()))
    direct = asyncio.run(collect(mocks["single"].async_client()))

    assert through == direct
    assert len(through) > 2
