"""The generated documentation matches what it is generated from (regenerate with
``python docs/make_docs.py``), and the README's first lines are the two set-up commands."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "docs" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_functions_md_is_the_catalogue():
    assert (ROOT / "docs" / "functions.md").read_text(encoding="utf-8") == _make_docs().functions_md(), \
        "docs/functions.md is out of date: run python docs/make_docs.py --no-screenshots"


def test_exports_md_is_the_contract():
    assert (ROOT / "docs" / "exports.md").read_text(encoding="utf-8") == _make_docs().exports_md()


def test_every_function_is_documented_with_an_example():
    from agency_xl.functions import CATALOG

    text = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    for name in CATALOG:
        assert f"### {name}(" in text
        assert CATALOG[name].example_formula() in text


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1: lines.index("```bash") + 3]
    assert block[0].startswith('pip install -e ".[dev]" && agency-xl refresh')
    assert block[1].startswith("python -m pytest -q")
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[dev]" && agency-xl refresh' in ci and "python -m pytest -q" in ci


def test_every_model_has_its_owner_page():
    index = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")
    for model in ("profitability", "rate_environment", "cash_flow", "segments", "seasonality", "cross_sell",
                  "leads", "referrals"):
        assert f"models/{model}.md" in index
        assert (ROOT / "docs" / "models" / f"{model}.md").stat().st_size > 1000


def test_screenshots_of_every_dashboard_exist():
    for name in ("home", "summary", "scorecard", "profitability", "rate_environment", "cash_flow", "segments",
                 "seasonality", "cross_sell", "leads", "referrals", "data_health", "accuracy", "producers"):
        assert (ROOT / "docs" / "img" / f"{name}.png").stat().st_size > 10_000
        assert f"docs/img/{name}.png" in (ROOT / "README.md").read_text(encoding="utf-8")
