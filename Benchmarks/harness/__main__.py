"""Gangway's benchmark against HAProxy, nginx and LiteLLM: see Benchmarks/README.md.
Run it through Benchmarks/run, which installs the tools and builds what it needs."""
import argparse
import datetime
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from contestants import (  # noqa: E402
    IDLE_TOKENS_PER_SECOND, SLOW_TOKENS_PER_SECOND, Direct, Gangway, HAProxy, LiteLLM, Nginx, Upstreams)
from measure import Tools  # noqa: E402
from processes import RSSSampler  # noqa: E402
from report import render_markdown, render_table, summarise  # noqa: E402
from stats import bisect_rate  # noqa: E402

PROFILES = {
    # seconds per step; rounds for the rate search; capacity ladder
    "quick": dict(rounds=3, latency_s=3, wrk_s=1, stream_s=1.5, rate_rounds=1, rate_steps=4, rate_s=1,
                  capacity=[2000]),
    "full": dict(rounds=5, latency_s=10, wrk_s=2, stream_s=3, rate_rounds=3, rate_steps=5, rate_s=1.5,
                 capacity=[1000, 2500, 5000]),
}
CONNECTIONS = [1, 16, 64, 256]
STREAM_CONCURRENCY = [1, 256]
STREAM_TOKENS = 5           # per stream in the first-token and gap figures (100 ms at 50 tokens/s)
STALL_FACTOR = 10           # a gap over 10x the upstream's pace is a stall
HOLD_S = 4                  # capacity: seconds every stream is held open after the ramp
WIDE_STREAMS = 5000         # held at the idle pace (250 ms), the concurrency figure
IDLE_AGAIN_S = 30           # after the last streams, before RSS is read again


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def raise_fd_limit():
    for limit in (1 << 20, 1 << 19, 1 << 18, 1 << 17, 65536):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            return limit
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def warm_up(tools, contestant):
    """One request per role, so lazily built state is in place before anything is measured."""
    tools.streams(contestant, "stream", 1, 5, 2, once=True)
    tools.latency([contestant], 0.3)


class Settler:
    """Waits, before each measurement, until every server the benchmark started has stopped
    working: no CPU tick (10 ms) in 200 ms, for at most 10 s. A proxy may go on working after its
    load generator has left: LiteLLM works through the backlog of a 256-connection step for
    seconds, on CPU 0, where it took time from whichever contestant came next (with the
    rotating order, always Gangway). Each wait is kept in the JSON (`raw.settle`)."""

    def __init__(self, processes, rows):
        self.processes = [p for p in processes if p is not None]
        self.rows = rows

    def __call__(self, step, contestant, interval=0.2, limit=10.0):
        start = time.monotonic()
        first = last = {p.name: p.cpu_seconds() for p in self.processes}
        while time.monotonic() - start < limit:
            time.sleep(interval)
            now = {p.name: p.cpu_seconds() for p in self.processes}
            if all(now[name] - last[name] < 0.005 for name in now):
                break
            last = now
        waited = time.monotonic() - start
        spent = {name: round(now[name] - first[name], 3) for name in now if now[name] - first[name] > 0}
        self.rows.setdefault("settle", []).append(dict(step=step, before=contestant, waited_s=round(waited, 2),
                                                       cpu_s=spent))
        if waited > 1:
            log(f"  waited {waited:.1f} s for quiet CPUs before {contestant} ({step}): {spent}")


def latency_round(contestants, order, tools, seconds, settle):
    """Each proxy in turn, its requests interleaved with direct ones: one request in flight,
    alternating direct and the proxy. Measured one proxy at a time, so what one proxy's process
    still does on CPU 0 after answering (LiteLLM's does) cannot land on another's figure."""
    direct = next(c for c in contestants if c.name == "direct")
    row = {}
    for contestant in order:
        if contestant is direct:
            continue
        settle("latency", contestant.name)
        pair = tools.latency([direct, contestant], seconds)
        row[contestant.name] = pair[contestant.name]
        row[f"direct/{contestant.name}"] = pair["direct"]
        row.setdefault("direct", pair["direct"])
    return row


