"""Medians with min and max over rounds, and ratios between contestants."""
import statistics


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def median(figure):
    return figure["median"] if isinstance(figure, dict) else figure


def ratio(a, b):
    a, b = median(a), median(b)
    if a is None or b is None or b == 0:
        return None
    return a / b


def bisect_rate(measure, hi, threshold_us, steps):
    """The highest rate (requests/s) in (0, hi] whose p99 stays under threshold_us, by
    bisection; `measure(rate)` returns a loadgen rate report. 0 when even hi/2^steps fails."""
    lo, best = 0.0, 0.0
    for _ in range(steps):
        mid = (lo + hi) / 2
        report = measure(mid)
        p99 = report["latency"]["p99"]
        ok = (not report["saturated"] and report["errors"] == 0 and p99 is not None and p99 < threshold_us
              and report["achieved"] >= 0.95 * mid)
        if ok:
            lo, best = mid, mid
        else:
            hi = mid
    return best
