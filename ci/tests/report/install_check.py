#!/usr/bin/env python3
"""Installs the build into a temporary DESTDIR, moves the installed tree
somewhere else, and checks that the copied `procsig` answers --help, lists
IDs, and runs a few rules and assertions of all three suites to a report
that validates against the schema: the bundle finds everything relative
to itself.

Usage: install_check.py BUILD_DIR. Exit status: 0 the bundle works, 1 a
check failed, 2 bad usage. Every command has a timeout."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema

TIMEOUT = 300
# C.ECHO_MPSERV.FORK_FAILS: its libfiu test needs the shipped dynamic twin
# of the static echo_mpserv (libexec/procsig/reference/fiu).
ONLY = "C.FORK.LINES,FORK.RETURNS_ZERO_IN_CHILD,C.ECHO_MPSERV.STEADY,C.ECHO_MPSERV.FORK_FAILS"


def fail(message):
    print(f"install_check: {message}", file=sys.stderr)
    sys.exit(1)


def run(argv, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=TIMEOUT, **kw)
    return p.returncode, p.stdout, p.stderr


def main(argv):
    if len(argv) != 1:
        print("install_check: usage: install_check.py BUILD_DIR", file=sys.stderr)
        return 2
    build = os.path.abspath(argv[0])
    work = tempfile.mkdtemp(prefix="install-check-")
    try:
        dest = os.path.join(work, "destdir")
        # Without --no-rebuild: `meson test` builds only what tests depend
        # on, and the install takes everything (the catalogue, the programs).
        status, out, err = run(["meson", "install", "-C", build, "--quiet", "--destdir", dest])
        if status != 0:
            fail(f"meson install failed: {(err or out).strip()[-400:]}")
        found = [os.path.join(d, "procsig") for d, _, files in os.walk(dest)
                 if "procsig" in files and os.path.basename(d) == "bin"]
        if len(found) != 1:
            fail(f"expected one bin/procsig under {dest}, found {found}")
        prefix = os.path.dirname(os.path.dirname(found[0]))
        moved = os.path.join(work, "elsewhere", "opt")
        shutil.move(prefix, moved)
        shutil.rmtree(dest)
        procsig = os.path.join(moved, "bin", "procsig")

        status, out, err = run([procsig, "--help"])
        if status != 0 or "procsig validate" not in out or err:
            fail(f"procsig --help: status {status}, stderr {err.strip()!r}")
        status, out, err = run([procsig, "list", "--only", "C.FORK.*"])
        if status != 0 or not out.startswith("C.FORK.LINES\te2e\t"):
            fail(f"procsig list: status {status}: {out[:200]!r} {err.strip()!r}")
        report = os.path.join(work, "report")
        status, out, err = run([procsig, "validate", f"--only={ONLY}", "--out", report],
                               cwd=work)
        if status != 0:
            fail(f"procsig validate exited {status}: {out[-800:]} {err[-800:]}")
        with open(os.path.join(report, "report.json"), encoding="utf-8") as f:
            data = json.load(f)
        schema = os.path.join(moved, "share", "procsig", "ci", "reporting", "report.schema.json")
        with open(schema, encoding="utf-8") as f:
            jsonschema.validate(data, json.load(f))
        got = {r["id"]: r["outcome"] for r in data["results"]}
        for rid in ONLY.split(","):
            if got.get(rid) != "pass":
                fail(f"{rid}: {got.get(rid, 'not in the report')}, expected pass")
        if not data["run"]["procsig"]["commit"]:
            fail("the installed tree does not know its commit")
        print(f"install_check: ok ({len(got)} rows; bundle at {moved} moved from DESTDIR)")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
