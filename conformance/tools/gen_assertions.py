#!/usr/bin/env python3
"""Build the catalogue of conformance assertions from the test sources.

Every PROCSIG_TEST(Suite, Name, "ID", "clause", "description") and
PROCSIG_CHARACTERISE(...) in conformance/ becomes one row of
docs/assertions.md and, with --json, one object of a JSON list:
{"id", "suite": "conformance", "clause", "description", "kind", "test",
"source"} where kind is "test" or "characterisation" and test is the gtest
name Suite.Name.

Parameterised assertions (support/param_assertion.h): a
PROCSIG_PARAM_TEST(Suite, Name, "clause", "description", params) (or
PROCSIG_PARAM_CHARACTERISE) declares the body, and every
PROCSIG_INSTANCE(Suite, Name, Instance, "ID", args...) in the same file is
one row, with the body's clause, its description followed by the instance
name in parentheses, and the gtest name Suite.Name_Instance.

Usage:
  gen_assertions.py                      print the Markdown catalogue
  gen_assertions.py --output FILE        write it to FILE
  gen_assertions.py --check FILE         exit 1 if FILE differs from it
  gen_assertions.py --json FILE|-        also write the JSON catalogue

Exit status: 0 done, 1 stale file or bad declarations (duplicate ID,
malformed ID, unknown area, unparsable arguments), 2 bad usage.
"""

import argparse
import json
import os
import re
import sys

AREAS = (
    "FORK", "EXIT", "ZOMBIE", "WAIT", "WAITPID", "WAITID", "ALARM", "SIGNAL",
    "SIGACTION", "SIGDELIVERY", "EXEC", "SIGCHLD", "SOCKET",
    # issue 13 (signals)
    "SIGDEFAULT", "SIGIGN", "SIGCATCH", "SIGRT", "SIGPGRP", "SIGFAULT", "SIGALTSTACK",
    "SIGTHREAD", "SIGWAIT", "SIGNALFD", "ITIMER", "SIGERR", "SIGSTOPCONT", "SIGXSI",
    "SIGUSERMODE", "SIGMASK",
    # issue 16 (architectures)
    "ARCH",
)
ID_PATTERN = re.compile(r"^([A-Z]+)\.[A-Z0-9_]+(\.[A-Z0-9_]+)*$")
MACRO = re.compile(r"\bPROCSIG_(TEST|CHARACTERISE|PARAM_TEST|PARAM_CHARACTERISE|INSTANCE)\s*\(")
SOURCE_SUFFIXES = (".cc", ".cpp", ".h")
REGENERATE = "ninja -C <builddir> assertions-doc"

# issue 14 (processes, terminals, sockets): its areas; its clauses may also
# name an XBD section (the terminal interface, XBD 11) or, for a Linux-only
# call, its man page ("Linux clone(2)").
AREAS += ("VFORK", "CLONE", "SPAWN", "PIDFD", "RUSAGE", "PDEATHSIG", "SUBREAPER", "PIDRANGE",
          "TTY")
# issue 12 (platforms): signal numbers, /proc's view, resource limits.
AREAS += ("SIGNUM", "PROCFS", "RLIMIT")
CLAUSE_PATTERN = re.compile(r"^(XSH |XBD \d|Linux [a-z_0-9]+\([1-8]\)( |$))")

HERE = os.path.dirname(os.path.realpath(__file__))
CONFORMANCE = os.path.dirname(HERE)
REPO = os.path.dirname(CONFORMANCE)


class DeclarationError(Exception):
    """A declaration the catalogue cannot accept."""


