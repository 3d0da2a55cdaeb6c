"""ci/bench/lib/paired.py: the interval a target's ratio is judged by, and
when the benchmark stops taking pairs of runs."""

import os
import random
import statistics
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench",
                                "lib"))

import paired  # noqa: E402
import report  # noqa: E402


class MedianInterval(unittest.TestCase):
    def test_order_statistics_of_the_sign_test(self):
        # n = 15: P(B <= 3) = 0.018 and P(B <= 4) = 0.059 for B ~ Bin(15, 1/2),
        # so the 95% interval runs from the 4th smallest to the 4th largest.
        self.assertEqual(paired.median_interval(list(range(1, 16))), (4, 12))
        self.assertEqual(paired.median_interval([5, 1, 4, 2, 6, 3]), (1, 6))

    def test_too_few_values_give_no_interval(self):
        # n = 5: even the extremes miss the median with probability 1/16.
        self.assertIsNone(paired.median_interval([1, 2, 3, 4, 5]))
        self.assertIsNone(paired.median_interval([]))

    def test_holds_the_median_of_a_skewed_population_at_least_95_percent(self):
        rng = random.Random(17)
        true_median = 1.0  # of lognormvariate(0, s), whatever s
        held = 0
        trials = 2000
        for _ in range(trials):
            values = [rng.lognormvariate(0, 0.3) for _ in range(23)]
            low, high = paired.median_interval(values)
            held += low <= true_median <= high
        self.assertGreaterEqual(held / trials, 0.95)


class PairedRatioStops(unittest.TestCase):
    def take(self, ratio, values):
        for v in values:
            if not ratio.wants_more():
                break
            ratio.add(v, 1.0)
        return ratio

    def test_stops_at_the_least_once_the_target_is_clear(self):
        r = self.take(paired.PairedRatio(0.9, 15, 45), [1.0 + 0.01 * (i % 3) for i in range(100)])
        self.assertEqual(len(r.ratios), 15)
        self.assertTrue(r.decided())
        self.assertTrue(r.met())

    def test_goes_on_to_the_most_while_the_interval_holds_the_target(self):
        r = self.take(paired.PairedRatio(0.9, 15, 45), [0.85, 0.95] * 50)
        self.assertEqual(r.attempts, 45)
        self.assertFalse(r.decided())

    def test_a_clear_miss_is_decided_and_not_met(self):
        r = self.take(paired.PairedRatio(0.9, 15, 45), [0.80, 0.82, 0.84] * 10)
        self.assertEqual(len(r.ratios), 15)
        self.assertTrue(r.decided())
        self.assertFalse(r.met())

    def test_a_failed_run_is_an_attempt_and_no_ratio(self):
        r = paired.PairedRatio(0.9, 2, 3)
        r.add(None, 1.0)
        r.add(1.0, None)
        r.add(0.95, 1.0)
        self.assertEqual((r.attempts, r.ratios), (3, [0.95]))
        self.assertFalse(r.wants_more())

    def test_the_median_is_of_the_pairs_ratios(self):
        r = paired.PairedRatio(0.9, 1, 1)
        for a, b in ((90, 100), (300, 300), (50, 40)):
            r.ratios.append(a / b)
        self.assertEqual(r.median(), statistics.median([0.9, 1.0, 1.25]))


class JudgedText(unittest.TestCase):
    def test_says_how_many_pairs_and_the_interval(self):
        r = paired.PairedRatio(0.9, 15, 45)
        for v in [0.93 + 0.001 * i for i in range(15)]:
            r.add(v, 1.0)
        self.assertEqual(report.judged_text(r.as_json(), "with 1 client"),
                         "×0.937 with 1 client (median of 15 pairs of runs; "
                         "95% interval ×0.933-0.941)")

    def test_says_undecided_when_the_pairs_ran_out(self):
        r = paired.PairedRatio(0.9, 15, 20)
        for v in [0.85, 0.95] * 10:
            r.add(v, 1.0)
        self.assertIn("which holds the target: undecided", report.judged_text(r.as_json()))


if __name__ == "__main__":
    unittest.main()
