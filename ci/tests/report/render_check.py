#!/usr/bin/env python3
"""Renders a generated index.html with headless Chromium and checks that a
person would see a report: the screenshot is a real PNG, not blank, shows
the outcome colours, and the page's DOM holds the results table.

Usage: render_check.py [--keep DIR]   (--keep leaves the report and the
screenshot in DIR for a look). Exit status: 0 rendered as expected,
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


def main(argv):
    keep = None
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
        out = keep or os.path.join(work, "report")
        status, _, err = run_report("build", "--build-dir", fixture("meson-1.0"), "--out", out,
                                    "--catalogue", CATALOGUE, "--name", "render-check")
        if status != 0:
            fail(f"ci/report build failed: {err.strip()}")
        page = os.path.join(out, "index.html")
        blank = os.path.join(work, "blank.html")
        with open(blank, "w") as f:
            f.write("<!DOCTYPE html><html><body></body></html>\n")

        shot = screenshot(browser, work, "file://" + page, "report.png")
        empty = screenshot(browser, work, "file://" + blank, "blank.png")
        with open(shot, "rb") as f:
            data = f.read()
        if len(data) < 20000:
            fail(f"screenshot is only {len(data)} bytes")
        width, height, rows = png.decode(data)
        if (width, height) != (1400, 1000):
            fail(f"screenshot is {width}x{height}, not 1400x1000")
        seen = png.colours(rows)
        with open(empty, "rb") as f:
            blank_seen = png.colours(png.decode(f.read())[2])
        if len(seen) < 50 or len(seen) <= 2 * len(blank_seen):
            fail(f"screenshot looks blank: {len(seen)} colours (an empty page: {len(blank_seen)})")
        for outcome, colour in EXPECTED_COLOURS.items():
            if not any(near(colour, c) for c in seen):
                fail(f"no {outcome} cell colour #{bytes(colour).hex()} in the screenshot")

        dom = chromium(browser, tempfile.mkdtemp(dir=work), "--dump-dom", "file://" + page)
        for needle in ("<table class=\"matrix\">", "WAIT.REAPS_ZOMBIE", "C.FORK.LINES",
                       "SA_RESTART set", "<h2>Messages</h2>"):
            if needle not in dom:
                fail(f"the rendered DOM lacks {needle!r}")
        if keep:
            shutil.copy(shot, os.path.join(keep, "screenshot.png"))
        print(f"render_check: ok ({len(data)} bytes, {len(seen)} colours; "
              f"empty page {len(blank_seen)})")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
