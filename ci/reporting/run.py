"""Builds one run (docs/developing.md's report.json) from a build directory:
its Meson test logs, the conformance suite's gtest XML, and the catalogue
of rows that exist whether or not they ran."""

import os
import re
from dataclasses import dataclass
from typing import Optional

from . import bats, catalogue, gtest_xml, meson_log, provenance, select, tap
from . import outcomes as O

_RULE_ID = re.compile(r"^(C\.[A-Z0-9_]+\.[A-Z0-9_]+)\s*:")
_SUITE_ORDER = ("conformance", "e2e", "stress", "selfcheck", "unit", "harness")
# Folders of a build directory that never hold a suite's results.
_SKIP_DIRS = {"meson-private", "meson-info", "report"}
# gtest XML older than the run that should have written it, by more than
# this many seconds, is left over from an earlier run.
_STALE_SLACK = 2.0


def result(id, suite, outcome, message="", clause="", description="", observed="", cause="",
           where="", duration=None, this_run=""):
    """One row of a run. message is everything the test said; cause is the
    observation in one line (for failures and skips); where is the file and
    line to read more at; duration is in seconds, None when unknown;
    this_run is an intermittent row's result ("pass" or "fail")."""
    row = {"id": id, "suite": suite, "clause": clause, "description": description,
           "outcome": outcome, "message": message, "observed": observed, "cause": cause,
           "where": where, "level": ""}
    if duration is not None:
        row["duration"] = round(duration, 3)
    if this_run:
        row["this_run"] = this_run
    return row


def _tail(text, lines=6):
    return "\n".join(text.strip().splitlines()[-lines:])


def _meson_outcome(test):
    return {
        "OK": O.PASS,
        "SKIP": O.SKIP,
        "EXPECTEDFAIL": O.EXPECTED_FAIL,
        "UNEXPECTEDPASS": O.UNEXPECTED_PASS,
    }.get(test.result, O.FAIL)


def _test_level(test):
    """One row for a whole Meson test, used where its own output cannot say
    more (a crash, a timeout, a suite read test by test)."""
    outcome = _meson_outcome(test)
    message = cause = ""
    if outcome != O.PASS:
        message = cause = f"meson test '{test.name}' ended {test.result}"
        if test.returncode is not None:
            message = cause = cause + f", exit status {test.returncode}"
        detail = _tail(test.stderr) or _tail(test.stdout)
        if detail and outcome != O.SKIP:
            message += "\n" + detail
            cause += ": " + detail.splitlines()[-1].strip()
    return result(f"{test.suite or 'tests'}/{test.name}", test.suite, outcome, message,
                  description=f"Meson test '{test.name}'", cause=cause,
                  duration=test.duration)


def _broken(test):
    """A test whose end says results may be missing, whatever it printed."""
    return test.result in ("TIMEOUT", "INTERRUPT") or (test.returncode or 0) < 0


# --- conformance: gtest XML ------------------------------------------------

def find_gtest_xml(build_dir, tests):
    """The gtest XML files this run's conformance tests wrote: Meson's own
    <test name>.xml (gtest protocol) anywhere in the build directory, and
    any gtest XML in meson-logs/ but Meson's JUnit logs. Files older than
    the run are ignored."""
    conformance = [t for t in tests if t.suite == "conformance"]
    if not conformance:
        return []
    since = min(t.starttime for t in conformance) - _STALE_SLACK
    wanted = {t.name + ".xml" for t in conformance}
    found = []
    for dirpath, dirnames, filenames in os.walk(build_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".p"))
        in_logs = os.path.basename(dirpath) == "meson-logs"
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            # Meson's own JUnit logs (<logbase>.junit.xml) copy every suite's
            # results under other names; they are not the conformance XML.
            if not name.endswith(".xml") or name.endswith(".junit.xml"):
                continue
            if (name in wanted or in_logs) and gtest_xml.is_gtest_xml(path) \
                    and os.path.getmtime(path) >= since:
                found.append(path)
    return found


def conformance_results(tests, xml_files):
    by_id = {}
    for path in xml_files:
        for case in gtest_xml.read(path):
            failed = case.outcome in O.UNEXPECTED + (O.SKIP,) or case.this_run == "fail"
            cause = case.message if failed else ""
            row = result(case.id, "conformance", case.outcome, case.message, case.clause,
                         case.description, case.observed, cause=" ".join(cause.split()),
                         where=case.where, duration=case.duration, this_run=case.this_run)
            row["level"] = "platform"
            old = by_id.get(case.id)
            if old is None or O.worst([old["outcome"], row["outcome"]]) != old["outcome"]:
                by_id[case.id] = row
    rows = list(by_id.values())
    any_failure = any(r["outcome"] in O.UNEXPECTED for r in rows)
    for t in tests:
        if t.suite == "conformance" and t.bad and (_broken(t) or not any_failure):
            rows.append(_test_level(t))
    return rows


