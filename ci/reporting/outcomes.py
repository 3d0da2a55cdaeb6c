"""The cell values of a report and how several of them combine into one."""

PASS = "pass"
FAIL = "fail"
EXPECTED_FAIL = "expected-fail"
UNEXPECTED_PASS = "unexpected-pass"
# Listed as failing in only some runs on the target (an intermittent row of
# an expectations file): the result's this_run says "pass" or "fail".
INTERMITTENT = "intermittent"
SKIP = "skip"
OBSERVED = "observed"
# An extension rule the implementation does not claim (docs/LEVELS): its
# tests skipped with the reason 'not claimed: <claim>'. Never a failure.
NOT_CLAIMED = "not-claimed"
NOT_RUN = "not-run"

# The order of the totals columns everywhere (terminal, Markdown, HTML).
ALL = (PASS, FAIL, EXPECTED_FAIL, UNEXPECTED_PASS, INTERMITTENT, SKIP, NOT_CLAIMED, OBSERVED)
COUNTED = ALL + (NOT_RUN,)

# Outcomes that make ci/validate fail.
UNEXPECTED = (FAIL, UNEXPECTED_PASS)

# When several tests check one rule, the rule takes the most severe outcome:
# one failing test fails the rule, and a rule is only skipped when every
# test of it was.
_SEVERITY = {FAIL: 6, UNEXPECTED_PASS: 5, EXPECTED_FAIL: 4, INTERMITTENT: 3, PASS: 2, OBSERVED: 2,
             SKIP: 1, NOT_CLAIMED: 0}


def worst(outcomes):
    return max(outcomes, key=lambda o: _SEVERITY[o])


LABELS = {
    PASS: "pass",
    FAIL: "FAIL",
    EXPECTED_FAIL: "expected fail",
    UNEXPECTED_PASS: "UNEXPECTED PASS",
    INTERMITTENT: "intermittent",
    SKIP: "skip",
    NOT_CLAIMED: "not claimed",
    OBSERVED: "observed",
    NOT_RUN: "not run",
}


# What each outcome means, for the report's legend.
MEANINGS = {
    PASS: "the test ran and the rule held",
    FAIL: "the test ran and the rule did not hold",
    EXPECTED_FAIL: "failed, as the expectations file says it does (with its reason)",
    UNEXPECTED_PASS: "passed although the expectations file says it fails: update the file",
    INTERMITTENT: "listed as failing in only some runs on this target: this run's result is "
                  "shown, and counted neither as a pass nor as a failure",
    SKIP: "the test did not run (its reason says why: a missing program, tool or privilege)",
    NOT_CLAIMED: "an extension the implementation does not claim: not run, not a failure",
    OBSERVED: "a characterisation: the platform's behaviour is recorded, not judged; "
              "the cell shows what was seen",
    NOT_RUN: "no test result for this row in this run",
}
