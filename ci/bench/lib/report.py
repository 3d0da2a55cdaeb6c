"""The benchmark's results as a table: the figures side by side, the ratios,
the issue's four targets with their verdicts, and the machine they were
measured on. One markdown text serves the terminal, the results file and
docs/performance.md."""

import datetime
import os
import platform
import re

DOC_BEGIN = "<!-- bench:begin -->"
DOC_END = "<!-- bench:end -->"
COLUMNS = ("echo_mpserv", "socat", "in-line", "bare fork echo", "contract fork echo")


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model") and value.strip():
                    cpu = value.strip()
                    break
    except OSError:
        pass
    distro = platform.system()
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": os.uname().release, "distro": distro}


def load_average():
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def now():
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def number_text(value, unit):
    if value is None:
        return "failed"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "KiB":
        return f"{value:,.0f} KiB"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _cell(figure):
    if figure is None:
        return "—"
    if figure["unit"] == "KiB":
        if figure["median"] is None:
            return "failed"
        return f"{figure['median']:,.0f} / {figure['max']:,.0f} KiB"
    text = number_text(figure["median"], figure["unit"])
    if figure.get("suffix") and figure["median"] is not None:
        text += f" ({figure['suffix']})"
    failed = len(figure["failures"])
    if failed and figure["median"] is not None:
        text += f" ({failed} of {failed + len(figure['runs'])} failed)"
    return text


def ratio_text(value, digits=2):
    """×0.90; a target's own figure takes 3 digits, so that a ratio just
    under its bound (0.898 against 0.9) does not read as meeting it."""
    return "n/a" if value is None else f"×{value:.{digits}f}"


def judged_text(judged, what=""):
    """A target's ratio with what it rests on: "×0.938 with 1 client (median
    of 23 pairs of runs; 95% interval ×0.912-0.961)", and "undecided" when
    the pairs ran out with the target still inside the interval."""
    if not judged or judged["median"] is None:
        return f"n/a {what}".strip()
    text = f"{ratio_text(judged['median'], 3)} {what}".rstrip()
    text += f" (median of {judged['pairs']} pair"
    text += "s" if judged["pairs"] != 1 else ""
    text += " of runs"
    if judged["interval"]:
        low, high = judged["interval"]
        text += f"; {judged['confidence']:.0%} interval {ratio_text(low, 3)}-{high:.3f}"
        if not judged["decided"]:
            text += ", which holds the target: undecided"
    return text + ")"


def table(results):
    """The side-by-side table and the targets, as markdown."""
    run = results["run"]
    lines = [
        f"Measured {run['date']} on {run['machine']['cpu']}, {run['machine']['cores']} cores, "
        f"Linux {run['machine']['kernel']}, {run['machine']['distro']}; "
        f"load average {run['load_before']} at the start (the bursts' children raise it later). "
        f"Each figure is the median of {run['repeat']} run(s)"
        + (" (--quick: small sizes, targets not judged)." if run["quick"] else
           "; where a target judges a ratio, its two servers' figures are the medians of all "
           "the runs of the pairs that the target's line counts."),
        "",
        "| measurement | echo_mpserv | socat | in-line | bare fork echo | contract fork echo "
        "| fork limit | ratios |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in results["rows"]:
        cells = [_cell(row["figures"].get(name)) for name in COLUMNS]
        fork = _cell(row["figures"].get("fork limit"))
        ratios = "; ".join(f"{ratio_text(v)} {k}" for k, v in row["ratios"].items())
        lines.append(f"| {row['label']} | " + " | ".join(cells) + f" | {fork} | {ratios} |")
    lines += curve_tables(results.get("curves", {}))
    lines += ["", "| target (issue 17) | wanted | measured | verdict |", "|---|---|---|---|"]
    for target in results["targets"]:
        lines.append(f"| {target['name']} | {target['wanted']} | {target['measured']} "
                     f"| {target['verdict']} |")
    for title, key in (("Problems", "problems"), ("Notes", "notes")):
        if results[key]:
            lines += ["", f"{title}:", ""] + [f"- {item}" for item in results[key]]
    return "\n".join(lines) + "\n"


def _curve_value(value, unit):
    if value is None:
        return "failed"
    if unit == "s":
        return f"{value:.3f}"
    return f"{value:,.0f}"


def curve_tables(curves):
    """Each curve as a small table: one column per point, one row per server."""
    lines = []
    for curve in curves.values():
        if not curve["x"]:
            continue
        lines += ["", f"{curve['label']} ({curve['unit']}):", "",
                  f"| {curve['x_unit']} | " + " | ".join(f"{x:,}" for x in curve["x"]) + " |",
                  "|---|" + "--:|" * len(curve["x"])]
        for server, values in curve["servers"].items():
            lines.append(f"| {server} | " + " | ".join(_curve_value(v, curve["unit"])
                                                      for v in values) + " |")
    return lines


def rewrite_doc(path, section):
    """Replaces the text between the bench markers of path by section."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pattern = re.compile(re.escape(DOC_BEGIN) + r".*?" + re.escape(DOC_END), re.S)
    if not pattern.search(text):
        return False
    text = pattern.sub(lambda _: f"{DOC_BEGIN}\n{section}{DOC_END}", text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return True