def strip_comments(text):
    """Blank out // and /* */ comments, keeping strings and line numbers."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_arguments(text, start):
    """Split the macro arguments that begin at text[start] (after '(').

    Returns the list of raw argument strings. Adjacent string literals stay
    in one argument; commas inside literals and parentheses do not split.
    """
    args = []
    current = []
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            current.append(text[i:j + 1])
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append("".join(current).strip())
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    raise DeclarationError("unterminated macro arguments")


LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def literal_value(arg):
    """The value of an argument made of one or more string literals."""
    pieces = LITERAL.findall(arg)
    if not pieces or LITERAL.sub("", arg).strip():
        raise DeclarationError("expected a string literal, got %s" % arg)
    joined = "".join(pieces)
    return re.sub(r"\\(.)", r"\1", joined)


def parse_file(path, relative):
    with open(path, encoding="utf-8") as f:
        text = strip_comments(f.read())
    found = []
    bodies = {}     # "Suite.Name" -> (clause, description, kind) of a PARAM body
    instances = []  # (where, suite, name, instance, id), resolved after the scan
    for match in MACRO.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:match.start()].lstrip().startswith("#"):
            continue  # the macro's own #define
        line = text.count("\n", 0, match.start()) + 1
        where = "%s:%d" % (relative, line)
        kind = match.group(1)
        try:
            args = split_arguments(text, match.end())
            if kind in ("TEST", "CHARACTERISE") and len(args) != 5:
                raise DeclarationError("expected 5 arguments, got %d" % len(args))
            if kind != "TEST" and kind != "CHARACTERISE" and len(args) < 5:
                raise DeclarationError("expected at least 5 arguments, got %d" % len(args))
            suite, name = args[0], args[1]
            if not re.match(r"^[A-Za-z_]\w*$", suite) or not re.match(r"^[A-Za-z_]\w*$", name):
                raise DeclarationError("suite and name must be identifiers")
            if kind in ("PARAM_TEST", "PARAM_CHARACTERISE"):
                key = "%s.%s" % (suite, name)
                if key in bodies:
                    raise DeclarationError("second body for %s" % key)
                bodies[key] = (literal_value(args[2]), literal_value(args[3]),
                               "characterisation" if kind == "PARAM_CHARACTERISE" else "test")
                continue
            if kind == "INSTANCE":
                if not re.match(r"^[A-Za-z_]\w*$", args[2]):
                    raise DeclarationError("instance name must be an identifier")
                instances.append((where, suite, name, args[2], literal_value(args[3])))
                continue
            found.append({
                "id": literal_value(args[2]),
                "suite": "conformance",
                "clause": literal_value(args[3]),
                "description": literal_value(args[4]),
                "kind": "characterisation" if kind == "CHARACTERISE" else "test",
                "test": "%s.%s" % (suite, name),
                "source": relative,
                "where": where,
            })
        except DeclarationError as error:
            raise DeclarationError("%s: %s" % (where, error)) from None
    for where, suite, name, instance, ident in instances:
        key = "%s.%s" % (suite, name)
        if key not in bodies:
            raise DeclarationError("%s: PROCSIG_INSTANCE of %s, which has no PROCSIG_PARAM_TEST "
                                   "in this file" % (where, key))
        clause, description, kind = bodies[key]
        found.append({
            "id": ident,
            "suite": "conformance",
            "clause": clause,
            "description": "%s (%s)" % (description, instance),
            "kind": kind,
            "test": "%s.%s_%s" % (suite, name, instance),
            "source": relative,
            "where": where,
        })
    return found


def collect(root, repo):
    entries = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                path = os.path.join(directory, name)
                entries.extend(parse_file(path, os.path.relpath(path, repo)))
    return entries


def validate(entries):
    errors = []
    seen = {}
    for entry in entries:
        ident = entry["id"]
        match = ID_PATTERN.match(ident)
        if not match:
            errors.append("%s: malformed ID '%s' (expected AREA.WHAT in upper case)"
                          % (entry["where"], ident))
        elif match.group(1) not in AREAS:
            errors.append("%s: unknown area '%s' in '%s' (known: %s)"
                          % (entry["where"], match.group(1), ident, ", ".join(AREAS)))
        if ident in seen:
            errors.append("%s: duplicate ID '%s' (first at %s)"
                          % (entry["where"], ident, seen[ident]))
        else:
            seen[ident] = entry["where"]
        if not CLAUSE_PATTERN.match(entry["clause"]):
            errors.append("%s: clause '%s' names no XSH page, XBD section or Linux man page"
                          % (entry["where"], entry["clause"]))
    return errors


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(entries):
    characterisations = sum(1 for e in entries if e["kind"] == "characterisation")
    areas = {}
    for entry in entries:
        area = entry["id"].split(".", 1)[0]
        areas[area] = areas.get(area, 0) + 1
    lines = [
        "# Conformance assertions",
        "",
        "Generated by `conformance/tools/gen_assertions.py` from the `PROCSIG_TEST` and",
        "`PROCSIG_CHARACTERISE` declarations in `conformance/`. Do not edit: regenerate",
        "with `%s`." % REGENERATE,
        "",
        "%d assertions, %d of them characterisations (behaviour POSIX leaves open: the"
        % (len(entries), characterisations),
        "test records what it saw). Clauses name pages of POSIX.1-2024 (XSH, or XBD for the "
        "terminal interface) or, for a Linux-only call, its man page.",
        "",
        "| area | assertions |",
        "|---|---|",
    ]
    for area in sorted(areas):
        lines.append("| %s | %d |" % (area, areas[area]))
    lines += [
        "",
        "| ID | clause | description | kind | test | source |",
        "|---|---|---|---|---|---|",
    ]
    for entry in entries:
        lines.append("| `%s` | %s | %s | %s | `%s` | `%s` |" % (
            entry["id"], cell(entry["clause"]), cell(entry["description"]), entry["kind"],
            entry["test"], entry["source"]))
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(
        description="Generate the conformance assertion catalogue.")
    parser.add_argument("--root", default=CONFORMANCE,
                        help="directory to scan (default: conformance/)")
    parser.add_argument("--output", help="write the Markdown catalogue to this file")
    parser.add_argument("--check", metavar="FILE",
                        help="fail if FILE differs from the generated Markdown")
    parser.add_argument("--json", metavar="FILE",
                        help="write the JSON catalogue to FILE ('-' for stdout)")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.root):
        print("gen_assertions: no such directory: %s" % args.root, file=sys.stderr)
        return 2
    try:
        entries = collect(args.root, REPO)
    except (DeclarationError, OSError, UnicodeDecodeError) as error:
        print("gen_assertions: %s" % error, file=sys.stderr)
        return 1
    errors = validate(entries)
    if errors:
        for error in errors:
            print("gen_assertions: %s" % error, file=sys.stderr)
        return 1
    entries.sort(key=lambda e: e["id"])
    text = markdown(entries)

    if args.json:
        catalogue = [{k: e[k] for k in
                      ("id", "suite", "clause", "description", "kind", "test", "source")}
                     for e in entries]
        data = json.dumps(catalogue, indent=2, ensure_ascii=False) + "\n"
        if args.json == "-":
            sys.stdout.write(data)
        else:
            with open(args.json, "w", encoding="utf-8") as f:
                f.write(data)
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                committed = f.read()
        except OSError as error:
            print("gen_assertions: cannot read %s: %s" % (args.check, error.strerror),
                  file=sys.stderr)
            return 1
        if committed != text:
            print("gen_assertions: %s is stale: regenerate it with `%s` "
                  "(or conformance/tools/gen_assertions.py --output docs/assertions.md)"
                  % (args.check, REGENERATE), file=sys.stderr)
            return 1
        print("gen_assertions: %s is up to date (%d assertions)" % (args.check, len(entries)))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    elif not args.check and args.json != "-":
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
