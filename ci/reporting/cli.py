"""ci/report's command line. See ci/report --help and docs/validating.md.
`list` exits 1 when no ID matches.

Exit status: 0 done (for `summary`: no unexpected result), 1 `summary`
found a failure or an unexpected pass, 2 bad usage, 3 an input file is
missing, unreadable or malformed, or the output cannot be written."""

import argparse
import json
import os
import sys

from . import catalogue, junit, machine, meson_log, merge, provenance, render_md, run, select, summary
from . import outcomes as O
from .errors import InputError

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, not argparse's usage block.
        self.exit(EXIT_USAGE, f"report: {message} (see ci/report --help)\n")


def _parser():
    p = _Parser(prog="ci/report", description="Builds and merges procsig reports.",
                epilog="Exit status: 0 done (summary: no unexpected result), 1 summary found a "
                       "failure or unexpected pass, 2 bad usage, 3 bad or missing input.")
    sub = p.add_subparsers(dest="command")
    sub.required = True
    b = sub.add_parser("build", help="make one run from a build directory's test results")
    b.add_argument("--build-dir", default="", help="the Meson build directory (its "
                   "meson-logs/testlog.json and gtest XML are read unless --testlog, --tap or "
                   "--gtest-xml say where the results are)")
    b.add_argument("--out", required=True, help="folder for report.json, report.md, index.html")
    b.add_argument("--name", default="", help="the run's name (default: the implementation's)")
    b.add_argument("--impl", default="", help="the implementation tested (its expectations.txt "
                                              "applies to the e2e and stress rows)")
    b.add_argument("--target", default="", help="the platform expectations target used (its "
                                                "shell-tests/expectations/TARGET.txt applies to "
                                                "the e2e and stress rows)")
    b.add_argument("--wrapper", default="", help="the command the conformance suite ran under")
    b.add_argument("--testlog", action="append", default=[],
                   help="a Meson JSON test log (repeatable; default "
                        "BUILD_DIR/meson-logs/testlog.json)")
    b.add_argument("--gtest-xml", action="append", default=None,
                   help="a gtest XML file (repeatable; default: found in BUILD_DIR)")
    b.add_argument("--tap", action="append", default=[], metavar="SUITE=FILE",
                   help="a TAP file of one test of SUITE, run without Meson (repeatable)")
    b.add_argument("--broken", action="append", default=[], metavar="ID=MESSAGE",
                   help="a failed row for a run that wrote no results (repeatable)")
    b.add_argument("--run", action="append", default=[], metavar="KEY=VALUE",
                   help="a fact of the run, in place of this machine's (kernel, distro, ...)")
    b.add_argument("--catalogue", default=None,
                   help="conformance catalogue JSON (default: conformance/tools/"
                        "gen_assertions.py --json)")
    b.add_argument("--only", default="", help="keep only the rows these comma-separated ID "
                                              "globs match (and every unexpected result)")
    m = sub.add_parser("merge", help="merge report.json files into one matrix")
    m.add_argument("reports", nargs="+", help="single-run or merged report.json files")
    m.add_argument("--out", required=True, help="folder for the merged report")
    s = sub.add_parser("summary", help="print the short summary of a report.json")
    s.add_argument("report", help="a report.json")
    ls = sub.add_parser("list", help="print every rule and assertion ID with its suite, level "
                                     "and title")
    ls.add_argument("--only", default="", help="only the IDs these comma-separated globs match")
    fl = sub.add_parser("failed", help="print the failed IDs of a report.json, comma-separated "
                                       "(for --only)")
    fl.add_argument("report", help="a report.json")
    ft = sub.add_parser("filter", help="print a suite runner's filter for --only PATTERNS")
    kind = ft.add_mutually_exclusive_group(required=True)
    kind.add_argument("--gtest", action="store_true", help="a GTEST_FILTER value")
    kind.add_argument("--bats", action="store_true", help="a bats --filter regex")
    ft.add_argument("--only", required=True, help="comma-separated ID globs")
    t = sub.add_parser("tap", help="print each test of a TAP file: pass, fail or skip, its "
                                   "name and, for a failure, its cause (tab-separated)")
    t.add_argument("file", help="a TAP file, as bats --tap writes it")
    c = sub.add_parser("counts", help="print one suite's counts from one Meson test log")
    c.add_argument("--build-dir", required=True, help="the Meson build directory")
    c.add_argument("--suite", required=True, help="the suite")
    c.add_argument("--testlog", required=True, help="the suite's Meson JSON test log")
    c.add_argument("--only", default="", help="as for build")
    c.add_argument("--impl", default="", help="as for build: its expectations.txt applies")
    c.add_argument("--target", default="", help="as for build: shell-tests/expectations/TARGET.txt "
                                                "applies")
    return p


