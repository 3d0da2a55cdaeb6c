"""A target's ratio, measured in interleaved pairs of runs: the median of
the pairs' ratios, a distribution-free interval for it, and how many pairs
to take.

One run of a server on this project's 2-core machine moves by a tenth to a
quarter from the next, as the scheduler places the server, its child and
the client's threads on the cores: a ratio of two medians of 5 runs each
ranged from x0.90 to x1.00 over six runs of the benchmark whose median was
x0.92, and bulk's from x0.81 to x1.10 (docs/performance.md). A pair runs
the two servers one right after the other, so what moves the machine for
longer than a run moves both; and the pairs go on while the interval still
holds the target, so that the verdict is the servers', not the noise's.
"""

import math
import statistics

CONFIDENCE = 0.95


def median_interval(values, confidence=CONFIDENCE):
    """(low, high): the k-th smallest and k-th largest of `values`, for the
    largest k that brackets the median of what they are drawn from with at
    least `confidence`, whatever its distribution (the sign test's
    interval: the count of values below the median is binomial, n and 1/2).
    None below 6 values, where no k does at 95 %."""
    n = len(values)
    tail = (1 - confidence) / 2
    below = 0.0  # P(fewer than k of the n values lie below the median)
    k = 0
    while k < n // 2:
        p = math.comb(n, k) / 2 ** n
        if below + p > tail:
            break
        below += p
        k += 1
    if k == 0:
        return None
    ordered = sorted(values)
    return ordered[k - 1], ordered[n - k]


class PairedRatio:
    """Ratios of server A's figure to server B's, one per pair of runs."""

    def __init__(self, target, at_least, at_most):
        self.target = target
        self.at_least = at_least  # pairs before any verdict
        self.at_most = at_most  # pairs attempted at most
        self.ratios = []
        self.attempts = 0

    def add(self, a, b):
        """One pair's figures; a pair with a failed run is counted as an
        attempt and left out."""
        self.attempts += 1
        if a is not None and b:
            self.ratios.append(a / b)

    def median(self):
        return statistics.median(self.ratios) if self.ratios else None

    def interval(self):
        return median_interval(self.ratios)

    def decided(self):
        """True once the interval lies wholly on one side of the target."""
        interval = self.interval()
        return interval is not None and (interval[0] >= self.target or interval[1] < self.target)

    def wants_more(self):
        if self.attempts >= self.at_most:
            return False
        return len(self.ratios) < self.at_least or not self.decided()

    def met(self):
        median = self.median()
        return None if median is None else median >= self.target

    def as_json(self):
        interval = self.interval()
        return {"target": self.target, "median": self.median(), "ratios": self.ratios,
                "pairs": len(self.ratios), "attempts": self.attempts,
                "interval": list(interval) if interval else None,
                "confidence": CONFIDENCE, "decided": self.decided(), "met": self.met()}
