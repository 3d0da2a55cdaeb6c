"""Shared by the report tests: where things are, and running ci/report."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FIXTURES = os.path.join(HERE, "fixtures")
REPORT = os.path.join(SOURCE_ROOT, "ci", "report")
CATALOGUE = os.path.join(FIXTURES, "catalogue.json")

sys.path.insert(0, os.path.join(SOURCE_ROOT, "ci"))


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def run_report(*args, timeout=60):
    """Runs ci/report; returns (status, stdout, stderr)."""
    p = subprocess.run([sys.executable, REPORT, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr
