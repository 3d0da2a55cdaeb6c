#!/usr/bin/env python3
"""Renders a generated index.html with headless Chromium and checks that a
person would see a report: the screenshot is a real PNG, not blank, shows
the outcome colours, and the page's DOM holds the results table.

Renders two runs: a failing one, whose failures (and their colours) must
be on the first screen, and a passing one, which must say so there and
not list any failure.

Usage: render_check.py [--keep DIR]   (--keep leaves the reports and the
screenshots failing.png and passing.png in DIR for a look). Exit status: 0 rendered as expected,
1 a check failed or Chromium is missing (ci/setup installs it), 2 bad usage.
Every Chromium call has a timeout; Chromium's processes are killed and
reaped, whatever happens."""

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import png
from support import CATALOGUE, fixture, run_report

TIMEOUT = 60
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Cell backgrounds from ci/reporting/render_html.py that must show up.
EXPECTED_COLOURS = {"pass": (0xD4, 0xF4, 0xDD), "fail": (0xF9, 0xD0, 0xD0),
                    "observed": (0xD6, 0xE8, 0xFB), "expected-fail": (0xFD, 0xEC, 0xC8)}
PR_SET_CHILD_SUBREAPER = 36


def fail(message):
    print(f"render_check: {message}", file=sys.stderr)
    sys.exit(1)


def become_subreaper():
    """Chromium forks helpers that may outlive it; they must come back to
    us to be reaped (PID 1 here does not reap)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_all():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def chromium(browser, profile, *args):
    """Runs one headless Chromium command in its own process group, kills
    the group afterwards, and returns its stdout."""
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", *args]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        out, err = b"", b""
        fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(args)}")
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        reap_all()
    if p.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        fail(f"chromium failed (status {p.returncode}): {last[0]}")
    return out.decode(errors="replace")


def screenshot(browser, work, url, name):
    path = os.path.join(work, name)
    chromium(browser, tempfile.mkdtemp(dir=work), f"--screenshot={path}",
             "--window-size=1400,1000", url)
    if not os.path.isfile(path):
        fail(f"chromium wrote no screenshot {path}")
    return path


def near(a, b, slack=3):
    return all(abs(x - y) <= slack for x, y in zip(a, b))


def passing_build(work):
    """The meson-0.56 fixture without its failing selfcheck test: a run
    with no unexpected result."""
    build = os.path.join(work, "passing-build")
    shutil.copytree(fixture("meson-0.56"), build)
    log = os.path.join(build, "meson-logs", "testlog.json")
    with open(log) as f:
        kept = [line for line in f if "selfcheck" not in line]
    with open(log, "w") as f:
        f.writelines(kept)
    return build


def check_page(browser, work, out, blank_seen, failing):
    """Screenshots the page at out and checks it: not blank, the outcome
    colours it must show on its first screen, and its DOM."""
    page = os.path.join(out, "index.html")
    shot = screenshot(browser, work, "file://" + page, os.path.basename(out) + ".png")
    with open(shot, "rb") as f:
        data = f.read()
    if len(data) < 20000:
        fail(f"screenshot is only {len(data)} bytes")
    width, height, rows = png.decode(data)
    if (width, height) != (1400, 1000):
        fail(f"screenshot is {width}x{height}, not 1400x1000")
    seen = png.colours(rows)
    if len(seen) < 50 or len(seen) <= 2 * len(blank_seen):
        fail(f"screenshot looks blank: {len(seen)} colours (an empty page: {len(blank_seen)})")
    # The first screen: the failures, or the line saying there are none.
    wanted = EXPECTED_COLOURS if failing else {"pass": EXPECTED_COLOURS["pass"]}
    for outcome, colour in wanted.items():
        if not any(near(colour, c) for c in seen):
            fail(f"{os.path.basename(out)}: no {outcome} colour #{bytes(colour).hex()} "
                 "on the first screen")

    dom = chromium(browser, tempfile.mkdtemp(dir=work), "--dump-dom", "file://" + page)
    needles = ["<table class=\"matrix\">", "<h2>Messages</h2>", "id=\"rules\""]
    needles += (["WAIT.REAPS_ZOMBIE", "C.FORK.LINES", "SA_RESTART set", "unexpected result(s)"]
                if failing else ["No unexpected result"])
    for needle in needles:
        if needle not in dom:
            fail(f"{os.path.basename(out)}: the rendered DOM lacks {needle!r}")
    if not failing and "unexpected result(s)" in dom:
        fail("passing run: the page lists unexpected results")
    if dom.index("id=\"failures\"") > dom.index("<table class=\"matrix\">"):
        fail(f"{os.path.basename(out)}: the failures come after the matrix")
    return shot, len(data), len(seen)


def main(argv):
    keep = None
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(argv) == 1 and argv[0].startswith("--keep="):
        argv = ["--keep", argv[0][len("--keep="):]]
    if argv[:1] == ["--keep"] and len(argv) == 2:
        keep = os.path.abspath(argv[1])
    elif argv:
        print("render_check: usage: render_check.py [--keep DIR]", file=sys.stderr)
        return 2
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        fail("chromium is not installed: run ci/setup (Debian package 'chromium')")
    become_subreaper()
    work = tempfile.mkdtemp(prefix="render-check-")
    try:
        blank = os.path.join(work, "blank.html")
        with open(blank, "w") as f:
            f.write("<!DOCTYPE html><html><body></body></html>\n")
        empty = screenshot(browser, work, "file://" + blank, "blank.png")
        with open(empty, "rb") as f:
            blank_seen = png.colours(png.decode(f.read())[2])
        said = []
        for name, build, failing in (("failing", fixture("meson-1.0"), True),
                                     ("passing", passing_build(work), False)):
            out = os.path.join(keep or work, name)
            status, _, err = run_report("build", "--build-dir", build, "--out", out,
                                        "--catalogue", CATALOGUE, "--name", "render-check")
            if status != 0:
                fail(f"ci/report build failed: {err.strip()}")
            shot, size, colours = check_page(browser, work, out, blank_seen, failing)
            if keep:
                shutil.copy(shot, os.path.join(keep, f"{name}.png"))
            said.append(f"{name} {size} bytes, {colours} colours")
        print(f"render_check: ok ({'; '.join(said)}; empty page {len(blank_seen)})")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
