"""The layers of README "For developers", as import-linter contracts in pyproject.toml: a wrong
arrow (a model importing the reader, a sheet importing xlwings, metrics reading the sheets) fails
here, so it fails CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([exe, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_every_import_follows_the_layers():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "KEPT" in run.stdout and "BROKEN" not in run.stdout


def test_a_wrong_arrow_is_caught(tmp_path):
    """The contracts are not empty words: a copy of the package in which a model imports the reader
    and a sheet imports xlwings breaks them."""
    shutil.copytree(ROOT / "agency_xl", tmp_path / "agency_xl",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "agency_xl" / "models" / "wrong_arrow.py").write_text(
        "from agency_xl.ams import read_exports  # a model must take tables\n", encoding="utf-8")
    (tmp_path / "agency_xl" / "dashboards" / "wrong_arrow.py").write_text(
        "import xlwings  # only excel/ knows Excel\n", encoding="utf-8")
    run = _lint_imports(tmp_path)
    assert run.returncode != 0
    assert "agency_xl.models.wrong_arrow -> agency_xl.ams (l.1)" in run.stdout
    assert "agency_xl.dashboards.wrong_arrow -> xlwings (l.1)" in run.stdout
