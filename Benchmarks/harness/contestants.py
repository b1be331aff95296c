"""The upstreams and the contestants: configuration files written into the run's work
folder, processes started pinned (proxies on PROXY_CPU, upstreams on LOAD_CPU)."""
import json
import os
import subprocess
import time

from processes import Process, free_port, wait_for_port

PROXY_CPU = 0
LOAD_CPU = 1

# What the fixed upstream answers to every chat completion: a complete, valid OpenAI body, so
# that proxies that parse it (LiteLLM) accept it.
CANNED_COMPLETION = json.dumps({
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "bench",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
}, separators=(",", ":"))

# The three upstream roles every contestant forwards to.
ROLES = ("chat", "stream", "slow", "idle")
# Pace of the mock model servers: "stream" for first-token and per-chunk figures, "slow" (50 ms
# a chunk) for the concurrent-streams capacity figure, "idle" (250 ms a chunk) for holding more
# streams than the load generator and upstream can pace at 50 ms on their one core (5,000 at
# 250 ms is the chunk rate of 1,000 at 50 ms).
STREAM_TOKENS_PER_SECOND = 50
SLOW_TOKENS_PER_SECOND = 20
IDLE_TOKENS_PER_SECOND = 4

NGINX_EVENTS = "events { worker_connections 19000; multi_accept on; }\n"


class Upstreams:
    def __init__(self, work, gangway):
        self.ports = {"chat": free_port(), "stream": free_port(), "slow": free_port(), "idle": free_port()}
        conf = os.path.join(work, "upstream-nginx.conf")
        with open(conf, "w") as f:
            f.write(
                "daemon off; master_process off; worker_processes 1; worker_rlimit_nofile 20000;\n"
                f"pid {work}/upstream-nginx.pid; error_log {work}/upstream-nginx.err warn;\n" + NGINX_EVENTS +
                "http {\n  access_log off; keepalive_requests 100000000; keepalive_timeout 600s;\n"
                f"  client_body_temp_path {work}/nginx-tmp;\n"
                f"  server {{\n    listen 127.0.0.1:{self.ports['chat']} backlog=65535;\n"
                "    location = /ping { return 200 '{\"status\":\"ok\"}'; }\n"
                "    location / { default_type application/json;\n"
                f"      return 200 '{CANNED_COMPLETION}'; }}\n  }}\n}}\n")
        self.processes = [
            Process("upstream-nginx", ["nginx", "-c", conf, "-e", f"{work}/upstream-nginx.err"], LOAD_CPU,
                    os.path.join(work, "upstream-nginx.log")),
            Process("mock-stream", [gangway, "mock-model", "--port", str(self.ports["stream"]),
                                    "--tokens-per-second", str(STREAM_TOKENS_PER_SECOND)], LOAD_CPU,
                    os.path.join(work, "mock-stream.log")),
            Process("mock-slow", [gangway, "mock-model", "--port", str(self.ports["slow"]),
                                  "--tokens-per-second", str(SLOW_TOKENS_PER_SECOND)], LOAD_CPU,
                    os.path.join(work, "mock-slow.log")),
            Process("mock-idle", [gangway, "mock-model", "--port", str(self.ports["idle"]),
                                  "--tokens-per-second", str(IDLE_TOKENS_PER_SECOND)], LOAD_CPU,
                    os.path.join(work, "mock-idle.log")),
        ]
        for process, port in zip(self.processes, self.ports.values()):
            wait_for_port(port, 30, process.popen)

    def stop(self):
        for process in self.processes:
            process.stop()


class Contestant:
    """A way to reach the upstreams: `urls[role]` plus the headers every request carries."""

    name = "?"
    process = None

    def __init__(self):
        self.urls = {}
        self.headers = []

    def model_for(self, role):
        return {"chat": "bench", "stream": "bench-stream", "slow": "bench-slow", "idle": "bench-idle"}[role]

    def stop(self):
        if self.process is not None:
            self.process.stop()


class Direct(Contestant):
    name = "direct"

    def __init__(self, upstreams):
        super().__init__()
        self.urls = {role: f"http://127.0.0.1:{upstreams.ports[role]}/v1/chat/completions" for role in ROLES}


class HAProxy(Contestant):
    name = "haproxy"

    def __init__(self, work, upstreams):
        super().__init__()
        conf = os.path.join(work, "haproxy.cfg")
        lines = ["global", "  maxconn 9500", "  nbthread 1", "defaults", "  mode http",
                 "  timeout connect 5s", "  timeout client 600s", "  timeout server 600s",
                 "  option http-keep-alive", "  http-reuse always"]
        for role in ROLES:
            port = free_port()
            self.urls[role] = f"http://127.0.0.1:{port}/v1/chat/completions"
            lines += [f"frontend fe_{role}", f"  bind 127.0.0.1:{port}", "  maxconn 9500",
                      f"  default_backend be_{role}", f"backend be_{role}"]
            # Streams: send each chunk at once rather than waiting to fill a packet.
            if role != "chat":
                lines.append("  option http-no-delay")
            lines.append(f"  server s1 127.0.0.1:{upstreams.ports[role]} maxconn 9500")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.process = Process(self.name, ["haproxy", "-db", "-f", conf], PROXY_CPU, os.path.join(work, "haproxy.log"))
        wait_for_port(int(self.urls["chat"].split(":")[2].split("/")[0]), 30, self.process.popen)


