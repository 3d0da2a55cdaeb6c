"""index.html: one self-contained page (inline CSS, no script, nothing
fetched), rendered with Jinja2 from templates/report.html.j2. The
unexpected results come first, by run, suite and level, each with its
cause and a link to its rule's text (rendered into the page); then the
totals, what each outcome means, the matrix with one collapsible block per
area (open where something is wrong), the messages, the rule texts and
the runs. Every cell says its outcome in words; colour only helps."""

import os
import re

import jinja2
from markupsafe import Markup, escape

from . import outcomes as O
from . import text
from .catalogue import LEVELS, level_name

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1a1a1a; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.25em; margin: 1.4em 0 .5em; }
h2.fail-head { color: #8a0000; }
h3 { font-size: 1.05em; margin: 1em 0 .3em; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid #c8c8c8; padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #eceff3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.id { font-family: monospace; white-space: nowrap; }
td.desc { max-width: 38em; color: #333; }
td.cause { max-width: 60em; }
td.where { font-family: monospace; font-size: .92em; white-space: nowrap; }
td.cell { font-weight: 600; min-width: 7em; max-width: 16em; overflow-wrap: anywhere; }
.pass { background: #d4f4dd; color: #0b5d1e; }
.fail { background: #f9d0d0; color: #8a0000; }
.expected-fail { background: #fdecc8; color: #7a4b00; }
.unexpected-pass { background: #f3c6f0; color: #6b006b; }
.intermittent { background: #fbf3b0; color: #5c5200; }
.skip { background: #e6e6e6; color: #444; }
.not-claimed { background: #eeeeee; color: #555; font-style: italic; }
.observed { background: #d6e8fb; color: #0b3d73; font-weight: 400; }
.not-run { background: #fff; color: #888; font-weight: 400; font-style: italic; }
td.zero { color: #999; }
p.all-good { padding: .6em 1em; font-weight: 600; border: 1px solid #9bd3aa; }
dl.legend { display: grid; grid-template-columns: max-content auto; gap: 3px 12px; }
dl.legend dt span { display: inline-block; padding: 1px 8px; border: 1px solid #c8c8c8; }
dl.legend dd { margin: 0; }
details.area { margin: .3em 0; }
details.area > summary { cursor: pointer; padding: 2px 0; }
details pre { white-space: pre-wrap; font-size: .9em; background: #f7f7f7; padding: .4em; }
dl.messages dt, dl.rules dt { font-family: monospace; margin-top: .6em; }
dl.messages dd { margin: .2em 0 0 1.5em; white-space: pre-wrap; font-family: monospace; font-size: .92em; }
dl.rules dd { margin: .2em 0 0 1.5em; max-width: 60em; }
a { color: inherit; }
code { background: #f2f2f2; padding: 0 2px; }
"""

_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def _safe_id(rid):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", rid)


def rule_anchor(rid):
    return "rule-" + _safe_id(rid)


def message_anchor(run_index, rid):
    return f"m{run_index}-" + _safe_id(rid)


def _prose(value):
    """Escapes text and shows the contract's `code` spans as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(value))))


def area(rid):
    """The block a row is shown in: 'C.FORK.LINES' is in C.FORK, 'WAIT.ECHILD'
    in WAIT, 'e2e/e2e-fork' in e2e."""
    if "/" in rid:
        return rid.split("/", 1)[0]
    parts = rid.split(".")
    return ".".join(parts[:2]) if parts[0] == "C" and len(parts) > 2 else parts[0]


def _level_rank(level):
    name = level_name(level)
    return LEVELS.index(name) if name in LEVELS else len(LEVELS)


def _failures(runs):
    groups = []
    for r in runs:
        bad = [res for res in r["results"] if res["outcome"] in O.UNEXPECTED]
        keyed = {}
        for res in bad:
            keyed.setdefault((res["suite"], res.get("level", "")), []).append(res)
        for (suite, level), rows in sorted(keyed.items(), key=lambda kv: _level_rank(kv[0][1])):
            rows = [dict(res, cause_text=" ".join((res.get("cause") or res.get("message")
                                                    or "no message").split()))
                    for res in rows]
            groups.append({"run": text.column_title(r["run"]), "suite": suite, "level": level,
                           "count": len(rows), "rows": rows})
    return groups


def _counts_text(outcomes):
    counted = {}
    for o in outcomes:
        counted[o] = counted.get(o, 0) + 1
    return ", ".join(f"{counted[o]} {O.LABELS[o]}" for o in O.COUNTED if o in counted)


def _suites(runs, rows):
    by_run = [{res["id"]: res for res in r["results"]} for r in runs]
    suites = []
    for row in rows:
        if not suites or suites[-1]["suite"] != row["suite"]:
            suites.append({"suite": row["suite"], "areas": []})
        areas = suites[-1]["areas"]
        name = area(row["id"])
        if not areas or areas[-1]["area"] != name:
            areas.append({"area": name, "rows": [], "outcomes": []})
        cells = []
        for i, results in enumerate(by_run):
            res = results.get(row["id"])
            outcome = res["outcome"] if res else O.NOT_RUN
            areas[-1]["outcomes"].append(outcome)
            message = res.get("message", "") if res else ""
            cells.append({"outcome": outcome, "text": text.cell_text(res),
                          "title": text.one_line(message, 400) if message else "",
                          "anchor": message_anchor(i, row["id"])
                          if message and outcome != O.PASS else ""})
        areas[-1]["rows"].append(dict(row, cells=cells))
    for s in suites:
        for a in s["areas"]:
            a["bad"] = any(o in O.UNEXPECTED for o in a["outcomes"])
            a["counts"] = _counts_text(a["outcomes"])
    return suites


def _facts(m):
    machine = m.get("machine", "")
    if isinstance(machine, dict):
        machine = f"{machine.get('hostname', '')} ({machine.get('nproc', '?')} CPUs)"
    commit = (m.get("procsig") or {}).get("commit", "") if isinstance(m.get("procsig"), dict) else ""
    return [text.column_title(m), m.get("distro", ""), m.get("kernel", ""), m.get("libc", ""),
            m.get("impl") or "reference", m.get("target") or "-", m.get("wrapper") or "-",
            machine, commit[:12] + ("-dirty" if commit.endswith("-dirty") else "") or "-",
            m.get("date", "")]


def _rule_texts(rows):
    by_clause = {}
    for row in rows:
        by_clause.setdefault(row.get("clause", ""), []).append(row)
    return list(by_clause.items())


def _environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["prose"] = _prose
    return env


def render(report):
    runs, rows = report["runs"], report["catalogue"]
    view_runs = [{"index": i, "title": text.column_title(r["run"]),
                  "details": text.column_details(r["run"]), "totals": r["totals"],
                  "notes": text.noteworthy(r["results"]), "facts": _facts(r["run"])}
                 for i, r in enumerate(runs)]
    return _environment().get_template("report.html.j2").render(
        css=Markup(_CSS), runs=view_runs, failures=_failures(runs), counted=O.COUNTED,
        meanings=O.MEANINGS, suites=_suites(runs, rows), rule_texts=_rule_texts(rows),
        label=lambda o: O.LABELS[o], rule_anchor=rule_anchor, message_anchor=message_anchor)