# --- e2e, stress and selfcheck: TAP --------------------------------------------------

@dataclass
class _Seen:
    outcome: str
    message: str
    cause: str = ""
    where: str = ""
    duration: Optional[float] = None


def _tap_rows(test, suite, id_of, source_root=""):
    """Rows of one TAP test, several tests of one ID folded into one row."""
    folded, described = {}, {}
    for t in tap.parse(test.stdout):
        rid, description = id_of(t.description)
        described.setdefault(rid, description)
        if t.directive:
            outcome = O.NOT_CLAIMED if t.reason.startswith("not claimed") else O.SKIP
            seen = _Seen(outcome, t.reason, cause=t.reason)
        elif t.ok:
            seen = _Seen(O.PASS, "")
        else:
            f = bats.failure(t.diagnostics, rid, source_root)
            seen = _Seen(O.FAIL, "\n".join([f"{test.name}: {t.description}"] + t.diagnostics),
                         cause=f.cause, where=f.where)
        seen.duration = t.duration
        folded.setdefault(rid, []).append(seen)
    rows = []
    for rid, seen in folded.items():
        outcome = O.worst([s.outcome for s in seen])
        worst = [s for s in seen if s.outcome == outcome]
        messages = [s.message for s in worst if s.message]
        causes = list(dict.fromkeys(s.cause for s in worst if s.cause))
        cause = causes[0] if causes else ""
        if len(worst) > 1 and outcome == O.FAIL:
            cause += f" (and {len(worst) - 1} more failing test{'s' if len(worst) > 2 else ''})"
        durations = [s.duration for s in seen if s.duration is not None]
        rows.append(result(rid, suite, outcome, "\n".join(dict.fromkeys(messages)),
                           description=described[rid], cause=cause, where=worst[0].where,
                           duration=sum(durations) if durations else None))
    return rows


def _rule_id(description):
    """An e2e or stress test's contract rule: its row takes the rule's text from
    docs/contract.md, not the test's name."""
    m = _RULE_ID.match(description)
    return (m.group(1), "") if m else (description, "")


def _variant_id(description):
    """'fork-no-flush: what it shows' names the selfcheck variant or fault."""
    variant, _, rest = description.partition(": ")
    return (variant.strip(), rest.strip()) if rest else (description, "")


def _fold(rows):
    """Merges rows of the same ID coming from several Meson tests."""
    by_id = {}
    for r in rows:
        old = by_id.get(r["id"])
        if old is None:
            by_id[r["id"]] = r
            continue
        outcome = O.worst([old["outcome"], r["outcome"]])
        worst = [x for x in (old, r) if x["outcome"] == outcome]
        messages = [x["message"] for x in worst if x["message"]]
        old.update(outcome=outcome, message="\n".join(messages), cause=worst[0]["cause"],
                   where=worst[0]["where"])
        if "duration" in r:
            old["duration"] = round(old.get("duration", 0) + r["duration"], 3)
    return list(by_id.values())


def tap_suite_results(tests, suite, id_of, source_root=""):
    rows = []
    for t in tests:
        if t.suite != suite:
            continue
        own = _tap_rows(t, suite, id_of, source_root)
        rows.extend(own)
        if not own or (t.bad and (_broken(t) or not any(r["outcome"] == O.FAIL for r in own))):
            rows.append(_test_level(t))
    return _fold(rows)


def apply_expectations(rows, expected, source):
    """Turns listed failures into expected-fail and listed passes into
    unexpected-pass, as the conformance suite does for platforms; a row
    listed as intermittent becomes intermittent either way, with this_run
    saying which it was."""
    for r in rows:
        listed = expected.get(r["id"])
        if listed is None or r["outcome"] not in (O.FAIL, O.PASS):
            continue
        failed = r["outcome"] == O.FAIL
        if listed.intermittent:
            said = "intermittent failure" if failed else "passed this run"
            note = f"{said} ({source}, listed as {listed.rate}): {listed.reason}"
            r["outcome"], r["this_run"] = O.INTERMITTENT, "fail" if failed else "pass"
            r["message"] = note + (f"\n{r['message']}" if failed and r["message"] else "")
            r["cause"] = note
        elif failed:
            r["outcome"], r["message"] = O.EXPECTED_FAIL, listed.reason
            r["cause"] = f"expected ({source}): {listed.reason}"
        else:
            r["outcome"] = O.UNEXPECTED_PASS
            r["message"] = r["cause"] = f"passed, but {source} lists it: {listed.reason}"
    return rows