def rotated(contestants, round_index):
    """The contestants in this round's order: each round starts one further along."""
    shift = round_index % len(contestants)
    return contestants[shift:] + contestants[:shift]


def latency_step(round_index, contestants, tools, profile, rows, settle):
    log(f"round {round_index + 1}: latency at one request in flight")
    order = rotated(contestants, round_index)
    rows["latency"].append(latency_round(contestants, order, tools, profile["latency_s"], settle))


def run_round(round_index, contestants, tools, profile, rows, settle):
    order = rotated(contestants, round_index)
    latency_step(round_index, contestants, tools, profile, rows, settle)
    for connections in CONNECTIONS:
        log(f"round {round_index + 1}: throughput at {connections} connections")
        for contestant in order:
            settle(f"wrk {connections}", contestant.name)
            rows["wrk"].append(dict(round=round_index, contestant=contestant.name, connections=connections,
                                    **tools.wrk(contestant, connections, profile["wrk_s"])))
    for concurrency in STREAM_CONCURRENCY:
        log(f"round {round_index + 1}: {concurrency} concurrent streams")
        for contestant in order:
            settle(f"streams {concurrency}", contestant.name)
            report = tools.streams(contestant, "stream", concurrency, profile["stream_s"], STREAM_TOKENS,
                                   ramp=min(0.2, profile["stream_s"] / 4))
            rows["streams"].append(dict(round=round_index, contestant=contestant.name, concurrency=concurrency,
                                        report=report))
    if round_index < profile["rate_rounds"]:
        for contestant in order:
            peak = max(r["rps"] for r in rows["wrk"] if r["contestant"] == contestant.name
                       and r["round"] == round_index)
            log(f"round {round_index + 1}: rate search for {contestant.name} (closed-loop peak {peak:.0f}/s)")
            settle("rate", contestant.name)
            measure = lambda rate, c=contestant: tools.rate(c, rate, profile["rate_s"])  # noqa: E731
            under_10 = bisect_rate(measure, peak * 1.1, 10_000, profile["rate_steps"])
            under_1 = bisect_rate(measure, (under_10 or peak / 8) * 1.05, 1_000, profile["rate_steps"])
            rows["rate"].append(dict(round=round_index, contestant=contestant.name, under_1ms=under_1,
                                     under_10ms=under_10))


def hold_streams(contestant, tools, role, streams, tokens_per_second):
    """Opens `streams` streams over a ramp and holds them all HOLD_S more seconds. Held means
    every stream opened, none failed, and no gap (first event included) exceeded 10x the pace.
    Returns (held, peak RSS, the load generator's report)."""
    pace = 1 / tokens_per_second
    # 500 new connections a second: faster bursts overflow the mock upstream's accept queue
    # (backlog 256), and the SYN retries that follow read as one-second stalls.
    ramp = max(1.0, streams / 500)
    tokens = math.ceil((ramp + HOLD_S + 3) / pace)   # outlasts the window
    sampler = RSSSampler(contestant.process) if contestant.process else None
    report = tools.streams(contestant, role, streams, ramp + HOLD_S, tokens, ramp=ramp,
                           once=True, stall_ms=STALL_FACTOR * pace * 1000, sampler=sampler)
    held = (report["peak_open"] == streams and report["failed"] == 0 and report["stalled"] == 0
            and report["stalled_open"] == 0)
    return held, sampler.peak if sampler else None, report


