"""A real model server behind Gangway: llama-cpp-python's OpenAI server on a tiny generated
GGUF model. The model's words are random, so these tests assert structure, and compare with
the server reached directly under greedy decoding, where the answer is reproducible."""

from __future__ import annotations

import openai
import pytest

MESSAGES = [{"role": "user", "content": "Say something short."}]
GREEDY = {"max_tokens": 8, "temperature": 0, "seed": 1}

DOORS = [pytest.param(("llama", None), id="endpoint"), pytest.param(("llama-hosting", "tiny"), id="component")]


@pytest.mark.parametrize("door", DOORS)
def test_chat_non_stream(llama_gangway, llama_instance, door):
    answer = llama_gangway.door(*door).client().chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    direct = llama_instance.client().chat.completions.create(model="", messages=MESSAGES, **GREEDY)

    assert answer.object == "chat.completion"
    assert len(answer.choices) == 1
    choice = answer.choices[0]
    assert choice.message.role == "assistant"
    assert isinstance(choice.message.content, str)
    assert choice.finish_reason in ("stop", "length")
    assert answer.usage.completion_tokens > 0
    assert answer.usage.prompt_tokens > 0
    # Greedy decoding is deterministic: through the door or not, the same words.
    assert choice.message.content == direct.choices[0].message.content
    assert answer.usage.model_dump() == direct.usage.model_dump()


@pytest.mark.parametrize("door", DOORS)
def test_chat_stream(llama_gangway, door):
    client = llama_gangway.door(*door).client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    chunks = list(client.chat.completions.create(model="", messages=MESSAGES, stream=True, **GREEDY))

    assert len(chunks) >= 2
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    with_choices = [chunk for chunk in chunks if chunk.choices]
    assert with_choices[0].choices[0].delta.role == "assistant"
    finishes = [chunk.choices[0].finish_reason for chunk in with_choices if chunk.choices[0].finish_reason]
    assert finishes == [whole.choices[0].finish_reason]
    text = "".join(chunk.choices[0].delta.content or "" for chunk in with_choices)
    assert text == whole.choices[0].message.content


def test_stream_helper_against_llama(llama_gangway):
    client = llama_gangway.door("llama").client()
    whole = client.chat.completions.create(model="", messages=MESSAGES, **GREEDY)
    with client.chat.completions.stream(model="", messages=MESSAGES, **GREEDY) as stream:
        # The snapshot, not get_final_completion(): that one refuses "length" answers.
        final = stream.until_done().current_completion_snapshot
    assert final.choices[0].message.content == whole.choices[0].message.content
    assert final.choices[0].finish_reason == whole.choices[0].finish_reason


def test_models_list_is_the_llama_servers(llama_gangway, llama_instance):
    through = llama_gangway.door("llama").client().models.list()
    direct = llama_instance.client().models.list()
    assert [model.model_dump() for model in through.data] == [model.model_dump() for model in direct.data]
    assert [model.id for model in through.data] == ["tiny-llama"]


def test_llama_server_error_passes_through(llama_gangway, llama_instance):
    """An error the model server itself returns (here: a 422 for an out-of-range top_p) reaches the
    client as that server wrote it."""
    bad = {"model": "", "messages": MESSAGES, "max_tokens": 4, "top_p": 5}  # top_p must be <= 1
    with pytest.raises(openai.APIStatusError) as through:
        llama_gangway.door("llama").client().chat.completions.create(**bad)
    with pytest.raises(openai.APIStatusError) as direct:
        llama_instance.client().chat.completions.create(**bad)
    assert through.value.status_code == direct.value.status_code
    assert through.value.response.content == direct.value.response.content
