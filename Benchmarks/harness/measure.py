"""One measurement each: wrk for closed-loop throughput, gangway-loadgen for the rest."""
import json
import os
import re

from contestants import LOAD_CPU
from processes import RSSSampler, run_sampling

UNITS = {"us": 1.0, "ms": 1000.0, "s": 1e6}


class Tools:
    def __init__(self, work, loadgen):
        self.work = work
        self.loadgen = loadgen
        self.bodies = {}

    def body(self, role, contestant, stream_tokens=None):
        """The request body for a role, written once to a file for the load tools."""
        key = (role, contestant.model_for(role), stream_tokens)
        if key not in self.bodies:
            body = {"model": contestant.model_for(role), "messages": [{"role": "user", "content": "Hello!"}]}
            if role != "chat":
                body.update(stream=True, max_tokens=stream_tokens)
            path = os.path.join(self.work, f"body-{len(self.bodies)}.json")
            with open(path, "w") as f:
                json.dump(body, f, separators=(",", ":"))
            self.bodies[key] = path
        return self.bodies[key]

    def wrk_script(self, contestant):
        path = os.path.join(self.work, f"wrk-{contestant.name}.lua")
        if not os.path.exists(path):
            with open(self.body("chat", contestant)) as f:
                body = f.read()
            lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}",
                     'wrk.headers["Content-Type"] = "application/json"']
            for header in contestant.headers:
                name, value = header.split(":", 1)
                lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value.strip())}")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
        return path

    def wrk(self, contestant, connections, seconds):
        """Closed-loop throughput; also the proxy's CPU time per request and peak RSS."""
        process = contestant.process
        sampler = RSSSampler(process) if process else None
        cpu_before = process.cpu_seconds() if process else 0.0
        out = run_sampling(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", self.wrk_script(contestant),
             contestant.urls["chat"]], LOAD_CPU, seconds + 30, sampler)
        cpu = (process.cpu_seconds() - cpu_before) if process else None
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        latency = {}
        for p in ("50", "99"):
            m = re.search(rf"^\s+{p}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out, re.M)
            latency[f"p{p}"] = float(m.group(1)) * UNITS[m.group(2)] if m else None
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": requests,
            "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
            "latency_us": latency,
            "cpu_us_per_request": cpu / requests * 1e6 if cpu is not None and requests else None,
            "rss_peak_mb": sampler.peak if sampler else None,
        }

    def loadgen_run(self, args, timeout, sampler=None):
        return json.loads(run_sampling([self.loadgen] + args, LOAD_CPU, timeout, sampler))

    def latency(self, contestants, seconds):
        """One request in flight, cycling direct, then the proxies in a rotating order, so all share the moments."""
        args = ["latency", "--seconds", str(seconds), "--warmup", "0.5"]
        body = None
        for contestant in contestants:
            body = body or self.body("chat", contestant)
            args += ["--target", f"{contestant.name}={contestant.urls['chat']}"]
            for header in contestant.headers:
                args += ["--header", header]
        return self.loadgen_run(args + ["--body", body], seconds + 60)["targets"]

    def rate(self, contestant, rate, seconds, connections=64):
        args = ["rate", "--target", contestant.urls["chat"], "--rate", str(int(rate)),
                "--connections", str(connections), "--seconds", str(seconds), "--body", self.body("chat", contestant)]
        for header in contestant.headers:
            args += ["--header", header]
        return self.loadgen_run(args, seconds + 60)

    def streams(self, contestant, role, concurrency, seconds, tokens, ramp=0.0, once=False, stall_ms=500,
                sampler=None):
        args = ["streams", "--target", contestant.urls[role], "--concurrency", str(concurrency),
                "--seconds", str(seconds), "--ramp", str(ramp), "--stall-ms", str(stall_ms),
                "--body", self.body(role, contestant, tokens)]
        if once:
            args.append("--once")
        for header in contestant.headers:
            args += ["--header", header]
        return self.loadgen_run(args, seconds + 60, sampler)
