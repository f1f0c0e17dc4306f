"""Reading a built workbook back: sheets and cells with openpyxl, and what openpyxl does not load
(charts, buttons, the VBA project) straight from the file's zip parts."""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    xml = z.read(rels).decode()
    out = {}
    for m in re.finditer(r'<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', xml):
        out[m.group(1)] = posixpath.normpath(posixpath.join(folder, m.group(2)))
    for m in re.finditer(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', xml):
        out[m.group(2)] = posixpath.normpath(posixpath.join(folder, m.group(1)))
    return out


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet part, from workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = _rels(z, "xl/workbook.xml")
        return {m.group(1): rels[m.group(2)]
                for m in re.finditer(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', wb)}


def charts_per_sheet(path: Path) -> dict[str, int]:
    out = {}
    with zipfile.ZipFile(path) as z:
        for name, part in sheet_parts(path).items():
            count = 0
            for target in _rels(z, part).values():
                if "/drawings/drawing" in target:
                    count += sum(1 for t in _rels(z, target).values() if "/charts/chart" in t)
            out[name] = count
    return out


def button_macros(path: Path) -> list[str]:
    """The macros that the form buttons in the file run (from the VML drawings)."""
    with zipfile.ZipFile(path) as z:
        vml = [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".vml")]
    return [m for text in vml for m in re.findall(r"<x:FmlaMacro>\[0\]!([^<]+)</x:FmlaMacro>", text)]


def vba_procedures(path: Path) -> set[str]:
    """Names of the Sub/Function procedures in the file's VBA project (via oletools)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        code = "\n".join(c for _, _, _, c in parser.extract_macros())
    finally:
        parser.close()
    return set(re.findall(r"^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)", code, re.M))


def need_soffice() -> str:
    """The soffice binary, or skip with the reason (CI installs LibreOffice, so it never skips there)."""
    import os

    exe = shutil.which("soffice")
    if not exe or not shutil.which("pdftoppm"):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice/poppler missing in CI: .ci/run should have installed them")
        pytest.skip("LibreOffice (soffice) and pdftoppm are not installed: apt-get install -y "
                    "libreoffice-calc-nogui poppler-utils")
    return exe


def render_pdf_png(path: Path, outdir: Path) -> tuple[Path, list[Path]]:
    """Convert with LibreOffice headless to PDF (one page per sheet), then to PNG pages."""
    exe = need_soffice()
    profile = outdir / "lo-profile"
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 0, "LibreOffice wrote no PDF"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(outdir / "page")], check=True,
                   capture_output=True, timeout=240)
    return pdf, sorted(outdir.glob("page*.png"))
