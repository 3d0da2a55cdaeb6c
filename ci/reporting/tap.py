"""Just enough of TAP (as bats prints it) to get each test's outcome, its
skip reason and its diagnostic lines."""

import re
from dataclasses import dataclass, field
from typing import List

_LINE = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s+)?(.*)$")
_DIRECTIVE = re.compile(r"\s#\s*(skip|todo)\b\s*(.*)$", re.IGNORECASE)


@dataclass
class TapTest:
    ok: bool
    description: str
    directive: str = ""  # "skip", "todo" or ""
    reason: str = ""
    diagnostics: List[str] = field(default_factory=list)


def parse(text):
    """Returns the TapTest of every test line in text, with the '#' lines
    that follow a test attached to it."""
    tests = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            description, directive, reason = m.group(3), "", ""
            d = _DIRECTIVE.search(description)
            if d:
                description = description[: d.start()]
                directive, reason = d.group(1).lower(), d.group(2).strip()
            tests.append(TapTest(m.group(1) == "ok", description.strip(), directive, reason))
        elif line.startswith("#") and tests:
            tests[-1].diagnostics.append(line[1:].strip())
    return tests