def write(report, out_dir):
    """Writes report.json as given, and report.md, index.html and
    report.junit.xml of its matrix view."""
    from . import render_html  # Jinja2: only when a page is written

    try:
        os.makedirs(out_dir, exist_ok=True)
        view = merge.as_matrix(report)
        files = {"report.json": json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                 "report.md": render_md.render(view) + "\n",
                 "index.html": render_html.render(view),
                 "report.junit.xml": junit.render(view)}
        for name, content in files.items():
            tmp = os.path.join(out_dir, f".{name}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(content)
            os.replace(tmp, os.path.join(out_dir, name))
    except OSError as e:
        raise InputError(out_dir, f"cannot write the report: {e.strerror or e}")


def _build(args):
    direct = args.tap or args.gtest_xml or args.broken
    if args.build_dir and not os.path.isdir(args.build_dir):
        raise InputError(args.build_dir, "no such build directory")
    testlogs = args.testlog
    if not testlogs and not direct:
        testlogs = [os.path.join(args.build_dir, "meson-logs", "testlog.json")]
    tests = [meson_log.from_tap_file(*_pair(t, "--tap")) for t in args.tap]
    broken = [_pair(b, "--broken") for b in args.broken]
    impl = os.path.abspath(args.impl) if args.impl else ""
    if impl and not os.path.isdir(impl):
        raise InputError(args.impl, "no such implementation directory")
    meta = {"name": args.name or (os.path.basename(impl.rstrip("/")) if impl else "reference")}
    meta.update(machine.describe())
    meta.update(impl=impl, target=args.target, wrapper=args.wrapper,
                procsig=provenance.describe(SOURCE_ROOT))
    if args.only:
        meta["only"] = args.only
    meta.update(_pair(r, "--run") for r in args.run)
    cat = None
    if args.catalogue:
        from . import catalogue

        cat = catalogue.conformance_assertions(args.catalogue)
    report = run.build(args.build_dir or args.out, testlogs, meta, SOURCE_ROOT, impl=impl,
                       xml_files=args.gtest_xml,
                       conformance_catalogue=cat, only=args.only, tests=tests, broken=broken,
                       target=args.target)
    write(report, args.out)
    return EXIT_OK


def _pair(text, option):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise InputError(option, f"'{text}' is not KEY=VALUE")
    return key, value


def _merge(args):
    write(merge.merge_files(args.reports), args.out)
    return EXIT_OK


def _summary(args):
    runs, cat = merge.load(args.report)
    report = merge.matrix(runs, [cat])
    print(summary.render(report, os.path.dirname(args.report)))
    return EXIT_UNEXPECTED if summary.unexpected(report) else EXIT_OK


def _catalogue():
    return run.merge_catalogue(
        catalogue.generate_conformance(SOURCE_ROOT),
        catalogue.contract_rules(os.path.join(SOURCE_ROOT, "docs", "contract.md")))


def _list(args):
    rows = select.chosen(_catalogue(), select.patterns(args.only))
    for r in rows:
        print(f"{r['id']}\t{r['suite']}\t{r.get('level') or '-'}\t"
              + " ".join(r["description"].split()))
    return EXIT_OK if rows else EXIT_UNEXPECTED


def _failed(args):
    runs, _ = merge.load(args.report)
    print(",".join(select.failed_ids(runs)))
    return EXIT_OK


def _filter(args):
    globs = select.patterns(args.only)
    if not globs:
        raise InputError("--only", "no pattern given")
    if args.gtest:
        print(select.gtest_filter(catalogue.generate_conformance(SOURCE_ROOT), globs))
    else:
        print(select.bats_filter(globs))
    return EXIT_OK


def _tap(args):
    from . import bats, tap

    try:
        with open(args.file, encoding="utf-8", errors="replace") as f:
            tests = tap.parse(f.read())
    except OSError as e:
        raise InputError(args.file, e.strerror or str(e))
    for t in tests:
        if t.directive:
            print(f"skip\t{t.description}\t{t.reason}")
        elif t.ok:
            print(f"pass\t{t.description}\t")
        else:
            print(f"fail\t{t.description}\t{bats.failure(t.diagnostics, '', SOURCE_ROOT).cause}")
    return EXIT_OK


def _counts(args):
    """The progress line: counted as the report counts (the same
    expectations turn listed failures into expected ones)."""
    impl = os.path.abspath(args.impl) if args.impl else ""
    results = run.build(args.build_dir, [args.testlog], {}, SOURCE_ROOT, impl=impl,
                        conformance_catalogue=[], only=args.only, target=args.target)["results"]
    counts = {}
    for r in results:
        if r["suite"] == args.suite:
            counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    said = [f"{counts[o]} {O.LABELS[o]}" for o in O.ALL if counts.get(o)]
    print(", ".join(said) or "no result")
    return EXIT_OK


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "build" and not (args.build_dir or args.tap or args.gtest_xml
                                        or args.broken):
        parser.error("build: --build-dir is needed unless --tap, --gtest-xml or --broken is given")
    try:
        return {"build": _build, "merge": _merge, "summary": _summary, "list": _list,
                "failed": _failed, "filter": _filter, "counts": _counts,
                "tap": _tap}[args.command](args)
    except InputError as e:
        print(f"report: {e}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader (head, a closed pager) has what it wanted.
        sys.stderr.close()
        return EXIT_OK
