"""Loads report.json files (single runs or merged matrices) and merges them
into one matrix: the union of their rows, one column per run."""

import json

from . import provenance
from . import run as runmod
from .errors import InputError


def load(path):
    """Returns (runs, catalogue) of a single-run or a merged report.json."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    except ValueError as e:
        raise InputError(path, f"malformed JSON: {e}")
    if not isinstance(data, dict):
        raise InputError(path, "not a procsig report (expected a JSON object)")
    runs = data["runs"] if "runs" in data else [data]
    for r in runs:
        if not isinstance(r, dict) or not isinstance(r.get("run"), dict) \
                or not isinstance(r.get("results"), list):
            raise InputError(path, "not a procsig report (a run lacks 'run' or 'results')")
        for res in r["results"]:
            if not isinstance(res, dict) or not {"id", "suite", "outcome"} <= res.keys():
                raise InputError(path, "not a procsig report (a result lacks id, suite or outcome)")
    return runs, data.get("catalogue") or []


def matrix(runs, catalogues):
    """A merged report: every run with totals against the union of rows."""
    rows = runmod.merge_catalogue(*catalogues, *(r["results"] for r in runs))
    merged = []
    for r in runs:
        entry = {"run": r["run"], "totals": runmod.totals(r["results"], rows),
                 "results": r["results"]}
        merged.append(entry)
    return {"format_version": provenance.FORMAT_VERSION, "runs": merged, "catalogue": rows}


def merge_files(paths):
    runs, catalogues = [], []
    for p in paths:
        more, cat = load(p)
        runs.extend(more)
        catalogues.append(cat)
    return matrix(runs, catalogues)


def as_matrix(report):
    """The matrix view of a single-run or merged report."""
    if "runs" in report:
        return report
    return matrix([report], [report.get("catalogue") or []])
