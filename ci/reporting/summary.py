"""The short summary ci/validate prints: totals per suite and every
unexpected result with its message."""

from . import outcomes as O
from . import text

_WIDTHS = {o: max(len(o), 4) for o in O.COUNTED}


def render(report, report_dir=""):
    lines = []
    for r in report["runs"]:
        meta = r["run"]
        lines.append(f"procsig run '{text.column_title(meta)}': "
                     + ", ".join(text.column_details(meta)))
        header = f"  {'suite':<12}" + " ".join(f"{o:>{_WIDTHS[o]}}" for o in O.COUNTED)
        lines.append(header)
        for suite, counts in r["totals"].items():
            lines.append(f"  {suite:<12}" + " ".join(f"{counts.get(o, 0):>{_WIDTHS[o]}}"
                                                      for o in O.COUNTED))
        bad = [res for res in r["results"] if res["outcome"] in O.UNEXPECTED]
        if bad:
            lines.append(f"  {len(bad)} unexpected result(s):")
            for res in bad:
                lines.append(f"    {O.LABELS[res['outcome']]:<15} {res['id']} ({res['suite']}): "
                             + text.one_line(res.get("message", "")))
        else:
            lines.append("  no unexpected result")
    if report_dir:
        lines.append(f"report: {report_dir}/index.html, report.md, report.json")
    return "\n".join(lines)


def unexpected(report):
    return any(res["outcome"] in O.UNEXPECTED for r in report["runs"] for res in r["results"])
