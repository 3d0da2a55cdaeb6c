"""Reads meson-logs/testlog.json: JSON lines, one object per test, as
written by `meson test` from Meson 0.56 to 1.x."""

import json
import os
from dataclasses import dataclass
from typing import Optional

from .errors import InputError

# Suites this project registers; the first of them a test belongs to
# decides how its output is read.
KNOWN_SUITES = ("conformance", "e2e", "stress", "selfcheck", "unit", "harness")
BAD_RESULTS = ("FAIL", "ERROR", "TIMEOUT", "INTERRUPT", "UNEXPECTEDPASS")


@dataclass
class MesonTest:
    name: str  # the test's own name, without project and suite
    suite: str
    result: str  # OK, FAIL, SKIP, TIMEOUT, ERROR, EXPECTEDFAIL, ...
    returncode: Optional[int]
    stdout: str
    stderr: str
    starttime: float
    duration: Optional[float] = None

    @property
    def bad(self):
        return self.result in BAD_RESULTS


def split_name(full_name, suite_field=None):
    """'procsig:e2e / fork.bats' gives ('fork.bats', 'e2e'). Meson prefixes
    project and suites only when the build has several suites, so a bare
    name has suite ''. A 'suite' field, when a Meson version writes one,
    wins over the prefix."""
    name, suites = full_name, []
    if " / " in full_name:
        prefix, name = full_name.split(" / ", 1)
        suites = prefix.split(":", 1)[-1].split("+")
    if suite_field:
        listed = [suite_field] if isinstance(suite_field, str) else list(suite_field)
        suites = [s.split(":", 1)[-1] for s in listed]
    for s in suites:
        if s in KNOWN_SUITES:
            return name, s
    return name, suites[0] if suites else ""


def read(path):
    """Returns the MesonTest of every line of the testlog at path."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except FileNotFoundError:
        raise InputError(path, "no such file (did `meson test` run in this build directory?)")
    except OSError as e:
        raise InputError(path, e.strerror)
    tests = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            name, suite = split_name(obj["name"], obj.get("suite"))
            tests.append(
                MesonTest(
                    name=name,
                    suite=suite,
                    result=str(obj["result"]),
                    returncode=obj.get("returncode"),
                    stdout=obj.get("stdout") or "",
                    stderr=obj.get("stderr") or "",
                    starttime=float(obj.get("starttime") or 0),
                    duration=float(obj["duration"]) if obj.get("duration") is not None else None,
                )
            )
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            raise InputError(path, f"line {number}: not a Meson test log entry ({e})")
    return tests


def from_tap_file(suite, path):
    """One test of suite read from a file of TAP that a runner wrote without
    Meson (the installed procsig, a guest): named after the file, OK unless
    a test failed or the file holds no plan (the runner died early)."""
    from . import tap

    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    planned = any(line.startswith("1..") for line in text.splitlines())
    failed = any(not t.ok and not t.directive for t in tap.parse(text))
    name = os.path.splitext(os.path.basename(path))[0]
    result = "ERROR" if not planned else "FAIL" if failed else "OK"
    return MesonTest(name=name, suite=suite, result=result, returncode=None, stdout=text,
                     stderr="" if planned else f"{path}: no TAP plan (the runner ended early)",
                     starttime=os.path.getmtime(path))
