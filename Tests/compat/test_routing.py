"""Routing by URL path: the endpoint and inference component in the base URL choose the
instance. Each mock instance reports its own model name, so the answer tells who served it."""

from __future__ import annotations

import pytest

DOORS = [
    pytest.param(("single", None), "single", id="single-model-endpoint"),
    pytest.param(("hosting", "general"), "general", id="component-general"),
    pytest.param(("hosting", "summarizer"), "summarizer", id="component-summarizer"),
]


@pytest.mark.parametrize(("door", "instance"), DOORS)
def test_models_list_comes_from_the_routed_instance(gangway, mocks, door, instance):
    through = gangway.door(*door).client().models.list()
    direct = mocks[instance].client().models.list()

    assert [model.model_dump() for model in through.data] == [model.model_dump() for model in direct.data]
    assert [model.id for model in through.data] == [mocks[instance].model]


@pytest.mark.parametrize(("door", "instance"), DOORS)
def test_chat_is_answered_by_the_routed_instance(gangway, mocks, door, instance):
    # An empty `model` makes the mock answer with its own configured name.
    answer = gangway.door(*door).client().chat.completions.create(
        model="", messages=[{"role": "user", "content": "who are you?"}], max_tokens=2
    )
    assert answer.model == mocks[instance].model


@pytest.mark.parametrize(("door", "instance"), DOORS)
def test_routed_request_reaches_only_that_instance(gangway, mocks, door, instance):
    before = {name: mock.stats()["requests"] for name, mock in mocks.items()}
    gangway.door(*door).client().chat.completions.create(model="", messages=[{"role": "user", "content": "ping"}])
    after = {name: mock.stats()["requests"] for name, mock in mocks.items()}

    # Health probes do not count as requests (they hit /ping), so the counts are exact.
    assert {name: after[name] - before[name] for name in mocks} == {
        name: (1 if name == instance else 0) for name in mocks
    }

