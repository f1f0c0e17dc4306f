"""The sample agency's workbook and metrics, written down once so that a change meant to move code
and not figures (issue 12's restructure, a module split) can be checked against them.

    python tests/golden_sample.py --write    # after a change that is MEANT to move a figure: say why

``tests/test_golden_sample.py`` builds both again and compares them with the files in tests/golden/.
Every cell of every sheet is kept: its value, or a formula's text and stored result.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden"
CELLS, METRICS = GOLDEN / "sample_cells.json", GOLDEN / "sample_metrics.json"
NOW = dt.datetime(2025, 11, 3, 8, 30)  # the refresh time written on Home
FOLDER = str(SAMPLE)  # the exports folder being refreshed (shown as "<sample>" in the record)


def _plain(value: Any) -> Any:
    """A cell value as JSON holds it, comparable across runs."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    return value


def workbook_cells(path: Path) -> dict[str, dict[str, Any]]:
    """Every non-empty cell of every sheet: {sheet: {"B5": value}}; a formula as
    {"f": text, "v": stored result}."""
    import openpyxl

    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    out: dict[str, dict[str, Any]] = {}
    for ws in formulas.worksheets:
        shown = values[ws.title]
        cells: dict[str, Any] = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                text = getattr(v, "text", v)  # array formulas
                if isinstance(text, str) and text.startswith("="):
                    cells[c.coordinate] = {"f": text, "v": _plain(shown[c.coordinate].value)}
                else:
                    cells[c.coordinate] = _plain(v)
        out[ws.title] = cells
    return out


def sample_workbook() -> dict[str, dict[str, Any]]:
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.excel.workbook import write_dashboard

    with tempfile.TemporaryDirectory() as tmp:
        out = write_dashboard(Path(tmp) / "agency_dashboard.xlsx", read_exports(SAMPLE), Assumptions(),
                              FOLDER, NOW)
        cells = workbook_cells(out)
    return json.loads(json.dumps(cells, default=str).replace(str(SAMPLE), "<sample>"))


def sample_metrics() -> dict[str, Any]:
    from agency_xl.ams import read_exports
    from agency_xl.assumptions import Assumptions
    from agency_xl.metrics import all_metrics

    text = json.dumps(all_metrics(read_exports(SAMPLE), Assumptions()), default=str, sort_keys=True)
    return json.loads(text.replace(str(SAMPLE), "<sample>"))


def main() -> int:
    if "--write" not in sys.argv:
        print(__doc__)
        return 2
    GOLDEN.mkdir(exist_ok=True)
    CELLS.write_text(json.dumps(sample_workbook(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    METRICS.write_text(json.dumps(sample_metrics(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {CELLS} and {METRICS}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
