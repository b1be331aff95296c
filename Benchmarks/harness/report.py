"""Turns the raw rows of a run into figures (median, min, max over rounds), ratios to HAProxy
and LiteLLM, the issue's targets, a printed table and a Markdown summary."""
from stats import median, ratio, spread

# (key, label, unit, lower is better)
FIGURES = [
    ("latency_added_p50", "added latency p50, 1 in flight", "µs", True),
    ("latency_added_p99", "added latency p99, 1 in flight", "µs", True),
    ("rps_1", "throughput, 1 connection", "req/s", False),
    ("rps_16", "throughput, 16 connections", "req/s", False),
    ("rps_64", "throughput, 64 connections", "req/s", False),
    ("rps_256", "throughput, 256 connections", "req/s", False),
    ("rate_p99_1ms", "highest rate with p99 < 1 ms", "req/s", False),
    ("rate_p99_10ms", "highest rate with p99 < 10 ms", "req/s", False),
    ("cpu_us_per_request", "CPU per request (64 connections)", "µs", True),
    ("ttft_added_1", "added time to first token, 1 stream", "µs", True),
    ("ttft_added_256", "added time to first token, 256 streams", "µs", True),
    ("gap_added_1", "added gap per chunk (median stream), 1 stream", "µs", True),
    ("gap_added_256", "added gap per chunk (median stream), 256 streams", "µs", True),
    ("gap_p99_256", "gap per chunk p99, 256 streams (pace 20 ms)", "µs", True),
    ("stream_capacity", "stall-free streams at 50 ms pace", "streams", False),
    ("stream_capacity_rss_mb", "RSS at that many streams", "MiB", True),
    ("wide_streams", "streams held at 250 ms pace (chunk rate of 1,000 at 50 ms)", "streams", False),
    ("wide_streams_rss_mb", "RSS at those streams", "MiB", True),
    ("rss_idle_mb", "RSS idle", "MiB", True),
    ("rss_load_mb", "RSS under load (256 connections)", "MiB", True),
    ("rss_idle_after_load_mb", "RSS idle again, 30 s after the last streams", "MiB", True),
]


def summarise(rows, meta):
    names = []
    for row in rows["wrk"] or rows["soak"] or rows["capacity"]:
        if row["contestant"] not in names:
            names.append(row["contestant"])
    if not names and rows["latency"]:  # a latency-only run
        names = [name for name in rows["latency"][0] if "/" not in name]
    figures = {name: {} for name in names}

    for name in names:
        if name != "direct":
            added = {"p50": [], "p99": []}
            for r in rows["latency"]:
                for p in added:
                    # The direct requests interleaved with this proxy's (older results: the one cycle).
                    added[p].append(r[name][p] - r.get(f"direct/{name}", r["direct"])[p])
            figures[name]["latency_added_p50"] = spread(added["p50"])
            figures[name]["latency_added_p99"] = spread(added["p99"])
        figures[name]["latency_p50"] = spread([r[name]["p50"] for r in rows["latency"]])
        figures[name]["latency_p99"] = spread([r[name]["p99"] for r in rows["latency"]])
        for c in {r["connections"] for r in rows["wrk"]}:
            mine = [r for r in rows["wrk"] if r["contestant"] == name and r["connections"] == c]
            figures[name][f"rps_{c}"] = spread([r["rps"] for r in mine])
            figures[name][f"errors_{c}"] = sum(r["errors"] for r in mine)
            if c == 64:
                figures[name]["cpu_us_per_request"] = spread([r["cpu_us_per_request"] for r in mine])
            if c == 256:
                figures[name]["rss_load_mb"] = spread([r["rss_peak_mb"] for r in mine])
        rates = [r for r in rows["rate"] if r["contestant"] == name]
        figures[name]["rate_p99_1ms"] = spread([r["under_1ms"] for r in rates])
        figures[name]["rate_p99_10ms"] = spread([r["under_10ms"] for r in rates])
        for c in {r["concurrency"] for r in rows["streams"]}:
            mine = {r["round"]: r["report"] for r in rows["streams"] if r["contestant"] == name and r["concurrency"] == c}
            direct = {r["round"]: r["report"] for r in rows["streams"] if r["contestant"] == "direct"
                      and r["concurrency"] == c}
            figures[name][f"ttft_p50_{c}"] = spread([m["ttft"]["p50"] for m in mine.values()])
            figures[name][f"gap_p50_{c}"] = spread([m["interval"]["p50"] for m in mine.values()])
            figures[name][f"gap_p99_{c}"] = spread([m["gap"]["p99"] for m in mine.values()])
            figures[name][f"stream_failures_{c}"] = sum(m["failed"] + m["stalled"] for m in mine.values())
            if name != "direct":
                figures[name][f"ttft_added_{c}"] = spread(
                    [m["ttft"]["p50"] - direct[k]["ttft"]["p50"] for k, m in mine.items()
                     if k in direct and m["ttft"]["p50"] is not None])
                figures[name][f"gap_added_{c}"] = spread(
                    [m["interval"]["p50"] - direct[k]["interval"]["p50"] for k, m in mine.items()
                     if k in direct and m["interval"]["p50"] is not None and direct[k]["interval"]["p50"] is not None])
        steps = [r for r in rows["capacity"] if r["contestant"] == name]
        held = [r for r in steps if r["held"]]
        if steps:
            figures[name]["stream_capacity"] = max((r["streams"] for r in held), default=0)
            best = max(held, key=lambda r: r["streams"]) if held else None
            figures[name]["stream_capacity_rss_mb"] = best["rss_peak_mb"] if best else None
        for run in rows.get("wide", []):
            if run["contestant"] == name:
                figures[name]["wide_streams"] = run["streams"] if run["held"] else 0
                figures[name]["wide_streams_rss_mb"] = run["rss_peak_mb"] if run["held"] else None
        if name in rows.get("rss_idle_mb", {}):
            figures[name]["rss_idle_mb"] = rows["rss_idle_mb"][name]
        if name in rows.get("rss_idle_after_mb", {}):
            figures[name]["rss_idle_after_load_mb"] = rows["rss_idle_after_mb"][name]

    ratios = {}
    if "gangway" in figures:
        for other in ("haproxy", "litellm", "nginx"):
            if other in figures:
                ratios[f"gangway/{other}"] = {key: ratio(figures["gangway"].get(key), figures[other].get(key))
                                              for key, *_ in FIGURES}
    soak = {}
    for run in rows.get("soak", []):
        series = run["series"]
        # RSS growth is judged after the first slice, once pools and caches have filled.
        settled = series[1]["rss_mb"] if len(series) > 1 else series[0]["rss_mb"]
        soak[run["contestant"]] = dict(
            rate=run["rate"], minutes=run["minutes"], rss_start_mb=series[0]["rss_mb"], rss_settled_mb=settled,
            rss_end_mb=series[-1]["rss_mb"], rss_max_mb=max(x["rss_mb"] for x in series),
            growth_after_first_slice_mb=series[-1]["rss_mb"] - settled,
            p99_us=[x.get("p99_us") for x in series[1:]], errors=sum(x.get("errors", 0) for x in series[1:]))
    return dict(meta=meta, figures=figures, ratios=ratios, targets=targets(figures), soak=soak, raw=rows)


