#!/usr/bin/env python3
"""Draws the curves of a benchmark results file as PNG images (matplotlib,
off-screen): connection rate against concurrent clients, time to echo a
burst against its size, memory against open connections; one line per
server, every image dated and naming the machine.

Usage: ci/bench/lib/plot.py RESULTS.json OUT_DIR
  RESULTS.json  a results file of ci/bench/echo-mpserv (<build>/bench/echo-mpserv.json)
  OUT_DIR       an existing directory; rate-vs-clients.png, burst-vs-size.png
                and memory-vs-connections.png are written into it

Prints the paths written, one a line. Exit status: 0 drawn; 1 the file holds
no curves; 2 bad usage or matplotlib missing.

ci/bench/echo-mpserv runs it with the first Python that has matplotlib
(its own, else /usr/bin/python3: a pyenv or virtualenv Python may lack
Debian's python3-matplotlib).
"""

import json
import os
import shutil
import subprocess
import sys

# Which file each curve goes to, and how its axes are drawn.
FILES = {
    "rate": ("rate-vs-clients.png", "log"),
    "burst": ("burst-vs-size.png", "log"),
    "memory": ("memory-vs-connections.png", "log"),
}
STYLE = {
    "echo_mpserv": {"color": "tab:blue", "marker": "o"},
    "bare fork echo": {"color": "tab:green", "marker": "s", "linestyle": "--"},
    "socat": {"color": "tab:red", "marker": "^", "linestyle": ":"},
}


def _pyplot():
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    return plt


def _ticker():
    import matplotlib.ticker  # pylint: disable=import-outside-toplevel
    return matplotlib.ticker


def interpreter():
    """A Python that can import matplotlib, or None."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c):
        if subprocess.run([python, "-c", "import matplotlib"], stdin=subprocess.DEVNULL,
                          capture_output=True, check=False).returncode == 0:
            return python
    return None


def draw_with(python, results_path, out_dir):
    """Runs this file as a script under `python`; returns the paths drawn."""
    done = subprocess.run([python, os.path.abspath(__file__), results_path, out_dir],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"plot.py exited with {done.returncode}")
    return done.stdout.split()


def draw(curves, run, out_dir):
    """Writes one PNG per curve into out_dir and returns their paths."""
    plt = _pyplot()
    ticker = _ticker()
    machine = run["machine"]
    subtitle = (f"{run['date']}, {machine['cpu']}, {machine['cores']} cores, Linux "
                f"{machine['kernel']}; load {run['load_before']} at start; "
                f"median of {run['repeat']}")
    paths = []
    for key, curve in curves.items():
        name, xscale = FILES[key]
        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
        for server, values in curve["servers"].items():
            points = [(x, y) for x, y in zip(curve["x"], values) if y is not None]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, label=server, **STYLE.get(server, {}))
        ax.set_xscale(xscale)
        if key != "rate":
            ax.set_yscale("log")
        ax.set_xticks(curve["x"])
        ax.set_xticklabels([f"{x:,}" for x in curve["x"]])
        ax.xaxis.set_minor_locator(ticker.NullLocator())  # the measured points only
        ax.set_xlabel(curve["x_unit"])
        ax.set_ylabel(curve.get("y_label", curve["unit"]))
        if key != "rate":
            ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _: f"{v:g}" if v < 10 else f"{v:,.0f}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        measured = [y for ys in curve["servers"].values() for y in ys if y]
        if key != "rate" and measured:
            ax.set_ylim(bottom=min(measured) / 1.5)  # room under the lowest point on a log axis
        ax.set_title(curve["label"], fontsize=11)
        note = subtitle
        if key == "rate" and run.get("judged_pairs") and not run.get("quick"):
            # The targets' points rest on more runs (ci/bench/lib/paired.py).
            note += ("; at 1 and 4 clients, echo_mpserv's and the bare fork echo's "
                     "of every pair of runs the targets took")
        fig.text(0.5, 0.005, note, ha="center", va="bottom", fontsize=7, color="dimgray",
                 wrap=True)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend()
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        path = os.path.join(out_dir, name)
        fig.savefig(path)
        plt.close(fig)
        paths.append(path)
    return paths


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__, end="")
        return 0
    if len(argv) != 3 or not os.path.isdir(argv[2]):
        print("plot.py: usage: plot.py RESULTS.json OUT_DIR (an existing directory; see --help)",
              file=sys.stderr)
        return 2
    if _pyplot() is None:
        print("plot.py: matplotlib is not installed (python3-matplotlib)", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        print(f"plot.py: cannot read {argv[1]}: {e}", file=sys.stderr)
        return 2
    if not results.get("curves"):
        print(f"plot.py: {argv[1]} holds no curves", file=sys.stderr)
        return 1
    for path in draw(results["curves"], results["run"], argv[2]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
