"""Which procsig made a report: the format of report.json and the commit
of the procsig tree that ran (a git checkout says it; an installed tree
carries the commit its build recorded in a file)."""

import os
import subprocess

# Bumped when a reader of report.json would misread the new form.
# 2: format_version, procsig, per-row cause, where, level, duration.
FORMAT_VERSION = 2
# Where an installed (or copied) tree keeps the commit it was built from.
COMMIT_FILE = "COMMIT"


def _git(root, *args):
    try:
        p = subprocess.run(["git", "-C", root, *args], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, universal_newlines=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def commit(root):
    """The commit of the procsig tree at root ('…-dirty' when tracked files
    changed), or '' when neither git nor a COMMIT file says."""
    if os.path.exists(os.path.join(root, ".git")):
        head = _git(root, "rev-parse", "HEAD")
        if head:
            changed = _git(root, "status", "--porcelain", "--untracked-files=no")
            return head + ("-dirty" if changed else "")
    try:
        with open(os.path.join(root, COMMIT_FILE), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def describe(root):
    return {"commit": commit(root)}