class Nginx(Contestant):
    name = "nginx"

    def __init__(self, work, upstreams):
        super().__init__()
        conf = os.path.join(work, "proxy-nginx.conf")
        http = ["  access_log off; keepalive_requests 100000000; keepalive_timeout 600s;",
                f"  client_body_temp_path {work}/nginx-tmp; proxy_temp_path {work}/nginx-tmp;"]
        for role in ROLES:
            port = free_port()
            self.urls[role] = f"http://127.0.0.1:{port}/v1/chat/completions"
            http += [f"  upstream up_{role} {{ server 127.0.0.1:{upstreams.ports[role]}; keepalive 1024; }}",
                     f"  server {{ listen 127.0.0.1:{port} backlog=65535; location / {{",
                     f"    proxy_pass http://up_{role}; proxy_http_version 1.1; proxy_set_header Connection \"\";",
                     "    proxy_buffering off; proxy_read_timeout 600s; } }"]
        with open(conf, "w") as f:
            f.write("daemon off; master_process on; worker_processes 1; worker_rlimit_nofile 20000;\n"
                    f"pid {work}/proxy-nginx.pid; error_log {work}/proxy-nginx.err warn;\n" + NGINX_EVENTS +
                    "http {\n" + "\n".join(http) + "\n}\n")
        self.process = Process(self.name, ["nginx", "-c", conf, "-e", f"{work}/proxy-nginx.err"], PROXY_CPU,
                               os.path.join(work, "proxy-nginx.log"))
        wait_for_port(int(self.urls["chat"].split(":")[2].split("/")[0]), 30, self.process.popen)


class LiteLLM(Contestant):
    """LiteLLM's proxy: one worker, no database, a master key checked on every request."""

    name = "litellm"
    MASTER_KEY = "sk-gangway-bench"

    def __init__(self, work, upstreams, venv):
        super().__init__()
        port = free_port()
        conf = os.path.join(work, "litellm.yaml")
        models = []
        for role in ROLES:
            models.append(
                f"  - model_name: {self.model_for(role)}\n"
                "    litellm_params:\n"
                f"      model: openai/{self.model_for(role)}\n"
                f"      api_base: http://127.0.0.1:{upstreams.ports[role]}/v1\n"
                "      api_key: unused\n")
        with open(conf, "w") as f:
            f.write("model_list:\n" + "".join(models) +
                    f"general_settings:\n  master_key: {self.MASTER_KEY}\n"
                    "litellm_settings:\n  telemetry: false\n  turn_off_message_logging: true\n"
                    "  request_timeout: 600\n")
        self.urls = {role: f"http://127.0.0.1:{port}/v1/chat/completions" for role in ROLES}
        self.headers = [f"Authorization: Bearer {self.MASTER_KEY}"]
        env = {"LITELLM_LOG": "ERROR", "LITELLM_TELEMETRY": "False", "NO_DOCS": "True"}
        self.process = Process(
            self.name, [os.path.join(venv, "bin", "litellm"), "--config", conf, "--host", "127.0.0.1",
                        "--port", str(port), "--num_workers", "1"],
            PROXY_CPU, os.path.join(work, "litellm.log"), env=env, cwd=work)
        wait_for_port(port, 180, self.process.popen)


class Gangway(Contestant):
    """Gangway with authentication on: a bearer token from `gangway token`, verified and a
    policy evaluated on every request; the access log off like the other proxies'."""

    name = "gangway"

    def __init__(self, work, upstreams, gangway):
        super().__init__()
        port = free_port()
        data = os.path.join(work, "gangway-data")
        conf = os.path.join(work, "gangway.yaml")
        endpoints = "".join(
            f"  - name: {self.model_for(role)}\n    instances: [{{url: \"http://127.0.0.1:{upstreams.ports[role]}\"}}]\n"
            for role in ROLES)
        with open(conf, "w") as f:
            f.write(f"listen: 127.0.0.1:{port}\ndata: {data}\naccess_log: \"off\"\nendpoints:\n{endpoints}")
        self.process = Process(self.name, [gangway, "serve", "--config", conf, "--log-level", "warning"], PROXY_CPU,
                               os.path.join(work, "gangway.log"))
        wait_for_port(port, 60, self.process.popen)
        credentials = os.path.join(data, "credentials")
        for _ in range(100):
            if os.path.exists(credentials):
                break
            time.sleep(0.1)
        env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=credentials, AWS_PROFILE="gangway")
        env.pop("AWS_ACCESS_KEY_ID", None)
        env.pop("AWS_SECRET_ACCESS_KEY", None)
        token = subprocess.run([gangway, "token", "--expires", "12h"], env=env, check=True,
                               capture_output=True, text=True).stdout.strip()
        self.headers = [f"Authorization: Bearer {token}"]
        self.urls = {role: f"http://127.0.0.1:{port}/endpoints/{self.model_for(role)}/openai/v1/chat/completions"
                     for role in ROLES}
