"""index.html: one self-contained page (inline CSS, no script, nothing
fetched) with the totals per run, the colour-coded matrix and the
messages. Every cell says its outcome in words; colour only helps."""

import html
import re

from . import outcomes as O
from . import text

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1a1a1a; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.25em; margin: 1.4em 0 .5em; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid #c8c8c8; padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #eceff3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.suite th { background: #dde3ea; font-size: 1.05em; }
td.id { font-family: monospace; white-space: nowrap; }
td.desc { max-width: 38em; color: #333; }
td.cell { font-weight: 600; min-width: 7em; max-width: 16em; overflow-wrap: anywhere; }
.pass { background: #d4f4dd; color: #0b5d1e; }
.fail { background: #f9d0d0; color: #8a0000; }
.expected-fail { background: #fdecc8; color: #7a4b00; }
.unexpected-pass { background: #f3c6f0; color: #6b006b; }
.skip { background: #e6e6e6; color: #444; }
.observed { background: #d6e8fb; color: #0b3d73; font-weight: 400; }
.not-run { background: #fff; color: #888; font-weight: 400; font-style: italic; }
td.zero { color: #999; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #c8c8c8; }
dl.messages dt { font-family: monospace; margin-top: .6em; }
dl.messages dd { margin: .2em 0 0 1.5em; white-space: pre-wrap; font-family: monospace; font-size: .92em; }
a { color: inherit; }
code { background: #f2f2f2; padding: 0 2px; }
"""


def _e(value):
    return html.escape(str(value), quote=True)


def _prose(value):
    """Escapes text and shows the contract's `code` spans as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(value))


def _anchor(run_index, rid):
    return f"m{run_index}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", rid)


def _runs_table(runs):
    out = ["<table class='runs'><tr><th>run</th><th>distro</th><th>kernel</th><th>libc</th>"
           "<th>implementation</th><th>target</th><th>wrapper</th><th>machine</th><th>date</th></tr>"]
    for r in runs:
        m = r["run"]
        machine = m.get("machine", "")
        if isinstance(machine, dict):
            machine = f"{machine.get('hostname', '')} ({machine.get('nproc', '?')} CPUs)"
        cells = [text.column_title(m), m.get("distro", ""), m.get("kernel", ""),
                 m.get("libc", ""), m.get("impl") or "reference", m.get("target") or "-",
                 m.get("wrapper") or "-", machine, m.get("date", "")]
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return out


def _totals_table(runs):
    out = ["<table class='totals'><tr><th>run</th><th>suite</th>"
           + "".join(f"<th>{_e(o)}</th>" for o in O.COUNTED) + "</tr>"]
    for r in runs:
        for suite, counts in r["totals"].items():
            cells = []
            for o in O.COUNTED:
                n = counts.get(o, 0)
                cls = f"num {o}" if n and o != O.NOT_RUN else "num zero" if not n else "num"
                cells.append(f"<td class='{cls}'>{n}</td>")
            out.append(f"<tr><td>{_e(text.column_title(r['run']))}</td><td>{_e(suite)}</td>"
                       + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def _matrix(runs, rows):
    by_run = [{res["id"]: res for res in r["results"]} for r in runs]
    head = "".join(
        f"<th>{_e(text.column_title(r['run']))}<br><small>"
        + "<br>".join(_e(d) for d in text.column_details(r["run"])) + "</small></th>"
        for r in runs)
    out = [f"<table class='matrix'><tr><th>ID</th><th>clause</th><th>description</th>{head}</tr>"]
    suite = None
    for row in rows:
        if row["suite"] != suite:
            suite = row["suite"]
            out.append(f"<tr class='suite'><th colspan='{3 + len(runs)}'>{_e(suite)}</th></tr>")
        cells = []
        for i, results in enumerate(by_run):
            res = results.get(row["id"])
            outcome = res["outcome"] if res else O.NOT_RUN
            label = _e(text.cell_text(res))
            if res and res.get("message") and outcome != O.PASS:
                label = f"<a href='#{_anchor(i, row['id'])}'>{label}</a>"
            title = f" title='{_e(text.one_line(res['message'], 400))}'" \
                if res and res.get("message") else ""
            cells.append(f"<td class='cell {outcome}'{title}>{label}</td>")
        out.append(f"<tr><td class='id'>{_e(row['id'])}</td><td>{_e(row['clause'])}</td>"
                   f"<td class='desc'>{_prose(row['description'])}</td>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def _messages(runs):
    out = []
    for i, r in enumerate(runs):
        notes = text.noteworthy(r["results"])
        out.append(f"<h3>{_e(text.column_title(r['run']))}</h3>")
        if not notes:
            out.append("<p>No failures, expected failures or skips.</p>")
            continue
        out.append("<dl class='messages'>")
        for res in notes:
            out.append(f"<dt id='{_anchor(i, res['id'])}'><span class='{res['outcome']}'>"
                       f"{_e(O.LABELS[res['outcome']])}</span> {_e(res['id'])} "
                       f"({_e(res['suite'])})</dt><dd>{_e(res['message'])}</dd>")
        out.append("</dl>")
    return out


def render(report):
    runs, rows = report["runs"], report["catalogue"]
    legend = "".join(f"<span class='{o}'>{_e(O.LABELS[o])}</span>" for o in O.COUNTED)
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<title>procsig report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>procsig report</h1>", "<h2>Runs</h2>"]
    parts += _runs_table(runs)
    parts += ["<h2>Totals</h2>"] + _totals_table(runs)
    parts += ["<h2>Results</h2>", f"<p class='legend'>{legend}</p>"] + _matrix(runs, rows)
    parts += ["<h2>Messages</h2>"] + _messages(runs)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
