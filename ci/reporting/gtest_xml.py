"""Reads the gtest XML of the conformance suite: one result per test case,
keyed by the test's `assertion` property (see docs/developing.md)."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Optional

from . import outcomes as O
from .errors import InputError

# Attributes gtest itself puts on <testcase>; any other attribute is a
# property written the pre-1.8.1 way.
_STANDARD_ATTRS = {"name", "status", "result", "time", "timestamp", "classname", "file", "line",
                   "value_param", "type_param"}
_LOCATION = re.compile(r"^\S+:\d+$")


@dataclass
class Case:
    id: str
    clause: str
    description: str
    kind: str
    outcome: str
    message: str
    observed: str
    where: str = ""  # the source file and line of the first failure
    duration: Optional[float] = None
    this_run: str = ""  # an intermittent row's result in this run: "pass" or "fail"


def clean_message(text):
    """Drops gtest's 'file:line' lines, which say where, not what, and the
    bare 'Failed' that FAIL() and ADD_FAILURE() put before their message."""
    lines = [ln.rstrip() for ln in (text or "").strip().splitlines()]
    lines = [ln for ln in lines if not _LOCATION.match(ln.strip())]
    if len(lines) > 1 and lines[0].strip() == "Failed":
        lines = lines[1:]
    return "\n".join(lines).strip()


def _properties(case):
    props = {k: v for k, v in case.attrib.items() if k not in _STANDARD_ATTRS}
    for p in case.iter("property"):
        if p.get("name"):
            props[p.get("name")] = p.get("value", "")
    return props


def _seconds(value):
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _case(case):
    props = _properties(case)
    name = f"{case.get('classname', '')}.{case.get('name', '')}"
    failures = [f for f in case if f.tag in ("failure", "error")]
    skipped = case.find("skipped")
    message = "\n".join(clean_message(f.get("message") or f.text) for f in failures)
    where = ""
    for f in failures:
        located = [ln.strip() for ln in (f.get("message") or f.text or "").splitlines()
                   if _LOCATION.match(ln.strip())]
        if located:
            where = located[0]
            break
    if failures:
        raw = O.FAIL
    elif skipped is not None or case.get("result") == "skipped":
        raw = O.SKIP
        if skipped is not None:
            message = clean_message(skipped.get("message") or skipped.text)
    else:
        raw = O.PASS
    observed = props.get("observed", "")
    outcome = props.get("outcome", "")
    if outcome not in O.ALL:
        outcome = raw
        if raw == O.PASS and (observed or props.get("kind", "").startswith("charac")):
            outcome = O.OBSERVED
    elif raw == O.FAIL and outcome in (O.PASS, O.OBSERVED):
        # A test that failed after declaring itself fine has failed; an
        # expected-fail is the suite's own verdict on a failure and stands.
        outcome = O.FAIL
    this_run = ""
    if outcome == O.INTERMITTENT:
        # The suite says which (property this_run); an older writer's skip
        # is its failure.
        this_run = props.get("this_run") or ("fail" if raw != O.PASS else "pass")
        if this_run == "pass" and raw == O.FAIL:
            # The listed body passed and something after it (the fixture's
            # leak check) failed: that failure is not the listed one.
            outcome, this_run = O.FAIL, ""
    return Case(
        id=props.get("assertion") or name,
        clause=props.get("clause", ""),
        description=props.get("description", ""),
        kind=props.get("kind", ""),
        outcome=outcome,
        message=message,
        observed=observed,
        where=where,
        duration=_seconds(case.get("time")),
        this_run=this_run,
    )


def read(path):
    """Returns the Case of every <testcase> in the gtest XML file at path."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise InputError(path, f"malformed XML: {e}")
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    if root.tag not in ("testsuites", "testsuite"):
        raise InputError(path, f"not gtest XML (root element <{root.tag}>)")
    # status="notrun" marks a DISABLED_ test: it never ran, so it recorded
    # no assertion ID either; the catalogue shows it as not run.
    return [_case(c) for c in root.iter("testcase") if c.get("status") != "notrun"]


def is_gtest_xml(path):
    """Whether path looks like a gtest XML report, without parsing it all."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return b"<testsuites" in head
