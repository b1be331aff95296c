"""Matrix rows for `curl`: what a shell script sees, bytes and status codes, with a bearer
token and with curl's own SigV4 signing (`--aws-sigv4`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from matrix_support import MESSAGES, credentials_provider, sdk_token

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def curl(url: str, body: dict, *auth: str) -> tuple[int, bytes]:
    """POSTs JSON with curl; returns the status and the body exactly as received (-N: no
    buffering, as a streaming script would run it)."""
    result = subprocess.run(
        ["curl", "-sS", "-N", "--max-time", "30", "-H", "content-type: application/json", *auth,
         "--data-binary", json.dumps(body), "-w", "\n%{http_code}", url],
        capture_output=True,
        timeout=60,
        check=True,
    )
    payload, _, status = result.stdout.rpartition(b"\n")
    return int(status), payload


def bearer(token: str) -> tuple[str, str]:
    return ("-H", f"authorization: Bearer {token}")


def chat_url(backend) -> str:
    return f"{backend.openai_base}/chat/completions"


def sse_events(payload: bytes) -> list[bytes]:
    blocks = [block for block in payload.split(b"\n\n") if block.strip()]
    assert all(block.startswith(b"data: ") for block in blocks), payload[:200]
    return [block.removeprefix(b"data: ") for block in blocks]


@pytest.mark.matrix("curl", "plain chat (bearer token)")
def test_curl_plain_chat(backend):
    status, payload = curl(chat_url(backend), {"model": "", "messages": MESSAGES, **backend.options}, *bearer(backend.token()))
    assert status == 200, payload
    answer = json.loads(payload)
    assert answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"]["role"] == "assistant"


@pytest.mark.matrix("curl", "SSE stream, [DONE] last (-N)")
def test_curl_stream(backend):
    body = {"model": "", "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}, **backend.options}
    status, payload = curl(chat_url(backend), body, *bearer(backend.token()))
    assert status == 200
    events = sse_events(payload)
    assert events[-1] == b"[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    if backend.is_mock:
        # The mock is deterministic: the door's bytes are the instance's bytes.
        assert payload == curl(f"{backend.instance.openai_base}/chat/completions", body)[1]
        assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


@pytest.mark.matrix("curl", "model 4xx: status and body unchanged")
def test_curl_model_error(backend):
    if backend.is_mock:
        body = {"model": "", "messages": MESSAGES, "mock": {"status": 422}}
    else:
        body = {"model": "", "messages": [{"role": "user", "content": "word " * 700}], **backend.options}
    through = curl(chat_url(backend), body, *bearer(backend.token()))
    direct = curl(f"{backend.instance.openai_base}/chat/completions", body)
    assert through == direct
    assert 400 <= through[0] < 500
    assert set(json.loads(through[1])) == {"error"}


@pytest.mark.matrix("curl", "expired token: 401 with OpenAI envelope")
def test_curl_expired_token(backend):
    token = sdk_token(backend.server.credentials_file, seconds=1)
    time.sleep(2.2)
    status, payload = curl(chat_url(backend), {"model": "", "messages": MESSAGES}, *bearer(token))
    assert status == 401
    error = json.loads(payload)["error"]
    assert {"message", "type", "code"} <= set(error)
    assert token not in payload.decode()


@pytest.mark.matrix("curl", "SigV4-signed request (--aws-sigv4)")
def test_curl_sigv4(backend):
    credentials = credentials_provider(backend.server.credentials_file).load()
    signing = ("--aws-sigv4", "aws:amz:us-east-1:sagemaker", "--user", f"{credentials.access_key}:{credentials.secret_key}")
    status, payload = curl(chat_url(backend), {"model": "", "messages": MESSAGES, **backend.options}, *signing)
    assert status == 200, payload
    assert json.loads(payload)["choices"][0]["message"]["role"] == "assistant"
