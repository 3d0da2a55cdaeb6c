"""The short summary ci/validate prints: totals per suite, then one line per
unexpected result (its ID, suite and level, the observed cause, whole)
and a second line saying where to read more; skips for absent programs
are counted in one line."""

from . import bats
from . import outcomes as O
from . import text
from .catalogue import LEVELS, level_name

_WIDTHS = {o: max(len(o), 4) for o in O.COUNTED}
# Unexpected results are listed by level, the chapter's first.
_LEVEL_ORDER = LEVELS + ("",)


def _level_rank(res):
    name = level_name(res.get("level", ""))
    return _LEVEL_ORDER.index(name) if name in _LEVEL_ORDER else len(_LEVEL_ORDER)


def cause(res):
    """The observed cause of a result, whole, on one line."""
    said = res.get("cause") or res.get("message", "")
    return " ".join(said.split()) or "no message"


def _failure_lines(res):
    tags = ", ".join(t for t in (res["suite"], res.get("level", "")) if t)
    lines = [f"    {O.LABELS[res['outcome']]} {res['id']} [{tags}]: {cause(res)}"]
    if res.get("where"):
        lines.append(f"      at {res['where']}")
    return lines


def _by_level(bad):
    counts = {}
    for res in bad:
        name = level_name(res.get("level", "")) or res["suite"]
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name}: {n} failure{'s' if n > 1 else ''}" for name, n in counts.items())


def _skip_lines(results):
    """One line for every skip for an absent program, one per other skip."""
    absent, folders, lines = 0, {}, []
    for res in results:
        if res["outcome"] != O.SKIP:
            continue
        reasons = [ln for ln in (res.get("message") or "").splitlines() if ln.strip()]
        missing = [bats.absent_program(ln) for ln in reasons]
        if reasons and all(missing):
            absent += 1
            for program, folder in missing:
                folders.setdefault(folder, {})[program] = True
        else:
            lines.append(f"    skip {res['id']} [{res['suite']}]: {cause(res)}")
    if absent:
        where = "; ".join(f"{', '.join(sorted(progs))} not in {folder}"
                          for folder, progs in folders.items())
        lines.insert(0, f"  {absent} row(s) skipped for absent programs: {where}")
    elif lines:
        lines.insert(0, "  skipped:")
    return lines


def _not_claimed(results):
    claims = sorted({res.get("level", "") or res.get("cause", "") for res in results
                     if res["outcome"] == O.NOT_CLAIMED})
    n = sum(1 for res in results if res["outcome"] == O.NOT_CLAIMED)
    return [f"  {n} row(s) not claimed (not failures): {', '.join(claims)}"] if n else []


def _intermittent(results):
    """One line: the rows listed as intermittent, and how they went this run."""
    seen = [res for res in results if res["outcome"] == O.INTERMITTENT]
    if not seen:
        return []
    failed = sorted(res["id"] for res in seen if res.get("this_run") == "fail")
    line = (f"  {len(seen)} intermittent row(s) (neither passes nor failures): "
            f"{len(failed)} failed this run")
    return [line + (f" ({', '.join(failed)})" if failed else "")]


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
        lines += _skip_lines(r["results"])
        lines += _not_claimed(r["results"])
        lines += _intermittent(r["results"])
        bad = [res for res in r["results"] if res["outcome"] in O.UNEXPECTED]
        if bad:
            bad.sort(key=_level_rank)  # stable: suite and catalogue order within a level
            lines.append(f"  {len(bad)} unexpected result(s) ({_by_level(bad)}):")
            for res in bad:
                lines += _failure_lines(res)
        else:
            lines.append("  no unexpected result")
    if report_dir:
        lines.append(f"report (every message in full): {report_dir}/index.html, report.md, "
                     "report.json")
    return "\n".join(lines)


def unexpected(report):
    return any(res["outcome"] in O.UNEXPECTED for r in report["runs"] for res in r["results"])
