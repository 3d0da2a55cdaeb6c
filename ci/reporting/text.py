"""Things every renderer says the same way."""

from . import outcomes as O


def column_title(run):
    return run.get("name") or "run"


def column_details(run):
    """distro, kernel, libc, implementation, target and wrapper of a run."""
    parts = [run.get("distro", ""), f"kernel {run['kernel']}" if run.get("kernel") else "",
             run.get("libc", ""), f"impl {run.get('impl') or 'reference'}"]
    if run.get("target"):
        parts.append(f"target {run['target']}")
    if run.get("wrapper"):
        parts.append(f"under {run['wrapper']}")
    return [p for p in parts if p]


def cell_text(result):
    """What a matrix cell shows: the label, or the observed value."""
    if result is None:
        return O.LABELS[O.NOT_RUN]
    if result["outcome"] == O.OBSERVED and result.get("observed"):
        return result["observed"]
    if result["outcome"] == O.INTERMITTENT:
        this_run = {"fail": "failed", "pass": "passed"}.get(result.get("this_run", ""), "?")
        return f"{O.LABELS[O.INTERMITTENT]}: {this_run}"
    return O.LABELS[result["outcome"]]


def one_line(message, limit=200):
    text = " | ".join(ln.strip() for ln in (message or "").splitlines() if ln.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def noteworthy(results):
    """Results whose message a reader wants under the table, worst first."""
    order = (O.FAIL, O.UNEXPECTED_PASS, O.EXPECTED_FAIL, O.INTERMITTENT, O.SKIP)
    picked = [r for r in results if r["outcome"] in order and r.get("message")]
    return sorted(picked, key=lambda r: order.index(r["outcome"]))
