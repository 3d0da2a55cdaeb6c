"""What a failed Bats test says, apart from where Bats was when it failed.

A failing test's TAP diagnostics are, in this order: Bats' stack trace
('(from function `f' in file F, line N,' ... 'in test file F, line N)'),
the command that failed ('`cmd' failed'), then the test's own message (the
observation, e.g. 'C.X.Y: exit status 1, expected 2'), then dumps of the
program's output ('--- stdout ---', 'status: ...'). The cause is the
message; the place to read more is the test file and line."""

import os
import re
from dataclasses import dataclass

_TRACE = re.compile(r"^\(?(from function `.*' in file .*, line \d+,|in test file .*, line \d+\))$")
_TEST_FILE = re.compile(r"in test file (.*), line (\d+)\)$")
_FAILED_COMMAND = re.compile(r"^`(.*)' failed$", re.DOTALL)
# Where a test starts dumping the program's output after its message.
_DUMP = re.compile(r"^(--- .* ---|status: .*, elapsed: .*)$")
# bash's own words ('common.bash: line 168:  8252 Killed ...', 'x.bats:
# line 79: read: read error: ...'): the test's message, when there is one,
# says what they mean for the rule.
_SHELL_NOTE = re.compile(r"^\S+: line \d+: ")


@dataclass
class Failure:
    cause: str  # the test's own message, one line, whole
    where: str  # "shell-tests/fork.bats:12", relative to the source root when inside it


def _relative(path, source_root):
    path = os.path.normpath(path)
    if source_root:
        root = os.path.normpath(source_root)
        if path.startswith(root + os.sep):
            return os.path.relpath(path, root)
    return path


def failure(diagnostics, rule_id="", source_root=""):
    """The cause and place of one failed test from its diagnostic lines."""
    where, command, message, shell = "", "", [], []
    for line in diagnostics:
        line = line.strip()
        if _TRACE.match(line):
            m = _TEST_FILE.search(line)
            if m:
                where = f"{_relative(m.group(1), source_root)}:{m.group(2)}"
            continue
        failed = _FAILED_COMMAND.match(line)
        if failed and not message and not command:
            command = failed.group(1)
            continue
        if _DUMP.match(line):
            break
        if _SHELL_NOTE.match(line):
            shell.append(line)
        elif line:
            message.append(line)
    cause = " ".join(message or shell) or (f"`{command}' failed" if command
                                            else "failed (no message)")
    if rule_id and cause.startswith(rule_id + ": "):
        cause = cause[len(rule_id) + 2:]
    return Failure(cause=cause, where=where)


# 'no program 'fork' in /home/student' from require_program.
_ABSENT = re.compile(r"^no program '([^']+)' in (.+)$")


def absent_program(reason):
    """(program, folder) of a skip for a missing program, or None."""
    m = _ABSENT.match(reason.strip())
    return (m.group(1), m.group(2)) if m else None
