"""SageMaker's runtime API through Gangway with boto3's `sagemaker-runtime` client, unchanged
but for `endpoint_url`: InvokeEndpoint and InvokeEndpointWithResponseStream (SigV4-signed),
errors raised as botocore's modelled exceptions, the 6 MiB body limit, and stateful sessions
pinned to one of two instances. Every answer is compared with what the instance itself says
at `/invocations`."""

from __future__ import annotations

import configparser
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.exceptions
import httpx
import pytest
from botocore.config import Config

from conftest import Gangway, _wait_until_routable
from servers import start_gangway, start_mock_model

MESSAGES = [{"role": "user", "content": "Hello through SageMaker's API"}]
SIX_MIB = 6 * 1024 * 1024


def runtime(server: Gangway):
    parser = configparser.ConfigParser()
    parser.read(server.credentials_file)
    profile = parser["gangway"]
    return boto3.client(
        "sagemaker-runtime",
        endpoint_url=server.root,
        region_name="us-east-1",
        aws_access_key_id=profile["aws_access_key_id"],
        aws_secret_access_key=profile["aws_secret_access_key"],
        # One attempt: a retry would hide which answer the test saw.
        config=Config(retries={"total_max_attempts": 1}, read_timeout=30),
    )


def chat(**fields) -> bytes:
    return json.dumps({"model": "", "messages": MESSAGES, **fields}).encode()


