"""Issue 11.2: charts that follow the data. The live refresh rewrites cells, never charts, so a
chart must not depend on the data the workbook was built with: every series covers its table's
full fixed rows (blank rows plot nothing) and no colour is chosen from a value. Checked on the
chart XML read back from the built files: the template, a refresh of the sample, and refreshes of
folders unlike it (one vendor; nine vendors, shown as eight rows)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from small_exports import MANY_VENDORS, ONE_VENDOR, write_folder
from workbook_tools import _rels, sheet_parts

from agency_xl.ams import read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.dashboards import build_all
from agency_xl.dashboards.spec import Block, Sheet, rc_to_cell
from agency_xl.excel.workbook import write_dashboard

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The same workbook built empty and from three folders."""
    root = tmp_path_factory.mktemp("charts")
    folders = {"sample": SAMPLE, "one vendor": write_folder(root / "one", ONE_VENDOR),
               "nine vendors": write_folder(root / "many", MANY_VENDORS)}
    out = {"template": write_dashboard(root / "template.xlsx", None, Assumptions(), "exports")}
    for name, folder in folders.items():
        out[name] = write_dashboard(root / f"{name}.xlsx", read_exports(folder), Assumptions(), str(folder))
    return out


def charts_of(path: Path) -> dict[str, list[str]]:
    """Sheet name -> the XML of its charts, in the order of its drawing."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name, part in sheet_parts(path).items():
            xml = []
            for target in _rels(z, part).values():
                if "/drawings/drawing" in target:
                    drawing = z.read(target).decode()
                    rels = _rels(z, target)
                    for rid in re.findall(r'<c:chart [^>]*r:id="([^"]+)"', drawing):
                        xml.append(z.read(posixpath.normpath(rels[rid])).decode())
            out[name] = xml
    return out


def without_cache(xml: str) -> str:
    """A chart's XML without what XlsxWriter caches from the cells it was built with, which Excel
    re-reads from the cells: the cached values, whether the cached categories were text or numbers
    (<c:strRef> or <c:numRef> around the same range; blank cells count as text), and with it the
    category axis' "number format as in the cells" (<c:numFmt formatCode="General"
    sourceLinked="1"/>, Excel's default without it)."""
    xml = re.sub(r"<c:(str|num)Cache>.*?</c:\1Cache>", "", xml, flags=re.S)
    xml = re.sub(r"<(/?)c:(?:str|num)Ref>", r"<\1c:ref>", xml)
    return xml.replace('<c:numFmt formatCode="General" sourceLinked="1"/>', "")


def series_refs(xml: str) -> list[dict[str, str | None]]:
    out = []
    for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, flags=re.S):
        def ref(tag: str) -> str | None:
            m = re.search(rf"<c:{tag}>.*?<c:f>([^<]+)</c:f>", ser, flags=re.S)
            return m.group(1) if m else None
        out.append({"name": ref("tx"), "categories": ref("cat"), "values": ref("val")})
    return out


def column_ref(sheet: Sheet, block: Block, col: int) -> str:
    """Independent of the builder: the block's data rows of one column, as Excel writes a range."""
    r0, c0 = block.top_left
    first = r0 + (1 if block.header else 0)
    last = first + block.n_rows - 1
    top, bottom = rc_to_cell(first, c0 + col), rc_to_cell(last, c0 + col)
    absolute = [re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", c) for c in (top, bottom)]
    quoted = sheet.name if re.fullmatch(r"\w+", sheet.name) else f"'{sheet.name}'"
    return f"{quoted}!{absolute[0]}" + (f":{absolute[1]}" if last > first else "")


def test_a_chart_is_the_same_whatever_the_data(built):
    """Ranges, colours, titles, axes: every chart's XML (its cached values aside) is the template's."""
    template = charts_of(built["template"])
    assert sum(len(c) for c in template.values()) == sum(len(s.charts) for s in build_all(None, Assumptions(), ""))
    for name, path in built.items():
        charts = charts_of(path)
        assert charts.keys() == template.keys(), name
        for sheet, xml in charts.items():
            assert [without_cache(x) for x in xml] == [without_cache(x) for x in template[sheet]], (name, sheet)


def test_every_series_covers_its_whole_block(built):
    """Each series reads every fixed row of its block's column (the vendors chart 8 rows, not the
    3 the sample fills), its categories the same rows; a series named by its header cell reads it."""
    sheets = {s.name: s for s in build_all(None, Assumptions(), "")}
    charts = charts_of(built["sample"])
    checked = 0
    for name, sheet in sheets.items():
        assert len(charts.get(name, [])) == len(sheet.charts), name
        for chart, xml in zip(sheet.charts, charts.get(name, [])):
            refs = series_refs(xml)
            assert len(refs) == len(chart.series), (name, chart.title)
            # XlsxWriter writes a combined chart's own series first, then the other kind's.
            order = [s for s in chart.series if not s.kind or s.kind == chart.kind] + \
                    [s for s in chart.series if s.kind and s.kind != chart.kind]
            for series, ref in zip(order, refs):
                src = sheet.source(series.block)
                if not isinstance(src, Block):
                    continue  # a spilled live table: its rows are the formula's (test_rate_environment)
                assert ref["values"] == column_ref(sheet, src, series.values), (name, chart.title, series.name)
                assert ref["categories"] == column_ref(sheet, src, series.categories), (name, chart.title)
                if series.name_from_header:
                    r0, c0 = src.top_left
                    header = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", rc_to_cell(r0, c0 + series.values))
                    assert ref["name"] and ref["name"].endswith("!" + header), (name, chart.title)
                checked += 1
    assert checked == sum(isinstance(s.source(series.block), Block) for s in sheets.values()
                          for c in s.charts for series in c.series) > 40


def test_vendor_bars_have_one_colour():
    """ROI by vendor: one fill for the series, no colour per bar (it came from each vendor's
    rating, which the live refresh would have left as the build's)."""
    leads = next(s for s in build_all(None, Assumptions(), "") if s.name == "Leads")
    roi = next(c for c in leads.charts if c.title == "ROI by vendor")
    assert [s.points for s in roi.series] == [None] and roi.series[0].color
