"""Operating Gangway as a process: graceful drain on SIGTERM, metrics and access log over
real HTTP, and `gangway endpoints`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import httpx
import pytest

from conftest import Gangway, admin_token
from servers import gangway_binary, start_gangway

STREAM = {"model": "", "stream": True, "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture()
def own_gangway(mocks, tmp_path):
    """A Gangway process of the test's own, free to be stopped."""
    process = start_gangway(tmp_path, "gangway-ops", [{"name": "single", "instances": [{"url": mocks["single"].base_url}]}])
    try:
        yield Gangway(process, tmp_path / "gangway-ops-data"), process
    finally:
        process.stop()


def test_sigterm_lets_an_open_stream_finish_and_refuses_new_connections(own_gangway):
    server, process = own_gangway
    door = server.door("single")
    result: dict = {}

    def stream() -> None:
        with httpx.stream(
            "POST", f"{door.openai_base}/chat/completions", json=STREAM,
            headers={**door.headers, "x-mock-chunk-delay-ms": "100"}, timeout=30,
        ) as response:
            result["status"] = response.status_code
            result["body"] = b"".join(response.iter_raw()).decode()

    reader = threading.Thread(target=stream)
    reader.start()
    time.sleep(0.5)  # the stream is under way: about 5 of its 20 chunks sent
    process.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{server.root}/ping", timeout=2)
    reader.join(timeout=30)
    assert result["status"] == 200
    events = [line for line in result["body"].split("\n") if line.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    assert len(events) == 1 + 20 + 1 + 1  # role chunk, 20 tokens, finish chunk, [DONE]
    assert process.process.wait(timeout=15) == 0


def test_metrics_and_access_log_over_real_http(own_gangway):
    server, process = own_gangway
    client = server.door("single").client()
    client.chat.completions.create(model="", messages=[{"role": "user", "content": "one two"}], max_tokens=4)
    metrics = httpx.get(f"{server.root}/metrics", timeout=5).text
    assert 'gangway_invocations_total{endpoint="single",component=""} 1' in metrics
    assert 'gangway_completion_tokens_total{endpoint="single",component=""} 4' in metrics
    # The access log goes to standard output: one JSON line per request.
    deadline = time.monotonic() + 5
    lines: list[dict] = []
    while time.monotonic() < deadline and not lines:
        lines = [json.loads(l) for l in process.log_path.read_text().splitlines() if l.startswith('{"time"')]
        time.sleep(0.1)
    chat = [l for l in lines if l["path"].endswith("/chat/completions")]
    assert chat and chat[-1]["status"] == 200 and chat[-1]["completion_tokens"] == 4
    assert chat[-1]["principal"] == "arn:aws:iam::123456789012:user/admin"
    assert "sagemaker-api-key" not in process.log_path.read_text()


def test_swift_concurrency_runs_on_the_event_loops(own_gangway):
    """At start-up gangway installs its event loops as Swift concurrency's executor and checks
    that a new task runs on one; it warns on standard error when not (GANGWAY_BIN may name a
    release build, whose Swift runtime is linked in statically and unseen by dlsym)."""
    server, process = own_gangway
    assert httpx.get(f"{server.root}/ping", timeout=5).status_code == 200
    assert "Swift concurrency runs on Dispatch" not in process.log_text()


def test_gangway_endpoints_prints_a_table(own_gangway):
    server, _ = own_gangway
    env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": str(server.credentials_file), "AWS_PROFILE": "gangway"}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key, None)
    result = subprocess.run(
        [str(gangway_binary()), "endpoints", "--endpoint-url", server.root], env=env, capture_output=True, text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["ENDPOINT", "COMPONENT", "INSTANCE", "HEALTH", "IN-FLIGHT"]
    assert lines[1].split()[0] == "single" and lines[1].split()[3] in ("healthy", "unknown")
    # Without credentials: one clear line and a non-zero exit.
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
    failed = subprocess.run(
        [str(gangway_binary()), "endpoints", "--endpoint-url", server.root], env=env, capture_output=True, text=True,
        timeout=30,
    )
    assert failed.returncode != 0 and "no credentials" in failed.stderr


def test_a_busy_port_is_one_clear_line(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = tmp_path / "busy.yaml"
        config.write_text(f"listen: 127.0.0.1:{port}\ndata: {tmp_path / 'data'}\n")
        result = subprocess.run(
            [str(gangway_binary()), "serve", "--config", str(config)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "already in use" in last and "--listen" in last