def targets(f):
    """The issue's targets, each with the two numbers it compares."""
    g, h, lite = f.get("gangway"), f.get("haproxy"), f.get("litellm")
    if not g:
        return []
    out = []

    def check(name, value, goal, ok):
        out.append(dict(target=name, value=value, goal=goal,
                        met=None if value is None or goal is None else bool(ok(value, goal))))

    le = lambda v, goal: v <= goal  # noqa: E731
    ge = lambda v, goal: v >= goal  # noqa: E731
    m = lambda figs, key: median(figs.get(key)) if figs and figs.get(key) is not None else None  # noqa: E731
    if h:
        check("added latency p50 <= HAProxy's (µs)", m(g, "latency_added_p50"), m(h, "latency_added_p50"), le)
        check("added latency p99 <= HAProxy's (µs)", m(g, "latency_added_p99"), m(h, "latency_added_p99"), le)
        hr = m(h, "rps_64")
        check("throughput at 64 connections >= 0.7 x HAProxy's", m(g, "rps_64"), hr and 0.7 * hr, ge)
        hc = m(h, "cpu_us_per_request")
        check("CPU per request <= 2 x HAProxy's (µs)", m(g, "cpu_us_per_request"), hc and 2 * hc, le)
        for c in (1, 256):
            ht = m(h, f"ttft_added_{c}")
            check(f"added time to first token, {c} stream(s) <= HAProxy's + 50 µs", m(g, f"ttft_added_{c}"),
                  None if ht is None else ht + 50, le)
    if lite:
        lr = m(lite, "rps_64")
        check("throughput at 64 connections >= 20 x LiteLLM's", m(g, "rps_64"), lr and 20 * lr, ge)
    for c in (1, 256):
        check(f"added gap per chunk, {c} stream(s) <= 5 µs", m(g, f"gap_added_{c}"), 5, le)
    d = f.get("direct")
    if g.get("stream_capacity") is not None and d and d.get("stream_capacity") is not None \
            and d["stream_capacity"] < 5000:
        note = f"not measurable here: upstream and load generator alone hold {d['stream_capacity']} on one core"
        if g.get("wide_streams"):
            note += (f"; at a 250 ms pace Gangway held {g['wide_streams']:,} streams at "
                     f"{g.get('wide_streams_rss_mb') or 0:.0f} MiB")
        out.append(dict(target=">= 5000 stall-free streams at 50 ms pace", value=g["stream_capacity"], goal=5000,
                        met=None, note=note))
    elif g.get("stream_capacity") is not None:
        check(">= 5000 stall-free streams at 50 ms pace", g["stream_capacity"], 5000, ge)
        check("RSS at those streams <= 512 MiB", g.get("stream_capacity_rss_mb"), 512, le)
    return out


