"""Matrix rows for the AWS side: boto3's `sagemaker-runtime` client (SigV4-signed
InvokeEndpoint and InvokeEndpointWithResponseStream) and the SageMaker SDK's bearer-token
generator (`sagemaker.core.token_generator.generate_token`), including the refresh pattern of
the SageMaker docs: an `httpx.Auth` that mints a fresh token for every request."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest

from matrix import not_applicable
from matrix_support import MESSAGES, credentials_provider, sdk_token

# MARK: boto3 sagemaker-runtime


def runtime_client(backend):
    import boto3
    from botocore.config import Config

    credentials = credentials_provider(backend.server.credentials_file).load()
    return boto3.client(
        "sagemaker-runtime",
        endpoint_url=backend.server.root,
        region_name="us-east-1",
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        config=Config(retries={"max_attempts": 1}, read_timeout=30),
    )


def require_instance_route(backend, path: str) -> None:
    response = httpx.post(f"{backend.instance.base_url}/{path}", json={"model": "", "messages": MESSAGES}, timeout=30)
    if response.status_code == 404:
        not_applicable(f"the model server itself has no /{path} route (404 when asked directly)")


def chat_body(backend, **fields) -> bytes:
    return json.dumps({"model": "", "messages": MESSAGES, **backend.options, **fields}).encode()


@pytest.mark.matrix("boto3 sagemaker-runtime", "invoke_endpoint (SigV4)")
def test_invoke_endpoint(backend):
    require_instance_route(backend, "invocations")
    response = runtime_client(backend).invoke_endpoint(
        EndpointName=backend.endpoint, ContentType="application/json", Accept="application/json", Body=chat_body(backend)
    )
    answer = json.loads(response["Body"].read())
    assert answer["object"] == "chat.completion"
    assert isinstance(answer["choices"][0]["message"]["content"], str)
    assert response["ContentType"].startswith("application/json")


@pytest.mark.matrix("boto3 sagemaker-runtime", "invoke_endpoint_with_response_stream (PayloadPart)")
def test_invoke_endpoint_with_response_stream(backend):
    require_instance_route(backend, "invocations")
    response = runtime_client(backend).invoke_endpoint_with_response_stream(
        EndpointName=backend.endpoint, ContentType="application/json", Body=chat_body(backend, stream=True)
    )
    parts = [event["PayloadPart"]["Bytes"] for event in response["Body"] if "PayloadPart" in event]
    assert len(parts) > 1, "the stream came as one part"
    events = [line.removeprefix(b"data: ") for line in b"".join(parts).split(b"\n\n") if line.strip()]
    assert events[-1] == b"[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert any(chunk["choices"] and chunk["choices"][0]["finish_reason"] for chunk in chunks)


@pytest.mark.matrix("boto3 sagemaker-runtime", "model error raises ModelError (OriginalStatusCode)")
def test_invoke_endpoint_model_error(backend):
    body = chat_body(backend, mock={"status": 400}) if backend.is_mock else chat_body(backend)
    # What the instance itself answers at /invocations (llama-cpp-python: 404, no such route).
    expected = httpx.post(f"{backend.instance.base_url}/invocations", content=body, timeout=30).status_code
    if expected < 400:
        not_applicable("the model server answers this request without an error")
    client = runtime_client(backend)
    with pytest.raises(client.exceptions.ModelError) as caught:
        client.invoke_endpoint(EndpointName=backend.endpoint, ContentType="application/json", Body=body)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["OriginalStatusCode"] == expected


# MARK: sagemaker-core's token generator


@pytest.mark.matrix("sagemaker-core token", "generate_token as the openai api_key")
def test_generate_token_with_openai(backend):
    token = sdk_token(backend.server.credentials_file)
    assert token.startswith("sagemaker-api-key-")
    client = openai.OpenAI(base_url=backend.openai_base, api_key=token, max_retries=0, timeout=30)
    answer = client.chat.completions.create(model="", messages=MESSAGES, **backend.options)
    assert answer.choices[0].message.role == "assistant"


class FreshTokenAuth(httpx.Auth):
    """The SageMaker docs' pattern: a new short-lived token on every request, so a long-lived
    client never sends an expired one."""

    def __init__(self, credentials_file, seconds: int) -> None:
        self.credentials_file = credentials_file
        self.seconds = seconds
        self.minted = 0

    def auth_flow(self, request):
        request.headers["Authorization"] = f"Bearer {sdk_token(self.credentials_file, self.seconds)}"
        self.minted += 1
        yield request


@pytest.mark.matrix("sagemaker-core token", "expired token refreshed per request (httpx.Auth)")
def test_token_refreshed_per_request(backend):
    credentials = backend.server.credentials_file
    auth = FreshTokenAuth(credentials, seconds=2)
    refreshing = openai.OpenAI(
        base_url=backend.openai_base, api_key="replaced-per-request", http_client=httpx.Client(auth=auth), max_retries=0
    )
    fixed = openai.OpenAI(base_url=backend.openai_base, api_key=sdk_token(credentials, 2), max_retries=0)
    for client in (refreshing, fixed):
        assert client.chat.completions.create(model="", messages=MESSAGES, **backend.options).choices
    time.sleep(3.2)  # both 2-second tokens of the first round are now past their expiry
    with pytest.raises(openai.AuthenticationError):
        fixed.chat.completions.create(model="", messages=MESSAGES, **backend.options)
    answer = refreshing.chat.completions.create(model="", messages=MESSAGES, **backend.options)
    assert answer.choices[0].message.role == "assistant"
    assert auth.minted == 2
