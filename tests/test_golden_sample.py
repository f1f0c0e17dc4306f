"""The sample agency's workbook (every cell of every sheet) and `agency-xl metrics` are what
tests/golden/ holds: a change meant to move code and not figures (issue 12) moves none. After a
change that is meant to move a figure, regenerate with `python tests/golden_sample.py --write` and
say in the commit which figures moved and why."""

from __future__ import annotations

import json

from golden_sample import CELLS, METRICS, sample_metrics, sample_workbook

HOW = "if the change is meant to move figures: python tests/golden_sample.py --write, and say why"


def _differences(want: object, got: object, path: str = "") -> list[str]:
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for key in sorted(set(want) | set(got), key=str):
            if key not in got:
                out.append(f"{path}{key}: gone (was {want[key]!r})")
            elif key not in want:
                out.append(f"{path}{key}: new {got[key]!r}")
            else:
                out += _differences(want[key], got[key], f"{path}{key}.")
        return out
    return [] if want == got else [f"{path[:-1]}: {want!r} -> {got!r}"]


def test_every_cell_of_the_sample_workbook_is_as_before():
    diff = _differences(json.loads(CELLS.read_text(encoding="utf-8")), sample_workbook())
    assert not diff, f"{len(diff)} cells differ ({HOW}):\n" + "\n".join(diff[:40])


def test_agency_xl_metrics_of_the_sample_is_as_before():
    diff = _differences(json.loads(METRICS.read_text(encoding="utf-8")), sample_metrics())
    assert not diff, f"{len(diff)} metrics differ ({HOW}):\n" + "\n".join(diff[:40])
