"""Errors as the openai client sees them: the right exception class, the OpenAI error
envelope, and never a dropped connection (APIConnectionError) where Gangway should answer."""

from __future__ import annotations

import httpx
import openai
import pytest

MESSAGES = [{"role": "user", "content": "hi"}]


def envelope(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"message", "type", "code"} <= set(body["error"]), body
    return body["error"]


def raised_by(call) -> openai.APIError:
    with pytest.raises(openai.APIError) as caught:
        call()
    return caught.value


# MARK: errors Gangway answers itself


@pytest.mark.parametrize(
    ("door", "name"),
    [
        pytest.param(("no-such-endpoint", None), "no-such-endpoint", id="unknown-endpoint"),
        pytest.param(("hosting", "no-such-component"), "no-such-component", id="unknown-component"),
    ],
)
def test_unknown_door_is_a_bad_request_naming_it(gangway, door, name):
    error = raised_by(lambda: gangway.door(*door).client().chat.completions.create(model="", messages=MESSAGES))

    assert isinstance(error, openai.BadRequestError), repr(error)
    assert error.status_code == 400
    assert name in error.message
    assert error.code == "validation_error"
    assert error.type == "validation_error"
    envelope(error.response)


def test_malformed_json_is_a_bad_request_with_an_envelope(gangway):
    door = gangway.door("single")
    response = httpx.post(
        f"{door.openai_base}/chat/completions",
        content=b'{"model": "", "messages": [',
        headers={"content-type": "application/json", **door.headers},
        timeout=30,
    )
    assert response.status_code == 400
    assert envelope(response)["message"]


def test_instance_not_listening_is_a_5xx_answer_not_a_connection_error(gangway):
    error = raised_by(lambda: gangway.door("dead").client().chat.completions.create(model="", messages=MESSAGES))

    assert not isinstance(error, openai.APIConnectionError), repr(error)
    assert isinstance(error, openai.InternalServerError), repr(error)
    # 503 once the health checker has marked it down, 502 if a request tried to connect first.
    assert error.status_code in (502, 503)
    envelope(error.response)


def test_streaming_request_to_a_dead_instance_fails_before_any_chunk(gangway):
    client = gangway.door("dead").client()
    error = raised_by(lambda: client.chat.completions.create(model="", messages=MESSAGES, stream=True))
    assert isinstance(error, openai.InternalServerError), repr(error)


def test_first_byte_timeout_is_a_504(gangway):
    # The endpoint `impatient` waits 500 ms for the first byte; the mock is told to take 5 s.
    client = gangway.door("impatient").client()
    error = raised_by(
        lambda: client.chat.completions.create(model="", messages=MESSAGES, extra_body={"mock": {"delay_ms": 5000}})
    )
    assert isinstance(error, openai.InternalServerError), repr(error)
    assert error.status_code == 504
    envelope(error.response)


# MARK: errors the instance returns, passed through unchanged

INSTANCE_ERRORS = [
    (400, openai.BadRequestError),
    (401, openai.AuthenticationError),
    (403, openai.PermissionDeniedError),
    (404, openai.NotFoundError),
    (409, openai.ConflictError),
    (422, openai.UnprocessableEntityError),
    (429, openai.RateLimitError),
    (500, openai.InternalServerError),
    (503, openai.InternalServerError),
]


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
@pytest.mark.parametrize(("status", "exception"), INSTANCE_ERRORS, ids=[str(s) for s, _ in INSTANCE_ERRORS])
def test_instance_error_passes_through_unchanged(gangway, mocks, status, exception, stream):
    def ask(client):
        return lambda: client.chat.completions.create(
            model="", messages=MESSAGES, stream=stream, extra_body={"mock": {"status": status}}
        )

    through = raised_by(ask(gangway.door("single").client()))
    direct = raised_by(ask(mocks["single"].client()))

    assert type(through) is exception, repr(through)
    assert through.status_code == direct.status_code == status
    assert through.response.content == direct.response.content
    assert through.body == direct.body
    assert through.message == direct.message


def test_instance_error_is_not_retried_by_gangway(gangway, mocks):
    instance = mocks["single"]
    before = instance.stats()["requests"]
    raised_by(
        lambda: gangway.door("single").client().chat.completions.create(
            model="", messages=MESSAGES, extra_body={"mock": {"status": 503}}
        )
    )
    assert instance.stats()["requests"] == before + 1


def test_client_retries_reach_the_instance_each_time(gangway, mocks):
    """With SDK retries on, every retry is a new request to the instance (Gangway adds none)."""
    instance = mocks["single"]
    before = instance.stats()["requests"]
    client = gangway.door("single").client(max_retries=2)
    error = raised_by(
        lambda: client.chat.completions.create(model="", messages=MESSAGES, extra_body={"mock": {"status": 503}})
    )
    assert isinstance(error, openai.InternalServerError)
    assert instance.stats()["requests"] == before + 3


def test_retry_after_header_reaches_the_client(gangway):
    # The SDK's back-off honours Retry-After, so an instance's header must survive the relay.
    error = raised_by(
        lambda: gangway.door("single").client().chat.completions.create(
            model="", messages=MESSAGES, extra_body={"mock": {"status": 429, "retry_after": "7"}}
        )
    )
    assert isinstance(error, openai.RateLimitError)
    assert error.response.headers.get("retry-after") == "7"
