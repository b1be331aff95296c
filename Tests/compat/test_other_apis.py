"""The OpenAI APIs beyond chat that Gangway forwards as well: embeddings and legacy completions."""

from __future__ import annotations

import pytest

EMBEDDING_INPUTS = [
    pytest.param("one sentence", {}, id="string"),
    pytest.param(["first", "second", "third"], {}, id="list"),
    pytest.param(["short"], {"dimensions": 4}, id="dimensions"),
    pytest.param("floats", {"encoding_format": "float"}, id="float-format"),
]


@pytest.mark.parametrize(("text", "options"), EMBEDDING_INPUTS)
def test_embeddings_equal_direct(gangway, mocks, text, options):
    # The SDK asks for base64 by default and decodes it; both encodings must survive the relay.
    through = gangway.door("single").client().embeddings.create(model="", input=text, **options)
    direct = mocks["single"].client().embeddings.create(model="", input=text, **options)

    assert through.model_dump() == direct.model_dump()
    count = 1 if isinstance(text, str) else len(text)
    assert [item.index for item in through.data] == list(range(count))
    if "dimensions" in options:
        assert all(len(item.embedding) == options["dimensions"] for item in through.data)


def test_embeddings_through_a_component(gangway, mocks):
    through = gangway.door("hosting", "general").client().embeddings.create(model="", input=["a", "b"])
    direct = mocks["general"].client().embeddings.create(model="", input=["a", "b"])
    assert through.model_dump() == direct.model_dump()
    assert through.model == mocks["general"].model


@pytest.mark.parametrize("max_tokens", [1, 6])
def test_completions_equal_direct(gangway, mocks, max_tokens):
    through = gangway.door("single").client().completions.create(model="", prompt="Once upon a time", max_tokens=max_tokens)
    direct = mocks["single"].client().completions.create(model="", prompt="Once upon a time", max_tokens=max_tokens)

    assert through.model_dump() == direct.model_dump()
    assert through.object == "text_completion"
    assert through.usage.completion_tokens == max_tokens


def test_streamed_completions_reassemble_to_the_non_stream_text(gangway):
    client = gangway.door("single").client()
    whole = client.completions.create(model="", prompt="Once upon a time", max_tokens=8)
    chunks = list(
        client.completions.create(
            model="", prompt="Once upon a time", max_tokens=8, stream=True, stream_options={"include_usage": True}
        )
    )
    text = "".join(chunk.choices[0].text for chunk in chunks if chunk.choices)
    assert text == whole.choices[0].text
    assert chunks[-1].choices == [] and chunks[-1].usage.model_dump() == whole.usage.model_dump()
