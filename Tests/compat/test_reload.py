"""Live reload: SIGHUP re-reads the config file; endpoints appear and disappear under load
with no failed request, a stream on a removed endpoint finishes, and a bad file is refused."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from conftest import Gangway
from servers import start_gangway, to_yaml

CHAT = {"model": "", "messages": [{"role": "user", "content": "hi"}]}


def write_config(path, port, data_dir, endpoints):
    path.write_text(
        to_yaml({"account": "123456789012", "region": "us-east-1", "listen": f"127.0.0.1:{port}",
                 "data": str(data_dir), "endpoints": endpoints})
    )


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_reload_adds_and_removes_endpoints_under_load(mocks, tmp_path):
    first = {"name": "steady", "instances": [{"url": mocks["single"].base_url}]}
    doomed = {"name": "doomed", "instances": [{"url": mocks["general"].base_url}]}
    process = start_gangway(tmp_path, "gangway-reload", [first, doomed])
    try:
        server = Gangway(process, tmp_path / "gangway-reload-data")
        config_path = tmp_path / "gangway-reload.yaml"
        steady, gone = server.door("steady"), server.door("doomed")
        failures: list[str] = []
        count = 0
        stop = threading.Event()

        def hammer() -> None:
            nonlocal count
            with httpx.Client(timeout=10) as client:
                while not stop.is_set():
                    response = client.post(f"{steady.openai_base}/chat/completions", json=CHAT, headers=steady.headers)
                    count += 1
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text[:200]}")

        # A slow stream on the endpoint about to be removed must still finish.
        stream_result: dict = {}

        def slow_stream() -> None:
            with httpx.stream(
                "POST", f"{gone.openai_base}/chat/completions",
                json={**CHAT, "stream": True, "max_tokens": 10},
                headers={**gone.headers, "x-mock-chunk-delay-ms": "150"}, timeout=30,
            ) as response:
                stream_result["status"] = response.status_code
                stream_result["body"] = b"".join(response.iter_raw()).decode()

        workers = [threading.Thread(target=hammer) for _ in range(3)]
        for worker in workers:
            worker.start()
        streamer = threading.Thread(target=slow_stream)
        streamer.start()
        time.sleep(0.4)

        # One keep-alive connection across the reload: the route it was given before must not
        # outlive the endpoints it came from.
        kept = httpx.Client(timeout=10)
        assert kept.post(f"{gone.openai_base}/chat/completions", json=CHAT, headers=gone.headers).status_code == 200

        added = {"name": "fresh", "instances": [{"url": mocks["summarizer"].base_url}]}
        write_config(config_path, process.port, tmp_path / "gangway-reload-data", [first, added])
        process.process.send_signal(signal.SIGHUP)
        fresh = server.door("fresh")
        assert wait_for(lambda: httpx.get(f"{fresh.openai_base}/models", headers=fresh.headers).status_code == 200)
        assert "mock-summarizer" in httpx.get(f"{fresh.openai_base}/models", headers=fresh.headers).text
        removed = httpx.post(f"{gone.openai_base}/chat/completions", json=CHAT, headers=gone.headers)
        assert removed.status_code == 400 and "Endpoint doomed" in removed.text
        removed_on_kept = kept.post(f"{gone.openai_base}/chat/completions", json=CHAT, headers=gone.headers)
        assert removed_on_kept.status_code == 400 and "Endpoint doomed" in removed_on_kept.text
        kept.close()

        # A broken file is refused; the running configuration stays.
        config_path.write_text("endpoints: [ { name: broken, instances: [ftp://x] } ]")
        process.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "reload refused" in process.log_tail(200))
        assert httpx.get(f"{fresh.openai_base}/models", headers=fresh.headers).status_code == 200

        time.sleep(0.3)
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
        streamer.join(timeout=30)
        assert count > 20
        assert failures == []
        assert stream_result["status"] == 200
        assert stream_result["body"].rstrip().endswith("data: [DONE]")
        # The whole log: the access lines of the load above can push it out of any tail.
        assert "configuration reloaded" in process.log_text()
    finally:
        process.stop()
