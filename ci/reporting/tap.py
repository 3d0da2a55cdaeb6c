"""Just enough of TAP (as bats prints it) to get each test's outcome, its
skip reason and its diagnostic lines."""

import re
from dataclasses import dataclass, field
from typing import List, Optional

_LINE = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s+)?(.*)$")
_DIRECTIVE = re.compile(r"\s#\s*(skip|todo)\b\s*(.*)$", re.IGNORECASE)
# What `bats --timing` appends to a test line.
_TIMING = re.compile(r"\s+in (\d+)ms$")


@dataclass
class TapTest:
    ok: bool
    description: str
    directive: str = ""  # "skip", "todo" or ""
    reason: str = ""
    diagnostics: List[str] = field(default_factory=list)
    duration: Optional[float] = None  # seconds, when bats --timing said


def _timing(text):
    """text without bats' ' in 12ms', and the seconds it said (or None)."""
    m = _TIMING.search(text)
    return (text[: m.start()], int(m.group(1)) / 1000) if m else (text, None)


def parse(text):
    """Returns the TapTest of every test line in text, with the '#' lines
    that follow a test attached to it."""
    tests = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            description, directive, reason = m.group(3).rstrip(), "", ""
            d = _DIRECTIVE.search(description)
            if d:
                description = description[: d.start()]
                directive, reason = d.group(1).lower(), d.group(2).strip()
            description, duration = _timing(description.rstrip())
            if duration is None and directive:
                reason, duration = _timing(reason)
            tests.append(TapTest(m.group(1) == "ok", description.strip(), directive, reason,
                                 duration=duration))
        elif line.startswith("#") and tests:
            tests[-1].diagnostics.append(line[1:].strip())
    return tests
