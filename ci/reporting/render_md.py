"""report.md: the report as Markdown tables."""

from . import outcomes as O
from . import text


def _cell(value):
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _row(cells):
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header, rows):
    lines = [_row(header), "|" + "---|" * len(header)]
    lines += [_row(r) for r in rows]
    return lines


def render(report):
    runs, rows = report["runs"], report["catalogue"]
    out = ["# procsig report", "", "## Unexpected results", ""]
    bad = [(r, res) for r in runs for res in r["results"] if res["outcome"] in O.UNEXPECTED]
    for r, res in bad:
        where = f" (at `{res['where']}`)" if res.get("where") else ""
        tags = ", ".join(t for t in (res["suite"], res.get("level", "")) if t)
        cause = " ".join((res.get("cause") or res.get("message") or "no message").split())
        out.append(f"- **{O.LABELS[res['outcome']]}** `{res['id']}` [{tags}] in "
                   f"{text.column_title(r['run'])}: {cause.replace('|', chr(92) + '|')}{where}")
    if not bad:
        out.append("None: every check passed, failed as expected, was skipped or was observed.")
    out += ["", "## Runs", ""]
    out += _table(["run", "distro", "kernel", "libc", "implementation", "target", "wrapper",
                   "machine", "date"],
                  [[text.column_title(r["run"]), r["run"].get("distro", ""),
                    r["run"].get("kernel", ""), r["run"].get("libc", ""),
                    r["run"].get("impl") or "reference", r["run"].get("target") or "-",
                    r["run"].get("wrapper") or "-",
                    "{hostname} ({nproc} CPUs)".format(**r["run"]["machine"])
                    if isinstance(r["run"].get("machine"), dict) else r["run"].get("machine", ""),
                    r["run"].get("date", "")] for r in runs])
    out += ["", "## Totals", ""]
    total_rows = []
    for r in runs:
        for suite, counts in r["totals"].items():
            total_rows.append([text.column_title(r["run"]), suite] +
                              [counts.get(o, 0) for o in O.COUNTED])
    out += _table(["run", "suite"] + list(O.COUNTED), total_rows)
    out += ["", "## Results", ""]
    by_run = [{res["id"]: res for res in r["results"]} for r in runs]
    matrix_rows = []
    for row in rows:
        cells = []
        for results in by_run:
            res = results.get(row["id"])
            label = text.cell_text(res)
            cells.append(f"**{label}**" if res and res["outcome"] in O.UNEXPECTED else label)
        matrix_rows.append([f"`{row['id']}`", row["suite"], row["clause"], row["description"]]
                           + cells)
    out += _table(["ID", "suite", "clause", "description"]
                  + [text.column_title(r["run"]) for r in runs], matrix_rows)
    out += ["", "## Messages", ""]
    for r in runs:
        notes = text.noteworthy(r["results"])
        out += [f"### {text.column_title(r['run'])}", ""]
        if not notes:
            out += ["No failures, expected failures or skips.", ""]
        for res in notes:
            out.append(f"- **{O.LABELS[res['outcome']]}** `{res['id']}` ({res['suite']}): "
                       + text.one_line(res["message"], 2000).replace("|", "\\|"))
        out.append("")
    return "\n".join(out)
