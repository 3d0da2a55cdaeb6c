"""ci/report's command line. See ci/report --help and docs/validating.md.

Exit status: 0 done (for `summary`: no unexpected result), 1 `summary`
found a failure or an unexpected pass, 2 bad usage, 3 an input file is
missing, unreadable or malformed, or the output cannot be written."""

import argparse
import json
import os
import sys

from . import machine, merge, render_html, render_md, run, summary
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
    b.add_argument("--build-dir", required=True, help="the Meson build directory")
    b.add_argument("--out", required=True, help="folder for report.json, report.md, index.html")
    b.add_argument("--name", default="", help="the run's name (default: the implementation's)")
    b.add_argument("--impl", default="", help="the implementation tested (its expectations.txt "
                                              "applies to the e2e and stress rows)")
    b.add_argument("--target", default="", help="the platform expectations target used")
    b.add_argument("--wrapper", default="", help="the command the conformance suite ran under")
    b.add_argument("--testlog", action="append", default=[],
                   help="a Meson JSON test log (repeatable; default "
                        "BUILD_DIR/meson-logs/testlog.json)")
    b.add_argument("--gtest-xml", action="append", default=None,
                   help="a gtest XML file (repeatable; default: found in BUILD_DIR)")
    b.add_argument("--catalogue", default=None,
                   help="conformance catalogue JSON (default: conformance/tools/"
                        "gen_assertions.py --json)")
    m = sub.add_parser("merge", help="merge report.json files into one matrix")
    m.add_argument("reports", nargs="+", help="single-run or merged report.json files")
    m.add_argument("--out", required=True, help="folder for the merged report")
    s = sub.add_parser("summary", help="print the short summary of a report.json")
    s.add_argument("report", help="a report.json")
    return p


def write(report, out_dir):
    """Writes report.json as given, and report.md and index.html of its
    matrix view."""
    try:
        os.makedirs(out_dir, exist_ok=True)
        view = merge.as_matrix(report)
        files = {"report.json": json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                 "report.md": render_md.render(view) + "\n",
                 "index.html": render_html.render(view)}
        for name, content in files.items():
            tmp = os.path.join(out_dir, f".{name}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(content)
            os.replace(tmp, os.path.join(out_dir, name))
    except OSError as e:
        raise InputError(out_dir, f"cannot write the report: {e.strerror or e}")


def _build(args):
    if not os.path.isdir(args.build_dir):
        raise InputError(args.build_dir, "no such build directory")
    testlogs = args.testlog or [os.path.join(args.build_dir, "meson-logs", "testlog.json")]
    impl = os.path.abspath(args.impl) if args.impl else ""
    if impl and not os.path.isdir(impl):
        raise InputError(args.impl, "no such implementation directory")
    meta = {"name": args.name or (os.path.basename(impl.rstrip("/")) if impl else "reference")}
    meta.update(machine.describe())
    meta.update(impl=impl, target=args.target, wrapper=args.wrapper)
    cat = None
    if args.catalogue:
        from . import catalogue

        cat = catalogue.conformance_assertions(args.catalogue)
    report = run.build(args.build_dir, testlogs, meta, SOURCE_ROOT, impl=impl,
                       xml_files=args.gtest_xml, conformance_catalogue=cat)
    write(report, args.out)
    return EXIT_OK


def _merge(args):
    write(merge.merge_files(args.reports), args.out)
    return EXIT_OK


def _summary(args):
    runs, cat = merge.load(args.report)
    report = merge.matrix(runs, [cat])
    print(summary.render(report, os.path.dirname(args.report)))
    return EXIT_UNEXPECTED if summary.unexpected(report) else EXIT_OK


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return {"build": _build, "merge": _merge, "summary": _summary}[args.command](args)
    except InputError as e:
        print(f"report: {e}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader (head, a closed pager) has what it wanted.
        sys.stderr.close()
        return EXIT_OK
