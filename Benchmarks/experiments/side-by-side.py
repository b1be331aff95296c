"""Side-by-side rig: direct, HAProxy and extra proxies on CPU 0, one request in flight, each proxy
measured alternately with direct (one proxy at a time, like Benchmarks/run), N rounds.
usage: rig.py GANGWAY LOADGEN ROUNDS SECONDS name=cmd-with-{port}-{upstream}... [gangway=BIN ...]"""
import json, os, statistics, sys, tempfile, time
sys.path.insert(0, "/work/main/Benchmarks/harness")
from contestants import Upstreams, HAProxy, Gangway, Contestant, PROXY_CPU
from processes import Process, free_port, wait_for_port
from measure import Tools

gangway, loadgen, rounds, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
work = tempfile.mkdtemp(prefix="rig-")
os.makedirs(f"{work}/nginx-tmp", exist_ok=True)
up = Upstreams(work, gangway)
contestants = [] if os.environ.get("RIG_NO_HAPROXY") else [HAProxy(work, up)]


class Custom(Contestant):
    def __init__(self, name, argv):
        super().__init__()
        self.name = name
        port = free_port()
        argv = [a.replace("{port}", str(port)).replace("{upstream}", str(up.ports["chat"])) for a in argv]
        self.process = Process(name, argv, PROXY_CPU, f"{work}/{name}.log")
        wait_for_port(port, 30, self.process.popen)
        self.urls = {r: f"http://127.0.0.1:{port}/v1/chat/completions" for r in ("chat",)}


class GangwayNamed(Gangway):
    def __init__(self, name, binary, wire_port=None):
        os.makedirs(f"{work}/{name}", exist_ok=True)
        if wire_port:
            os.environ["GANGWAY_WIRE_EXPERIMENT_PORT"] = str(wire_port)
        super().__init__(f"{work}/{name}", up, binary)
        os.environ.pop("GANGWAY_WIRE_EXPERIMENT_PORT", None)
        self.name = name


class Alias(Contestant):
    def __init__(self, name, of, port):
        super().__init__()
        self.name = name
        self.headers = of.headers
        self.urls = {r: u.replace(u.split("/")[2], f"127.0.0.1:{port}") for r, u in of.urls.items()}


extra_stop = []
for spec in sys.argv[5:]:
    name, rest = spec.split("=", 1)
    if name.startswith("wire"):
        port = free_port()
        g = GangwayNamed(name + "-nio", rest, port)
        a = Alias(name, g, port)
        a.process = g.process
        g.stop = lambda: None
        contestants += [a]
        extra_stop.append(g.process)
    elif name.startswith("both"):
        port = free_port()
        g = GangwayNamed("gangway", rest, port)
        a = Alias("wire", g, port)
        a.process = g.process
        contestants += [g, a]
    elif name.startswith("gangway"):
        contestants.append(GangwayNamed(name, rest))
    else:
        contestants.append(Custom(name, rest.split()))

from contestants import Direct
direct = Direct(up)
tools = Tools(work, loadgen)
added = {c.name: {"p50": [], "p99": [], "cpu": []} for c in contestants}
try:
    for r in range(rounds):
        order = contestants[r % len(contestants):] + contestants[:r % len(contestants)]
        for c in order:
            cpu0 = c.process.cpu_seconds() if c.process else 0
            res = tools.latency([direct, c], seconds)
            if c.process:
                added[c.name]["cpu"].append((c.process.cpu_seconds() - cpu0) / res[c.name]["count"] * 1e6)
            for p in ("p50", "p99"):
                added[c.name][p].append(res[c.name][p] - res["direct"][p])
        print(f"round {r+1}: " + ", ".join(f"{c.name} {added[c.name]['p50'][-1]:.1f}/{added[c.name]['p99'][-1]:.1f}" for c in contestants), flush=True)
    print("median added p50/p99 (us), CPU us per request:")
    base_name = os.environ.get("RIG_BASE", "haproxy")
    base = added[base_name]
    for c in contestants:
        a = added[c.name]
        d50 = [x - y for x, y in zip(a["p50"], base["p50"])]
        d99 = [x - y for x, y in zip(a["p99"], base["p99"])]
        print(f"  {c.name:10s} p50 {statistics.median(a['p50']):7.1f} [{min(a['p50']):.1f}..{max(a['p50']):.1f}]  p99 {statistics.median(a['p99']):7.1f}"
              f"   minus {base_name} per round: p50 {statistics.median(d50):+.1f} (lower in {sum(d < 0 for d in d50)}/{len(d50)}), p99 {statistics.median(d99):+.1f} (lower in {sum(d < 0 for d in d99)}/{len(d99)})  cpu {statistics.median(a['cpu']) if a['cpu'] else 0:.1f}")
finally:
    for c in contestants:
        c.stop()
    up.stop()
    for p in extra_stop:
        p.stop()