# --- the run ------------------------------------------------------------------

def _suite_rank(suite):
    return _SUITE_ORDER.index(suite) if suite in _SUITE_ORDER else len(_SUITE_ORDER)


def merge_catalogue(*row_lists):
    """Rows in first-seen order within each suite, suites in a fixed order;
    a later list fills in a clause or description an earlier one lacked."""
    rows = {}
    for row_list in row_lists:
        for r in row_list:
            known = rows.setdefault(r["id"], {"id": r["id"], "suite": r["suite"],
                                              "clause": "", "description": "", "level": ""})
            for key in ("clause", "description", "level"):
                if not known[key] and r.get(key):
                    known[key] = r[key]
    ordered = list(rows.values())
    ordered.sort(key=lambda r: _suite_rank(r["suite"]))  # stable: keeps first-seen order
    return ordered


def totals(results, rows):
    """{suite: {outcome: count}} with not-run counting catalogue rows that
    have no result."""
    out = {}
    for r in rows:
        out.setdefault(r["suite"], {o: 0 for o in O.COUNTED})
    ran = set()
    for r in results:
        out.setdefault(r["suite"], {o: 0 for o in O.COUNTED})[r["outcome"]] += 1
        ran.add(r["id"])
    for r in rows:
        if r["id"] not in ran:
            out[r["suite"]][O.NOT_RUN] += 1
    return {s: out[s] for s in sorted(out, key=_suite_rank)}


def build(build_dir, testlogs, meta, source_root, impl="", xml_files=None,
          conformance_catalogue=None, tests_root=None, only="", tests=(), broken=(),
          target=""):
    """tests_root is where the test files that ran were (default
    source_root): the places to read more are given relative to it. The
    e2e and stress rows take the expectations of the layer or platform
    (shell-tests/expectations/TARGET.txt, the programs' counterpart of
    conformance/expectations/TARGET.txt), then those of impl. only
    (--only's globs) keeps the rows it names, and every unexpected result.
    tests are MesonTests read elsewhere (meson_log.from_tap_file); broken
    is a list of (ID, message) for runs that ended before writing results."""
    tests_root = source_root if tests_root is None else tests_root
    tests = list(tests)
    for path in testlogs:
        tests.extend(meson_log.read(path))
    if xml_files is None:
        xml_files = find_gtest_xml(build_dir, tests)
    sources = []
    if target:
        path = os.path.join(source_root, "shell-tests", "expectations", f"{target}.txt")
        sources.append((catalogue.expectations(path), os.path.relpath(path, source_root)))
    if impl:
        path = os.path.join(impl, "expectations.txt")
        sources.append((catalogue.expectations(path), path))
    results = conformance_results(tests, xml_files)
    for suite in ("e2e", "stress"):
        rules = tap_suite_results(tests, suite, _rule_id, tests_root)
        for expected, source in sources:
            rules = apply_expectations(rules, expected, source)
        results += rules
    results += tap_suite_results(tests, "selfcheck", _variant_id, tests_root)
    for t in tests:
        if t.suite not in ("conformance", "e2e", "stress", "selfcheck"):
            results.append(_test_level(t))
    for rid, message in broken:
        suite = rid.split("/", 1)[0] if "/" in rid else "tests"
        results.append(result(rid, suite, O.FAIL, message, cause=message,
                              description="a run that ended before writing its results"))

    if conformance_catalogue is None:
        conformance_catalogue = catalogue.generate_conformance(source_root)
    contract = catalogue.contract_rules(os.path.join(source_root, "docs", "contract.md"))
    globs = select.patterns(only)
    if globs:
        conformance_catalogue = select.chosen(conformance_catalogue, globs)
        contract = select.chosen(contract, globs)
        results = [r for r in results
                   if select.matches(r["id"], globs) or r["outcome"] in O.UNEXPECTED]
    # Rows no catalogue knows come in ID order, not in the order a shuffled,
    # sharded run happened to write them.
    rows = merge_catalogue(conformance_catalogue, contract, sorted(results, key=lambda r: r["id"]))
    described = {r["id"]: r for r in rows}
    for r in results:
        for key in ("clause", "description", "level"):
            r[key] = r.get(key) or described[r["id"]].get(key, "")
    order = {r["id"]: i for i, r in enumerate(rows)}
    results.sort(key=lambda r: order[r["id"]])
    return {"format_version": provenance.FORMAT_VERSION, "run": meta,
            "totals": totals(results, rows), "results": results, "catalogue": rows}
