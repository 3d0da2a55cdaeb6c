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

from .errors import InputError

# A rule row of a contract table: | `C.FORK.LINES` | chapter | rule text |
# (the Level cell is optional, for contracts written before levels).
_RULE = re.compile(r"^\|\s*`(C\.[A-Z0-9_]+\.[A-Z0-9_]+)`\s*\|"
                   r"(?:\s*(chapter|robust|extension:[a-z0-9-]+)\s*\|)?(.*)\|\s*$")
# A continuation row (empty ID and Level cells), as C.FD_SHARE.LINES uses.
_MORE = re.compile(r"^\|\s*\|(?:\s*\|)?(.*)\|\s*$")
_HEADING = re.compile(r"^#{2,}\s+(.*)$")
# The sentence that hands a section's later rules to another suite.
_HANDOVER = re.compile(r"rules from `(C\.[A-Z0-9_]+\.[A-Z0-9_]+)` on are checked by the `([a-z0-9_-]+)` suite")


def _program(heading):
    """'fork — `fork`' gives 'fork'; 'General rules (all programs)' stays."""
    return heading.split(" — ")[0].strip()


def contract_rules(path):
    """Returns one row per rule of docs/contract.md, in document order."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    # The sentence may wrap over lines: look for it in the text as one line.
    handover = dict(_HANDOVER.findall(" ".join(" ".join(lines).split())))
    rows, section, suite = [], "", "e2e"
    for line in lines:
        h = _HEADING.match(line)
        if h:
            section, suite = _program(h.group(1)), "e2e"
            continue
        m = _RULE.match(line)
        if m:
            suite = handover.get(m.group(1), suite)
            rows.append({"id": m.group(1), "suite": suite, "clause": f"contract: {section}",
                         "level": m.group(2) or "", "description": m.group(3).strip()})
            continue
        more = _MORE.match(line)
        if more and rows and more.group(1).strip():
            rows[-1]["description"] += " " + more.group(1).strip()
    return rows


def _assertion_row(obj):
    return {
        "id": obj.get("id") or obj.get("assertion") or "",
        "suite": "conformance",
        "clause": obj.get("clause", ""),
        "description": obj.get("description", ""),
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


def generate_conformance(source_root, timeout=60):
    """Runs the source tree's catalogue generator (`--json FILE`). The rows
    only add "not run" cells, so a tree without the generator, or one whose
    generator fails, gives no rows and a warning rather than no report."""
    tool = os.path.join(source_root, "conformance", "tools", "gen_assertions.py")
    if not os.path.isfile(tool):
        return []
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


def expectations(path):
    """Reads an expectations file: one `ID  reason` per line, '#' starts a
    comment line. Returns {ID: reason}; a missing file means no expectations."""
    found = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return found
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            parts = line.split(None, 1)
            found[parts[0]] = parts[1].strip() if len(parts) > 1 else "listed in expectations"
    return found