def direct(base_url: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """The instance's own answer at /invocations, bypassing Gangway."""
    return httpx.post(f"{base_url}/invocations", content=body, headers={"content-type": "application/json", **(headers or {})}, timeout=30)


def raw_error_body(client) -> dict[str, bytes]:
    """Keeps the last raw response body, to read members botocore does not model (`ErrorCode`)."""
    seen: dict[str, bytes] = {}

    def keep(http_response, **_):
        seen["body"] = http_response.content

    client.meta.events.register("after-call.sagemaker-runtime", keep)
    return seen


def requests_seen(instance) -> int:
    return httpx.get(f"{instance.base_url}/mock/stats", timeout=5).json()["requests"]


# MARK: InvokeEndpoint


def test_invoke_endpoint_answers_as_the_instance_does(gangway, mocks):
    body = chat()
    response = runtime(gangway).invoke_endpoint(
        EndpointName="single", ContentType="application/json", Accept="application/json", Body=body,
        CustomAttributes="trace=abc",
    )
    assert response["Body"].read() == direct(mocks["single"].base_url, body).content
    assert response["ContentType"] == "application/json"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    assert response["CustomAttributes"] == "trace=abc"


def test_invoke_endpoint_on_an_inference_component(gangway, mocks):
    body = chat()
    response = runtime(gangway).invoke_endpoint(
        EndpointName="hosting", InferenceComponentName="summarizer", ContentType="application/json", Body=body
    )
    answer = json.loads(response["Body"].read())
    assert answer["model"] == mocks["summarizer"].model
    assert answer == json.loads(direct(mocks["summarizer"].base_url, body).content)


def test_binary_body_passes_byte_for_byte(gangway):
    body = bytes(range(256)) * 64
    response = runtime(gangway).invoke_endpoint(EndpointName="single", ContentType="application/x-raw", Body=body)
    assert response["Body"].read() == body
    assert response["ContentType"] == "application/x-raw"


def test_bearer_token_works_on_invocations(gangway, mocks):
    body = chat()
    response = httpx.post(
        f"{gangway.root}/endpoints/single/invocations", content=body,
        headers={"authorization": f"Bearer {gangway.token()}", "content-type": "application/json"}, timeout=30,
    )
    assert response.status_code == 200
    assert response.content == direct(mocks["single"].base_url, body).content


# MARK: InvokeEndpointWithResponseStream


def test_response_stream_reassembles_to_the_direct_stream(gangway, mocks):
    body = chat(stream=True, stream_options={"include_usage": True}, mock={"tokens": 24, "split_bytes": 7})
    response = runtime(gangway).invoke_endpoint_with_response_stream(
        EndpointName="hosting", InferenceComponentName="general", ContentType="application/json", Body=body
    )
    assert response["ContentType"] == "text/event-stream"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    events = list(response["Body"])  # decoded by botocore itself: both CRC-32s checked
    assert all(set(event) == {"PayloadPart"} for event in events)
    assert len(events) > 24, "one PayloadPart per chunk the instance wrote"
    reassembled = b"".join(event["PayloadPart"]["Bytes"] for event in events)
    assert reassembled == direct(mocks["general"].base_url, body).content
    assert reassembled.endswith(b"data: [DONE]\n\n")


# MARK: errors


def test_model_error_keeps_the_original_status_and_message(gangway, mocks):
    body = chat(mock={"status": 429})
    expected = direct(mocks["single"].base_url, body)
    client = runtime(gangway)
    with pytest.raises(client.exceptions.ModelError) as caught:
        client.invoke_endpoint(EndpointName="single", ContentType="application/json", Body=body)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == expected.status_code == 429
    assert error["OriginalMessage"] == expected.text
    assert error["LogStreamArn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/single"


def test_model_error_on_the_stream_api(gangway):
    client = runtime(gangway)
    with pytest.raises(client.exceptions.ModelError) as caught:
        client.invoke_endpoint_with_response_stream(
            EndpointName="single", ContentType="application/json", Body=chat(stream=True, mock={"status": 500})
        )
    assert caught.value.response["OriginalStatusCode"] == 500


def test_missing_component_header_is_a_validation_error(gangway):
    client = runtime(gangway)
    raw = raw_error_body(client)
    with pytest.raises(client.exceptions.ValidationError) as caught:
        client.invoke_endpoint(EndpointName="hosting", ContentType="application/json", Body=chat())
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "X-Amzn-SageMaker-Inference-Component" in caught.value.response["Error"]["Message"]
    assert json.loads(raw["body"])["ErrorCode"] == "INFERENCE_COMPONENT_NAME_MISSING"


def test_unknown_endpoint_is_a_validation_error(gangway):
    client = runtime(gangway)
    with pytest.raises(client.exceptions.ValidationError) as caught:
        client.invoke_endpoint(EndpointName="nowhere", ContentType="application/json", Body=chat())
    assert caught.value.response["Error"]["Message"] == "Endpoint nowhere of account 123456789012 not found."


def test_six_mib_limit(gangway):
    client = runtime(gangway)
    at_limit = b"x" * SIX_MIB
    response = client.invoke_endpoint(EndpointName="single", ContentType="text/plain", Body=at_limit)
    assert response["Body"].read() == at_limit
    with pytest.raises(client.exceptions.ValidationError) as caught:
        client.invoke_endpoint(EndpointName="single", ContentType="text/plain", Body=at_limit + b"x")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert "6291456" in caught.value.response["Error"]["Message"]


def test_wrong_secret_is_refused(gangway):
    parser = configparser.ConfigParser()
    parser.read(gangway.credentials_file)
    client = boto3.client(
        "sagemaker-runtime", endpoint_url=gangway.root, region_name="us-east-1",
        aws_access_key_id=parser["gangway"]["aws_access_key_id"], aws_secret_access_key="x" * 40,
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.invoke_endpoint(EndpointName="single", ContentType="application/json", Body=chat())
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401


# MARK: timeouts and sessions (a Gangway of its own, over two instances)


@pytest.fixture(scope="module")
def pair(log_dir: Path) -> Iterator[tuple[Gangway, list]]:
    instances = [start_mock_model(log_dir, f"mock-pair-{index}") for index in range(2)]
    process = None
    try:
        urls = [{"url": instance.base_url} for instance in instances]
        endpoints = [
            {"name": "pair", "instances": urls},
            {"name": "hasty", "invocation_timeout": "1s", "instances": urls[:1]},
            {"name": "quiet", "timeouts": {"idle": "500ms"}, "instances": urls[:1]},
        ]
        process = start_gangway(log_dir, "gangway-sagemaker", endpoints)
        server = Gangway(process, log_dir / "gangway-sagemaker-data")
        for name in ("pair", "hasty", "quiet"):
            _wait_until_routable(server.door(name), process)
        yield server, instances
    finally:
        if process is not None:
            process.stop()
        for instance in instances:
            instance.stop()


def test_invocation_timeout_raises_model_error(pair):
    server, _ = pair
    client = runtime(server)
    with pytest.raises(client.exceptions.ModelError):
        client.invoke_endpoint(EndpointName="hasty", ContentType="application/json", Body=chat(mock={"delay_ms": 3000}))


def test_stream_that_goes_quiet_raises_model_stream_error(pair):
    server, _ = pair
    response = runtime(server).invoke_endpoint_with_response_stream(
        EndpointName="quiet", ContentType="application/json",
        Body=chat(stream=True, mock={"tokens": 4, "chunk_delay_ms": 3000}),
    )
    parts = []
    with pytest.raises(botocore.exceptions.EventStreamError) as caught:
        for event in response["Body"]:
            parts.append(event["PayloadPart"]["Bytes"])
    assert parts, "the chunks before the pause arrived"
    assert caught.value.response["Error"]["Code"] == "ModelStreamError"
    assert "idle timeout" in caught.value.response["Error"]["Message"]


def test_stateful_session_is_pinned_to_its_instance(pair):
    server, instances = pair
    client = runtime(server)
    opened = client.invoke_endpoint(EndpointName="pair", ContentType="application/json", Body=chat(), SessionId="NEW_SESSION")
    session_id, _, expires = opened["NewSessionId"].partition(";")
    assert expires.strip().startswith("Expires=")
    # Each instance knows only the sessions it opened and refuses the others' (a 400), so
    # every one of these succeeds only if Gangway keeps the session on its instance.
    for _ in range(16):
        answer = client.invoke_endpoint(EndpointName="pair", ContentType="application/json", Body=chat(), SessionId=session_id)
        assert json.loads(answer["Body"].read())["object"] == "chat.completion"
    streamed = client.invoke_endpoint_with_response_stream(
        EndpointName="pair", ContentType="application/json", Body=chat(stream=True), SessionId=session_id
    )
    assert b"".join(event["PayloadPart"]["Bytes"] for event in streamed["Body"]).endswith(b"data: [DONE]\n\n")

    holders = [direct(i.base_url, chat(), {"x-amzn-sagemaker-session-id": session_id}).status_code == 200 for i in instances]
    assert sorted(holders) == [False, True], "exactly one instance holds the session"
    # Unpinned requests do spread over both instances, so the loop above could have failed.
    before = [requests_seen(i) for i in instances]
    for _ in range(24):
        client.invoke_endpoint(EndpointName="pair", ContentType="application/json", Body=chat())
    assert all(requests_seen(i) > count for i, count in zip(instances, before))

    closed = client.invoke_endpoint(
        EndpointName="pair", ContentType="application/json", Body=b'{"requestType":"CLOSE"}', SessionId=session_id
    )
    assert closed["ClosedSessionId"] == session_id
    with pytest.raises(client.exceptions.ValidationError):
        client.invoke_endpoint(EndpointName="pair", ContentType="application/json", Body=chat(), SessionId=session_id)


def test_unknown_session_is_a_validation_error(pair):
    server, _ = pair
    client = runtime(server)
    with pytest.raises(client.exceptions.ValidationError) as caught:
        client.invoke_endpoint(
            EndpointName="pair", ContentType="application/json", Body=chat(), SessionId=f"never-{uuid.uuid4()}"
        )
    assert "is not open" in caught.value.response["Error"]["Message"]