def capacity(contestants, tools, ladder, rows, settle):
    """The most concurrent streams at a 50 ms pace held without a stall, climbing a ladder.
    LiteLLM climbs last and is stopped right after: it holds no stream at this pace and goes on
    relaying the refused step's streams from the upstream for longer than the quiet-CPU wait
    (in one full run more than 10 s), which left every step after it, the direct path's
    included, failing on CPUs it still occupied. Nothing after this step measures it."""
    for contestant in sorted(contestants, key=lambda c: c.name == "litellm"):
        for streams in ladder:
            log(f"capacity: {contestant.name} with {streams} streams")
            settle(f"capacity {streams}", contestant.name)
            held, rss, report = hold_streams(contestant, tools, "slow", streams, SLOW_TOKENS_PER_SECOND)
            rows["capacity"].append(dict(contestant=contestant.name, streams=streams, held=held,
                                         rss_peak_mb=rss, report=report))
            if not held:
                break
        if contestant.name == "litellm":
            log("capacity: stopping litellm (it takes no part in what follows)")
            contestant.stop()


def wide(contestants, tools, rows, settle):
    """WIDE_STREAMS streams at the idle pace (250 ms): as many open at once as the issue asks,
    at the chunk rate the load generator and upstream can keep up on their one core. LiteLLM,
    which holds none at 50 ms, is left out (it would take minutes to refuse)."""
    for contestant in contestants:
        if contestant.name == "litellm":
            continue
        log(f"wide: {contestant.name} with {WIDE_STREAMS} streams at a 250 ms pace")
        settle("wide", contestant.name)
        held, rss, report = hold_streams(contestant, tools, "idle", WIDE_STREAMS, IDLE_TOKENS_PER_SECOND)
        rows["wide"].append(dict(contestant=contestant.name, streams=WIDE_STREAMS, held=held,
                                 rss_peak_mb=rss, report=report))


def soak(contestants, tools, minutes, rows):
    for contestant in contestants:
        if contestant.process is None:
            continue
        peak = tools.wrk(contestant, 64, 3)["rps"]
        rate = peak / 2
        log(f"soak: {contestant.name} at {rate:.0f}/s (half of {peak:.0f}/s) for {minutes} min")
        end = time.monotonic() + minutes * 60
        series = [dict(t=0, rss_mb=contestant.process.rss_mb())]
        start = time.monotonic()
        while time.monotonic() < end:
            seconds = min(60, end - time.monotonic())
            if seconds < 1:
                break
            report = tools.rate(contestant, rate, seconds)
            series.append(dict(t=round(time.monotonic() - start), rss_mb=contestant.process.rss_mb(),
                               achieved=report["achieved"], p99_us=report["latency"]["p99"],
                               errors=report["errors"]))
            log(f"soak: {contestant.name} t={series[-1]['t']}s rss={series[-1]['rss_mb']:.1f} MiB "
                f"p99={series[-1]['p99_us']} µs")
        rows["soak"].append(dict(contestant=contestant.name, rate=rate, minutes=minutes, series=series))


