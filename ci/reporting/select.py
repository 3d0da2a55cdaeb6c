"""Choosing rows by ID: --only's comma-separated globs, and what each
suite's runner needs to run just those (a gtest filter for the
conformance binary, a `bats --filter` regex for the e2e and stress files)."""

import fnmatch
import re

from . import outcomes as O


def patterns(only):
    """'C.FORK.*, WAIT.*' gives ['C.FORK.*', 'WAIT.*']."""
    return [p.strip() for p in (only or "").split(",") if p.strip()]


def matches(rid, globs):
    return any(fnmatch.fnmatchcase(rid, g) for g in globs)


def chosen(rows, globs):
    """The rows (catalogue or results) whose ID one of globs matches; all
    of them when there is no glob."""
    return [r for r in rows if not globs or matches(r["id"], globs)]


def gtest_filter(assertions, globs):
    """A --gtest_filter / GTEST_FILTER value running exactly the assertions
    globs match ('-*' when none does: gtest then runs nothing). A value-
    parameterised instance is Prefix/Suite.Name/N, hence the second form."""
    names = []
    for a in chosen(assertions, globs):
        test = a.get("test")
        if test:
            names += [test, f"*/{test}/*"]
    return ":".join(names) if names else "-*"


def _glob_regex(glob):
    """A glob over IDs as an extended regular expression (bash's =~)."""
    out = []
    for c in glob:
        if c == "*":
            out.append("[^: ]*")
        elif c == "?":
            out.append("[^: ]")
        elif c.isalnum() or c == "_":
            out.append(c)
        else:
            out.append("\\" + c)
    return "".join(out)


def bats_filter(globs):
    """A `bats --filter` regex picking the tests whose names start with a
    matching rule ID ('C.FORK.LINES: ...')."""
    return "^(" + "|".join(_glob_regex(g) for g in globs) + ")(:| |$)"


def failed_ids(runs):
    """IDs of every failure and unexpected pass in runs, as --only patterns.
    A row for a whole Meson test ('e2e/e2e-fork') stands for no ID."""
    ids = []
    for r in runs:
        for res in r["results"]:
            if res["outcome"] in O.UNEXPECTED and "/" not in res["id"]:
                ids.append(res["id"])
    return list(dict.fromkeys(ids))
