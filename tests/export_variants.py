"""The sample exports reshaped the way other agencies' folders look: a column left out, every
column under another accepted name, one file per month, rows in another order. Each variant is
written into a test's tmp folder with openpyxl or csv, from the sample's own cells; the reports
the variant does not touch are copied as they are.

Column names are matched here by AMS_EXPORTS.md's own rule (case, spaces, trailing ":"/"." and
"#"/"No"/"Num"/"Number" ignored), written independently of the reader.
"""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import openpyxl

from agency_xl.ams.reports import REPORTS, Column

NUMBER_WORDS = {"#", "no", "no.", "num", "num.", "number"}
FOOTER_START = ("total", "grand total", "page ", "***", "report generated")


def normalise(label: Any) -> str:
    text = " ".join(str(label or "").lower().replace("#", " # ").split()).rstrip(":.").strip()
    return " ".join("#" if w in NUMBER_WORDS else w for w in text.split(" "))


@dataclass
class ExportFile:
    """One sample file as rows of cells: the rows above the header (titles), the header, the data
    rows and the footer rows."""

    name: str
    report: str
    sheet: str | None  # None for a CSV
    encoding: str | None
    titles: list[list[Any]]
    header: list[Any]
    rows: list[list[Any]]
    footer: list[list[Any]]

    def column(self, field: str) -> int | None:
        """Index of the column holding ``field`` (its canonical name or an alias), None if absent."""
        col = REPORTS[self.report].column(field)
        names = {normalise(n) for n in (col.canonical, *col.aliases)}
        for i, h in enumerate(self.header):
            if normalise(h) in names:
                return i
        return None

    def copy(self, **changes: Any) -> ExportFile:
        parts = dict(vars(self))
        parts.update(changes)
        return ExportFile(**{k: [list(r) for r in v] if k in ("titles", "rows", "footer") else v
                             for k, v in parts.items()})

    def write(self, folder: Path, name: str | None = None) -> Path:
        path = folder / (name or self.name)
        grid = [*self.titles, self.header, *self.rows, *self.footer]
        if self.sheet is None:
            with open(path, "w", newline="", encoding=self.encoding) as f:
                csv.writer(f).writerows([["" if v is None else v for v in row] for row in grid])
        else:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet(self.sheet)
            for row in grid:
                ws.append(row)
            wb.save(path)
        return path


def _is_footer(row: list[Any]) -> bool:
    first = str(row[0] or "").strip().lower() if row else ""
    return first.startswith(FOOTER_START)


def load(sample: Path, health_files: list) -> list[ExportFile]:
    """Every file the reader recognised in ``sample``, split at the header row it found."""
    out = []
    for fh in health_files:
        if not fh.report or fh.rejected or fh.skipped:
            continue
        path = sample / fh.path
        if path.suffix.lower() == ".csv":
            raw = path.read_bytes()
            encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                encoding = "cp1252"
            with open(path, newline="", encoding=encoding) as f:
                grid = [list(r) for r in csv.reader(f)]
            sheet = None
        else:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            grid = [list(r) for r in wb[fh.sheet].iter_rows(values_only=True)]
            wb.close()
            sheet, encoding = fh.sheet, None
        h = fh.header_row - 1
        body = grid[h + 1:]
        end = len(body)
        while end and (_is_footer(body[end - 1]) or not any(v not in (None, "") for v in body[end - 1])):
            end -= 1
        out.append(ExportFile(fh.path, fh.report, sheet, encoding, grid[:h], list(grid[h]), body[:end],
                              body[end:]))
    return out


def write_folder(files: list[ExportFile], folder: Path, sample: Path,
                 replace: dict[str, list[tuple[ExportFile, str]]] | None = None) -> Path:
    """``folder`` with every sample file, those named in ``replace`` swapped for the variants
    given (a file may become several)."""
    folder.mkdir(parents=True, exist_ok=True)
    replace = replace or {}
    for f in files:
        if f.name in replace:
            for variant, name in replace[f.name]:
                variant.write(folder, name)
        else:
            shutil.copy(sample / f.name, folder / f.name)
    return folder


# --- the reshapes ----------------------------------------------------------------------------------

def drop_column(f: ExportFile, field: str) -> ExportFile:
    """The file without the column of ``field`` (footers lose it too)."""
    i = f.column(field)
    if i is None:
        return f
    cut = lambda row: [v for j, v in enumerate(row) if j != i]  # noqa: E731
    return f.copy(header=cut(f.header), rows=[cut(r) for r in f.rows], footer=[cut(r) for r in f.footer])


def other_alias(report: str, col: Column, current: Any) -> str | None:
    """A name accepted for ``col`` other than the one the file uses and not claimed by another
    column of the report; None when the contract lists no other."""
    others = {normalise(n) for c in REPORTS[report].columns if c is not col for n in (c.canonical, *c.aliases)}
    for name in (col.canonical, *col.aliases):
        if normalise(name) != normalise(current) and normalise(name) not in others:
            return name
    return None


def rename_every_column(f: ExportFile) -> ExportFile:
    """Every recognised column under another accepted name of the same field."""
    header = list(f.header)
    for col in REPORTS[f.report].columns:
        i = f.column(col.field)
        if i is None:
            continue
        name = other_alias(f.report, col, header[i])
        if name is not None:
            header[i] = name
    return f.copy(header=header)


def shuffle_rows(f: ExportFile, seed: int = 7) -> ExportFile:
    rows = [list(r) for r in f.rows]
    random.Random(seed).shuffle(rows)
    return f.copy(rows=rows)


def split_by_month(f: ExportFile, field: str) -> list[tuple[ExportFile, str]]:
    """One file per calendar month of ``field`` (each with the title rows, no footer), named
    like an owner saves them: "<stem> 2025-03<suffix>"."""
    import pandas as pd

    i = f.column(field)
    groups: dict[str, list[list[Any]]] = {}
    for row in f.rows:
        if not any(v not in (None, "") for v in row):
            continue  # a blank row inside the data belongs to no month
        value = row[i] if i is not None and i < len(row) else None
        month = pd.to_datetime(value, errors="coerce") if value not in (None, "") else pd.NaT
        key = "undated" if pd.isna(month) else f"{month:%Y-%m}"
        groups.setdefault(key, []).append(row)
    stem, suffix = Path(f.name).stem, Path(f.name).suffix
    return [(f.copy(rows=rows, footer=[]), f"{stem} part {key}{suffix}") for key, rows in sorted(groups.items())]


Reshape = Callable[[ExportFile], ExportFile]
