"""The cell values of a report and how several of them combine into one."""

PASS = "pass"
FAIL = "fail"
EXPECTED_FAIL = "expected-fail"
UNEXPECTED_PASS = "unexpected-pass"
SKIP = "skip"
OBSERVED = "observed"
NOT_RUN = "not-run"

# The order of the totals columns everywhere (terminal, Markdown, HTML).
ALL = (PASS, FAIL, EXPECTED_FAIL, UNEXPECTED_PASS, SKIP, OBSERVED)
COUNTED = ALL + (NOT_RUN,)

# Outcomes that make ci/validate fail.
UNEXPECTED = (FAIL, UNEXPECTED_PASS)

# When several tests check one rule, the rule takes the most severe outcome:
# one failing test fails the rule, and a rule is only skipped when every
# test of it was.
_SEVERITY = {FAIL: 5, UNEXPECTED_PASS: 4, EXPECTED_FAIL: 3, PASS: 2, OBSERVED: 2, SKIP: 1}


def worst(outcomes):
    return max(outcomes, key=lambda o: _SEVERITY[o])


LABELS = {
    PASS: "pass",
    FAIL: "FAIL",
    EXPECTED_FAIL: "expected fail",
    UNEXPECTED_PASS: "UNEXPECTED PASS",
    SKIP: "skip",
    OBSERVED: "observed",
    NOT_RUN: "not run",
}