def tool_versions(venv):
    def first_line(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            line = (out.stdout or out.stderr).strip().splitlines()[0]
            return line.split(" - ")[0].replace("HAProxy version ", "").replace("nginx version: ", "")
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return None
    return {
        "haproxy": first_line(["haproxy", "-v"]), "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "-v"]),
        "litellm": first_line([os.path.join(venv, "bin", "python"), "-c",
                               "import importlib.metadata as m; print(m.version('litellm'))"]),
        "kernel": platform.release(), "cpus": os.cpu_count(),
    }


def main():
    parser = argparse.ArgumentParser(prog="Benchmarks/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about 3 minutes: fewer rounds, shorter steps")
    parser.add_argument("--soak", action="store_true", help="soak mode: half the peak rate, RSS over time")
    parser.add_argument("--soak-minutes", type=float, default=30)
    parser.add_argument("--streams-only", action="store_true",
                        help="only the concurrent-streams figures (about 2 minutes): results in streams.json/md")
    parser.add_argument("--latency-only", action="store_true",
                        help="only the added latency at one request in flight (its median moves the most "
                             "between runs; use more --rounds)")
    parser.add_argument("--only", help="comma-separated contestants (direct is always included)")
    parser.add_argument("--rounds", type=int, help="override the profile's number of rounds")
    parser.add_argument("--gangway", required=True, help="release gangway binary")
    parser.add_argument("--loadgen", required=True, help="release gangway-loadgen binary")
    parser.add_argument("--venv", required=True, help="virtual environment with LiteLLM's proxy")
    parser.add_argument("--results", required=True, help="folder for latest.json and latest.md")
    args = parser.parse_args()
    for key in ("gangway", "loadgen", "venv", "results"):
        setattr(args, key, os.path.abspath(getattr(args, key)))

    profile = dict(PROFILES["quick" if args.quick else "full"])
    if args.rounds:
        profile["rounds"] = args.rounds
    wanted = {"haproxy", "nginx", "litellm", "gangway"} if not args.only else set(args.only.split(","))
    # SIGTERM (and Ctrl-C) unwind through the finally below, which stops every server started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    fd_limit = raise_fd_limit()
    work = tempfile.mkdtemp(prefix="gangway-bench-")
    os.makedirs(os.path.join(work, "nginx-tmp"))
    os.makedirs(args.results, exist_ok=True)
    log(f"work folder {work} (server logs), open-file limit {fd_limit}")

    started = time.monotonic()
    upstreams = Upstreams(work, args.gangway)
    contestants = [Direct(upstreams)]
    try:
        factories = [("haproxy", lambda: HAProxy(work, upstreams)), ("nginx", lambda: Nginx(work, upstreams)),
                     ("litellm", lambda: LiteLLM(work, upstreams, args.venv)),
                     ("gangway", lambda: Gangway(work, upstreams, args.gangway))]
        for name, factory in factories:
            if name in wanted:
                log(f"starting {name}")
                contestants.append(factory())
        tools = Tools(work, args.loadgen)
        for contestant in contestants:
            warm_up(tools, contestant)
        time.sleep(1)
        rows = {"latency": [], "wrk": [], "streams": [], "rate": [], "capacity": [], "wide": [], "soak": [],
                "rss_idle_mb": {c.name: c.process.rss_mb() for c in contestants if c.process}}
        settle = Settler([c.process for c in contestants] + upstreams.processes, rows)
        if args.soak:
            soak(contestants, tools, args.soak_minutes, rows)
            name = "soak"
        elif args.streams_only:
            capacity(contestants, tools, profile["capacity"], rows, settle)
            wide(contestants, tools, rows, settle)
            name = "streams"
        elif args.latency_only:
            for round_index in range(profile["rounds"]):
                latency_step(round_index, contestants, tools, profile, rows, settle)
            name = "latency"
        else:
            for round_index in range(profile["rounds"]):
                run_round(round_index, contestants, tools, profile, rows, settle)
            capacity(contestants, tools, profile["capacity"], rows, settle)
            wide(contestants, tools, rows, settle)
            # Long enough for Gangway to give a burst's freed heap back (two 10 s checks).
            time.sleep(IDLE_AGAIN_S)
            rows["rss_idle_after_mb"] = {c.name: c.process.rss_mb() for c in contestants
                                         if c.process and c.process.running}
            name = "latest"
    finally:
        for contestant in contestants:
            contestant.stop()
        upstreams.stop()

    meta = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                mode="soak" if args.soak else "streams" if args.streams_only else "latency" if args.latency_only
                else "quick" if args.quick else "full",
                profile=profile,
                seconds=round(time.monotonic() - started), tools=tool_versions(args.venv),
                pinning="proxy under test on CPU 0; load generator and upstreams on CPU 1",
                load=os.getloadavg())
    result = summarise(rows, meta)
    with open(os.path.join(args.results, f"{name}.json"), "w") as f:
        json.dump(result, f, indent=2)
    markdown = render_markdown(result)
    with open(os.path.join(args.results, f"{name}.md"), "w") as f:
        f.write(markdown)
    print(render_table(result))
    if os.environ.get("GANGWAY_BENCH_KEEP"):
        log(f"server logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    log(f"saved {args.results}/{name}.json and {name}.md")


if __name__ == "__main__":
    main()
