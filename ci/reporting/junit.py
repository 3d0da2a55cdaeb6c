"""report.junit.xml: the report for CI dashboards, one <testsuite> per run
and suite, one <testcase> per row that ran, and the observed cause as the
message of every failure (Meson's own JUnit file carries none)."""

import xml.etree.ElementTree as ET

from . import outcomes as O
from . import text

_SKIPPED = (O.SKIP, O.NOT_CLAIMED, O.EXPECTED_FAIL, O.INTERMITTENT)


def _case(parent, res, suite_name):
    case = ET.SubElement(parent, "testcase", classname=suite_name, name=res["id"],
                         time=f"{res.get('duration', 0) or 0:.3f}")
    cause = " ".join((res.get("cause") or res.get("message") or "").split())
    if res["outcome"] in O.UNEXPECTED:
        label = "unexpected pass" if res["outcome"] == O.UNEXPECTED_PASS else "failure"
        f = ET.SubElement(case, "failure", message=cause or label, type=res["outcome"])
        f.text = "\n".join(t for t in (res.get("where", ""), res.get("message", "")) if t)
    elif res["outcome"] in _SKIPPED:
        # An intermittent row is a skip whether it passed or failed: never a pass.
        ET.SubElement(case, "skipped", message=f"{text.cell_text(res)}: {cause}")
    elif res["outcome"] == O.OBSERVED and res.get("observed"):
        out = ET.SubElement(case, "system-out")
        out.text = f"observed: {res['observed']}"
    return res["outcome"] in O.UNEXPECTED


def render(report):
    root = ET.Element("testsuites", name="procsig")
    for r in report["runs"]:
        by_suite = {}
        for res in r["results"]:
            by_suite.setdefault(res["suite"], []).append(res)
        for suite, rows in by_suite.items():
            name = f"{text.column_title(r['run'])}.{suite}"
            ts = ET.SubElement(root, "testsuite", name=name)
            failures = sum(_case(ts, res, name) for res in rows)
            skipped = sum(res["outcome"] in _SKIPPED for res in rows)
            ts.set("tests", str(len(rows)))
            ts.set("failures", str(failures))
            ts.set("errors", "0")
            ts.set("skipped", str(skipped))
            ts.set("time", f"{sum(res.get('duration', 0) or 0 for res in rows):.3f}")
    if hasattr(ET, "indent"):  # Python 3.9
        ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
