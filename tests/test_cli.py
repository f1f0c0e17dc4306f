"""The command line: metrics against an independent calculation on the generator's truth tables,
refresh with the owner's saved Settings, template, sample-data, and readable errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from agency_xl.cli import main
from agency_xl.dashboards.spec import cell_to_rc
from agency_xl.sample_data import simulate_agency, write_sample_exports

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def metrics(tmp_path_factory, capsys_module=None):
    import io
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["metrics", "--exports", str(SAMPLE)]) == 0
    return json.loads(buf.getvalue())


@pytest.fixture(scope="module")
def truth():
    return simulate_agency()  # the same seed and size as data/sample


def test_base_facts_match_an_independent_calculation(metrics, truth):
    pol = truth.policies
    inf = pol[pol["status"] == "In Force"]
    assert metrics["policies_in_force"] == inf["policy_number"].nunique()
    assert metrics["households"] == inf["household_id"].nunique()
    assert metrics["premium_in_force"] == pytest.approx(inf["annual_premium"].sum(), abs=0.01)
    assert metrics["policies_in_force_by_product"] == inf.groupby("product")["policy_number"].nunique().to_dict()
    assert metrics["products_per_household"] == pytest.approx(
        inf.groupby("household_id")["product"].nunique().mean(), abs=1e-4)
    g = truth.growth
    assert metrics["retention"] == pytest.approx(g["renewals_retained"].sum() / g["renewals_offered"].sum())
    by = g.groupby("product")[["renewals_retained", "renewals_offered"]].sum()
    for product, row in by.iterrows():
        assert metrics["retention_by_product"][product] == pytest.approx(
            row["renewals_retained"] / row["renewals_offered"])
    c = truth.claims
    assert metrics["claims"] == c["claim_number"].nunique()
    for product, value in c.groupby("product")["incurred_loss"].sum().items():
        assert metrics["incurred_by_product"][product] == pytest.approx(value, abs=0.01)
    cm = truth.commissions
    assert metrics["commission_total"] == pytest.approx(cm["commission_amount"].sum(), abs=0.01)
    cb = cm[cm["transaction_type"].isin(["Cancellation", "Chargeback"])]
    assert metrics["chargeback_total"] == pytest.approx(cb["commission_amount"].sum(), abs=0.01)
    nb = cm[cm["transaction_type"].isin(["New Business", "Renewal"])]
    lag = (nb["statement_date"] - nb["transaction_effective_date"]).dt.days
    assert metrics["median_commission_lag_days"] == lag.median()
    months = truth.sales["issue_date"].dt.strftime("%Y-%m").value_counts()
    assert metrics["sales_by_month"] == {k: int(v) for k, v in months.items()}
    ld = truth.leads
    for vendor, grp in ld.groupby("vendor"):
        assert metrics["leads_by_vendor"][vendor] == {
            "leads": len(grp), "cost": pytest.approx(grp["cost"].sum(), abs=0.01),
            "sold": int((grp["status"] == "Sold").sum())}
    assert metrics["referrals"] == len(truth.referrals)
    assert metrics["referrals_sold"] == int((truth.referrals["status"] == "Sold").sum())
    assert metrics["rows_rejected"] == {k: 0 for k in
                                        ("policies", "growth", "claims", "commissions", "sales", "leads", "referrals")}
    assert all(isinstance(p, str) for p in metrics["problems"])


def test_every_model_reports_its_kpis(metrics):
    for model in ("profitability", "rate_environment", "cash_flow", "segments", "seasonality", "cross_sell",
                  "leads", "referral_growth"):
        assert metrics.get(model), f"no KPIs for {model}"
    assert 0 < metrics["profitability"]["combined_ratio"] < 2


def _setting_cell(ws, key):
    for row in ws.iter_rows():
        if row[0].value == key:
            return row[2]
    raise KeyError(key)


def test_refresh_uses_the_owners_saved_settings(tmp_path, capsys):
    owner = tmp_path / "owner.xlsx"
    assert main(["template", "--out", str(owner)]) == 0
    wb = openpyxl.load_workbook(owner)
    _setting_cell(wb["Settings"], "profitability.expense_ratio").value = 0.31
    wb.save(owner)
    out = tmp_path / "scheduled.xlsx"
    assert main(["refresh", "--exports", str(SAMPLE), "--settings", str(owner), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"Wrote {out}" in text and "policies" in text
    ws = openpyxl.load_workbook(out)["Profitability"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 40)}
    assert values["Expense ratio"] == pytest.approx(0.31)
    assert values["Combined ratio (12 months)"] == pytest.approx(values["Loss ratio (12 months)"] + 0.31)


def test_bad_setting_is_reported_and_the_default_kept(tmp_path, capsys):
    owner = tmp_path / "owner.xlsx"
    main(["template", "--out", str(owner)])
    wb = openpyxl.load_workbook(owner)
    cell = _setting_cell(wb["Settings"], "profitability.expense_ratio")
    cell.value = "lots"
    wb.save(owner)
    assert main(["metrics", "--exports", str(SAMPLE), "--settings", str(owner)]) == 0
    err = capsys.readouterr().err
    assert f"owner.xlsx!Settings!C{cell.row}: setting profitability.expense_ratio = 'lots' not used" in err


def test_template_has_empty_dashboards(tmp_path, capsys):
    out = tmp_path / "agency_dashboard.xlsm"
    assert main(["template", "--out", str(out)]) == 0
    assert "Import Functions" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out, keep_vba=True)["Profitability"]
    assert "Add the" in ws.cell(*[x + 1 for x in cell_to_rc("A2")]).value


def test_missing_exports_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["refresh", "--exports", str(tmp_path / "nope"), "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "exports folder" in err and "does not exist" in err


def test_sample_data_command_writes_the_seven_reports(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sample-data", "--out", str(out), "--households", "120", "--seed", "3",
                 "--as-of", "2025-06-30"]) == 0
    assert "Wrote" in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in write_sample_exports(tmp_path / "again", 120, 3,
                                                                __import__("datetime").date(2025, 6, 30)))
    assert main(["metrics", "--exports", str(out)]) == 0


def test_bad_date_argument(capsys):
    with pytest.raises(SystemExit):
        main(["sample-data", "--out", "x", "--as-of", "31/10/2025"])
    assert "is not a date like 2025-10-31" in capsys.readouterr().err


def test_python_dash_m_entry_point(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "agency_xl", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "sample-data" in r.stdout


def test_copy_of_sample_is_read_only_input(tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(SAMPLE, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    main(["refresh", "--exports", str(folder), "--out", str(tmp_path / "out.xlsx")])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_template_over_an_existing_workbook_keeps_the_owners_cells(tmp_path, capsys):
    out = tmp_path / "agency_dashboard.xlsm"
    assert main(["template", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out, keep_vba=True)
    _setting_cell(wb["Settings"], "cash_flow.monthly_expenses").value = 51000
    wb["Profitability"]["F4"] = "ask the carrier about Q3"
    wb.save(out)
    assert main(["template", "--out", str(out)]) == 0
    assert "kept" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert _setting_cell(wb["Settings"], "cash_flow.monthly_expenses").value == 51000
    assert wb["Profitability"]["F4"].value == "ask the carrier about Q3"