def cell(figure, unit):
    if figure is None:
        return "n/a"
    if isinstance(figure, dict):
        v, lo, hi = figure["median"], figure["min"], figure["max"]
        if lo == hi:
            return fmt(v, unit)
        return f"{fmt(v, unit)} ({fmt(lo, unit)}–{fmt(hi, unit)})"
    return fmt(figure, unit)


def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit in ("req/s", "streams"):
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def rows_for(result):
    figures, ratios = result["figures"], result["ratios"]
    names = list(figures)
    header = ["figure"] + names + [k for k in ratios]
    lines = []
    for key, label, unit, _ in FIGURES:
        if not any(figures[n].get(key) is not None for n in names):
            continue
        line = [f"{label} ({unit})"] + [cell(figures[n].get(key), unit) for n in names]
        for k in ratios:
            r = ratios[k].get(key)
            line.append("n/a" if r is None else f"{r:.2f}×")
        lines.append(line)
    return header, lines


def render_table(result):
    header, lines = rows_for(result)
    widths = [max(len(str(row[i])) for row in [header] + lines) for i in range(len(header))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in lines]
    out.append("")
    for t in result["targets"]:
        if result["meta"]["mode"] == "streams" and "streams" not in t["target"]:
            continue  # the other figures were not measured in this mode
        state = {True: "MET ", False: "MISS", None: "n/a "}[t["met"]]
        note = f" ({t['note']})" if t.get("note") else ""
        out.append(f"{state} {t['target']}: {fmt(t['value'], '')} vs {fmt(t['goal'], '')}{note}")
    for name, run in result.get("soak", {}).items():
        out.append(f"soak {name}: {run['rate']:.0f} req/s for {run['minutes']} min; RSS {run['rss_start_mb']:.1f} MiB "
                   f"at start, {run['rss_settled_mb']:.1f} after the first slice, {run['rss_end_mb']:.1f} at the end "
                   f"(max {run['rss_max_mb']:.1f}); growth after the first slice "
                   f"{run['growth_after_first_slice_mb']:+.1f} MiB; errors {run['errors']}; p99 per slice (µs) "
                   f"{[round(p) for p in run['p99_us'] if p is not None]}")
    meta = result["meta"]
    out.append(f"\n{meta['mode']} run, {meta['profile']['rounds']} rounds, {meta['seconds']} s; "
               f"median (min–max); {meta['pinning']}; load average at the end {meta['load'][0]:.2f}")
    return "\n".join(out)


def render_markdown(result):
    header, lines = rows_for(result)
    meta = result["meta"]
    out = [f"Figures from one `Benchmarks/run` ({meta['mode']}, {meta['date']}, {meta['profile']['rounds']} rounds, "
           f"median with min–max; {meta['pinning']}). Tools: "
           + ", ".join(f"{k} {v}" for k, v in meta["tools"].items() if v) + ".", ""]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    out += ["| " + " | ".join(row) + " |" for row in lines]
    if meta["mode"] not in ("soak", "streams"):
        out += ["", "| target | Gangway | goal | met |", "|---|---|---|---|"]
        for t in result["targets"]:
            met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
            if t.get("note"):
                met += f": {t['note']}"
            out.append(f"| {t['target']} | {fmt(t['value'], '')} | {fmt(t['goal'], '')} | {met} |")
    soak_series = {run["contestant"]: run["series"] for run in result["raw"].get("soak", [])}
    for name, run in result.get("soak", {}).items():
        out += ["", f"Soak, {name}: {run['rate']:.0f} req/s (half the closed-loop peak at 64 connections) for "
                f"{run['minutes']:g} min, open loop; RSS {run['rss_start_mb']:.1f} MiB at start, "
                f"{run['rss_settled_mb']:.1f} after the first slice, {run['rss_end_mb']:.1f} at the end (max "
                f"{run['rss_max_mb']:.1f}): growth after the first slice {run['growth_after_first_slice_mb']:+.1f} MiB; "
                f"{run['errors']} errors.", "",
                "| t (s) | RSS (MiB) | achieved (req/s) | p99 (µs) | errors |", "|---|---|---|---|---|"]
        for point in soak_series.get(name, []):
            out.append(f"| {point['t']} | {point['rss_mb']:.1f} | {fmt(point.get('achieved'), '')} | "
                       f"{fmt(point.get('p99_us'), '')} | {point.get('errors', '')} |")
    return "\n".join(out) + "\n"
