"""The rows a report has even when nothing ran them: the contract's rule IDs
(from docs/contract.md) and the conformance assertions (from
conformance/tools/gen_assertions.py --json).

A contract rule belongs to the e2e suite unless its section says
"The rules from `<ID>` on are checked by the `<suite>` suite": then that
rule and the rest of the section's rules belong to <suite>."""

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from .errors import InputError

# A rule row of a contract table starts with its ID in a code span:
# | `C.FORK.LINES` | rule text |, or with a Level column (docs/LEVELS):
# | `C.FORK.LINES` | chapter | rule text |.
_RULE_ID = re.compile(r"^`(C\.[A-Z0-9_]+\.[A-Z0-9_]+)`$")
_HEADING = re.compile(r"^#{2,}\s+(.*)$")
# The sentence that hands a section's later rules to another suite.
_HANDOVER = re.compile(r"rules from `(C\.[A-Z0-9_]+\.[A-Z0-9_]+)` on are checked by the `([a-z0-9_-]+)` suite")
LEVELS = ("chapter", "robust", "extension", "platform")


def _cells(line):
    """The cells of a Markdown table row, or None for any other line."""
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        return None
    return [c.strip() for c in line[1:-1].split("|")]


def _program(heading):
    """'fork — `fork`' gives 'fork'; 'General rules (all programs)' stays."""
    return heading.split(" — ")[0].strip()


def level_name(level):
    """'extension:max-children' gives 'extension'; '' stays ''."""
    return level.split(":", 1)[0]


def contract_rules(path):
    """Returns one row per rule of docs/contract.md, in document order, each
    with its level ('' while the contract has no Level column)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    # The sentence may wrap over lines: look for it in the text as one line.
    handover = dict(_HANDOVER.findall(" ".join(" ".join(lines).split())))
    rows, section, suite, level_at = [], "", "e2e", None
    for line in lines:
        h = _HEADING.match(line)
        if h:
            section, suite = _program(h.group(1)), "e2e"
            continue
        cells = _cells(line)
        if cells is None:
            continue
        m = _RULE_ID.match(cells[0])
        if not m:
            if cells[0] and not set(cells[0]) <= set("-: "):
                # A header row: where its Level column is, if it has one.
                lowered = [c.lower() for c in cells]
                level_at = lowered.index("level") if "level" in lowered else None
            elif not cells[0] and rows and len(cells) > 1:
                # A continuation row (an empty ID cell), as C.FD_SHARE.LINES uses.
                more = " | ".join(c for c in cells[1:] if c)
                if more:
                    rows[-1]["description"] += " " + more
            continue
        suite = handover.get(m.group(1), suite)
        level = cells[level_at] if level_at is not None and level_at < len(cells) else ""
        text = [c for i, c in enumerate(cells[1:], 1) if i != level_at]
        rows.append({"id": m.group(1), "suite": suite, "clause": f"contract: {section}",
                     "level": level, "description": " | ".join(text).strip()})
    return rows


def _assertion_row(obj):
    return {
        "id": obj.get("id") or obj.get("assertion") or "",
        "suite": "conformance",
        "level": "platform",
        "clause": obj.get("clause", ""),
        "description": obj.get("description", ""),
        "test": obj.get("test", ""),
    }


def conformance_assertions(path):
    """Reads a catalogue JSON: a list of objects with id (or assertion),
    clause and description, or an object holding such a list under
    "assertions"."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    except ValueError as e:
        raise InputError(path, f"malformed JSON: {e}")
    return _rows_from(data, path)


def _rows_from(data, where):
    if isinstance(data, dict):
        data = data.get("assertions", [])
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise InputError(where, "not an assertion catalogue (expected a list of objects)")
    return [r for r in (_assertion_row(o) for o in data) if r["id"]]


# An installed procsig holds the catalogue its build generated here.
INSTALLED_CATALOGUE = os.path.join("conformance", "catalogue.json")


def generate_conformance(source_root, timeout=60):
    """Runs the source tree's catalogue generator (`--json FILE`), or reads
    the catalogue an installed tree holds. The rows only add "not run"
    cells, so a tree without either, or one whose generator fails, gives
    no rows and a warning rather than no report."""
    tool = os.path.join(source_root, "conformance", "tools", "gen_assertions.py")
    if not os.path.isfile(tool):
        installed = os.path.join(source_root, INSTALLED_CATALOGUE)
        return conformance_assertions(installed) if os.path.isfile(installed) else []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "catalogue.json")
        try:
            p = subprocess.run([sys.executable, tool, "--json", out, "--output", os.devnull],
                               cwd=source_root, timeout=timeout, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True)
        except subprocess.TimeoutExpired:
            return _no_catalogue(tool, f"did not finish within {timeout} s")
        if p.returncode != 0:
            last = p.stderr.strip().splitlines()[-1:] or [f"exit status {p.returncode}"]
            return _no_catalogue(tool, last[0])
        try:
            return conformance_assertions(out)
        except InputError as e:
            return _no_catalogue(tool, e.reason)


def _no_catalogue(tool, reason):
    print(f"report: warning: {tool}: {reason}; assertions that did not run are not listed",
          file=sys.stderr)
    return []


# An intermittent row (docs/validating.md, section 6): the word, the rate
# its probe measured, then the reason.
_INTERMITTENT_WORD = re.compile(r"^intermittent\b")
_INTERMITTENT = re.compile(
    r"^intermittent\s*\((failed\s+([0-9]{1,6})\s+of\s+([0-9]{1,6})\s+runs)\)\s*:\s*(\S.*)$")


@dataclass(frozen=True)
class Listed:
    """One row of an expectations file. A plain row fails every run; an
    intermittent one (rate "failed N of M runs") fails in only some."""
    reason: str
    rate: str = ""

    @property
    def intermittent(self):
        return bool(self.rate)


def _listed(reason, where, rid):
    if not _INTERMITTENT_WORD.match(reason):
        return Listed(reason)
    m = _INTERMITTENT.match(reason)
    if not m:
        raise InputError(where, f"'{rid}' has no measured rate (expected "
                                "'ID  intermittent (failed N of M runs): reason')")
    failed, runs = int(m.group(2)), int(m.group(3))
    if not 0 < failed < runs:
        raise InputError(where, f"'{rid}' is intermittent with '{m.group(1)}': it must have "
                                "failed in some runs and passed in others (0 < N < M)")
    return Listed(m.group(4), m.group(1))


def expectations(path):
    """Reads an expectations file: one `ID  reason` per line, '#' starts a
    comment line; a reason `intermittent (failed N of M runs): reason`
    marks a row that fails in only some runs. Returns {ID: Listed}; a
    missing file means no expectations, a malformed intermittent row is an
    InputError naming the file and line."""
    found = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return found
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if line and not line.startswith("#"):
            parts = line.split(None, 1)
            reason = parts[1].strip() if len(parts) > 1 else "listed in expectations"
            found[parts[0]] = _listed(reason, f"{path}:{number}", parts[0])
    return found
