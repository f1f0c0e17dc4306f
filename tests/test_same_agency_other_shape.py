"""Issue 9, metamorphic: the same agency exported in another shape gives the same figures.

From the sample exports, variants are written into a tmp folder (tests/export_variants.py): an
optional column left out, every column under another accepted name, each dated report split into
one file per month, every file's rows in another order. ``all_metrics`` of each variant - the base
facts and the KPIs of every sheet - must equal the sample's, or the figures the missing column
feeds must say why they changed: "not measurable ..." (a number gone, never a different one),
a fallback named as such (the Settings or the growth report's retention), or an estimate said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import export_variants as ev
import pytest
from metric_compare import changed as compare
from metric_compare import flatten

from agency_xl.ams import AmsData, read_exports
from agency_xl.assumptions import Assumptions
from agency_xl.metrics import all_metrics

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
IGNORED = ("problems",)  # Data Health lines name the files, which the variants rename


@pytest.fixture(scope="module")
def sample() -> tuple[AmsData, dict, list[ev.ExportFile]]:
    data = read_exports(SAMPLE)
    return data, flatten(all_metrics(data, Assumptions())), ev.load(SAMPLE, data.health.files)


def changed(base: dict, other: dict) -> dict[str, Any]:
    """Figures that differ, with the variant's value."""
    return compare(base, other, IGNORED)


def metrics_of(tmp: Path, files: list[ev.ExportFile], replace: dict) -> dict:
    return flatten(all_metrics(read_exports(ev.write_folder(files, tmp, SAMPLE, replace)), Assumptions()))


def not_measurable(value: Any) -> bool:
    return value is None or (isinstance(value, str) and "not measurable" in value)


# Figures resting on a household's lifetime value (its retention and the commission rate).
LTV = ("segments.avg_ltv_by_tier", "segments.total_ltv", "segments.ltv_contribution_by_tier",
       "segments.recommended_cac_by_tier", "segments.allocation", "segments.upgrade_opportunity",
       "segments.retention_by_tier", "cross_sell.opportunities", "cross_sell.opportunity_total",
       "cross_sell.timing", "cross_sell.best_window", "cross_sell.timing_recommendation",
       "cross_sell.timing_too_few_to_judge", "leads.avg_ltv_sold", "leads.ltv_cac", "leads.roi_all_vendors",
       "leads.vendor_roi", "leads.vendor_rating", "leads.reallocation", "referral_growth.referred_ltv",
       "referral_growth.ltv_cac", "referral_growth.best_incentive", "rate_environment.ltv")
RETENTION = ("segments.retention_by_product_count", "segments.retention_used_in_ltv",
             "segments.retention_used_source", "cross_sell.retention_by_product_count",
             "cross_sell.retention_lift", "cross_sell.retention_source", "referral_growth.projected_customers_12m",
             "referral_growth.projection_retention")
EARNED = ("profitability.earned_premium_12m", "profitability.loss_ratio", "profitability.combined_ratio",
          "profitability.bonus_status", "profitability.risk_level", "profitability.estimated_bonus",
          "profitability.underwriting_profit_12m")
SCORE = ("leads.score_", "leads.urgent_leads")


@dataclass
class Dropped:
    """Leaving out ``fields`` ("report.field") of the exports: the figures under ``may_change``
    may move, those under ``must_vanish`` must become "not measurable", and ``says`` checks the
    variant states why."""

    fields: tuple[str, ...]
    may_change: tuple[str, ...] = ()
    must_vanish: tuple[str, ...] = ()
    says: Callable[[dict], None] = lambda m: None
    reason: str = ""


def _end_dates_missing(m: dict) -> None:
    assert m["profitability.earned_premium_12m"].startswith("not measurable from this export (add ")
    assert m["cross_sell.retention_lift_1_to_2"].startswith("not measurable")
    for k in ("1", "2", "3+"):
        assert m[f"segments.retention_used_source.{k}"].startswith("growth & retention report")
    assert "growth & retention report" in m["referral_growth.projection_retention_source"]


def _no_premium_on_statements(m: dict) -> None:
    assert m["segments.commission_rate_measured"] is False and m["leads.commission_rate_source"] == "setting"
    assert m["segments.commission_rate"] == Assumptions().general.commission_rate
    assert m["profitability.revenue_growth_measures"].startswith("commission growth")


def _no_household_in_lead_log(m: dict) -> None:
    assert m["leads.sold_leads_valued_by_estimate"] == m["leads.leads_sold"] > 0
    assert all(m[f"leads.cac_by_tier.{t}"] is None for t in ("Elite", "Premium", "Standard", "Low-Value"))


def _answer_missing(name: str) -> Callable[[dict], None]:
    def check(m: dict) -> None:
        assert name in m["leads.score_answers_missing"]
    return check


def _no_products_quoted(m: dict) -> None:
    _answer_missing("products_quoted")(m)
    assert set(m[f"segments.allocation.cac_source.{t}"] for t in ("Elite", "Premium", "Standard", "Low-Value")) \
        == {"Settings"}


# Columns no figure reads, left out all at once (each alone would change nothing either).
UNREAD = ("policies.insured_name", "policies.lead_source", "policies.zip",
          "growth.renewal_premium", "growth.retention_pct",
          "claims.claim_status", "claims.lae", "claims.cause_of_loss", "commissions.commission_rate",
          "sales.lead_source", "sales.lead_id", "leads.current_carrier",
          "leads.zip", "referrals.referred_name")
# Dates only the backtests read: they cut the exports as of each past month-end (models/cutoff.py,
# figures/forecasts.py).
CUT_BY = ("policies.effective_date", "claims.reported_date", "leads.sold_date", "referrals.sold_date")
# Views over the other figures: they move when a figure they read moves, never alone.
DERIVED = ("summary.", "scorecard.", "forecast_accuracy.")

DROPS = [
    Dropped(UNREAD, reason="columns no figure reads"),
    Dropped(CUT_BY, ("forecast_accuracy.", "scorecard.forecast_accuracy"),
            reason="the backtests cut the exports by these dates"),
    Dropped(("leads.lead_name", "leads.phone"), reason="names and phones show only with Show personal data on"),
    Dropped(("policies.producer", "sales.producer"), ("producers.",),
            reason="the Producers sheet says 'not in your exports'"),
    Dropped(("policies.cancel_date",), LTV + RETENTION + ("producers.",), EARNED, _end_dates_missing,
            "lapsed policies' ends unknown: earned premium and retention by product count"),
    Dropped(("policies.expiration_date",), LTV + RETENTION + ("producers.",), EARNED, _end_dates_missing,
            "expired policies' ends unknown"),
    Dropped(("growth.ending_pif",), reason="rebuilt from beginning + new - lost"),
    Dropped(("growth.cancellations",), reason="Ending PIF is there"),
    Dropped(("claims.reserve",), reason="Incurred is there"),
    Dropped(("claims.incurred_loss",), reason="Paid + Reserve"),
    Dropped(("commissions.premium",),
            LTV + ("segments.commission_rate", "cross_sell.commission_rate", "leads.commission_rate",
                   "rate_environment.commission_rate", "rate_environment.planned_increase",
                   "rate_environment.scenarios", "profitability.revenue_growth", "profitability.profit_growth",
                   "profitability.growth_gap_warning"),
            (), _no_premium_on_statements, "the commission rate falls back to Settings, revenue is commission"),
    Dropped(("leads.household_id",),
            ("leads.avg_ltv_sold", "leads.ltv_cac", "leads.roi_all_vendors", "leads.vendor_roi",
             "leads.vendor_rating", "leads.reallocation", "leads.sold_leads_valued_by_estimate",
             "leads.ltv_cac_warnings", "leads.ltv_cac_by_tier.All"),
            tuple(f"leads.{k}.{t}" for k in ("cac_by_tier", "ltv_cac_by_tier")
                  for t in ("Elite", "Premium", "Standard", "Low-Value")),
            _no_household_in_lead_log, "sold leads valued at the book's new-customer estimate"),
    Dropped(("leads.quoted_premium",), ("segments.allocation",), (),
            lambda m: m["segments.allocation.cac_source.Standard"] == "Settings",
            "Standard and Low-Value cannot be told apart: their CAC from Settings"),
    Dropped(("leads.products_quoted",), SCORE + ("segments.allocation",), (), _no_products_quoted,
            "the score does without products quoted; tiers of leads unknown"),
    Dropped(("leads.homeowner",), SCORE, (), _answer_missing("homeowner")),
    Dropped(("leads.vehicles",), SCORE, (), _answer_missing("vehicles")),
    Dropped(("referrals.household_id",), ("referral_growth.referred_ltv", "referral_growth.ltv_cac"), (),
            lambda m: m["referral_growth.referred_ltv_estimated"] is True),
    Dropped(("referrals.incentive_paid",), (), ("referral_growth.referral_cac", "referral_growth.ltv_cac")),
]


def test_every_optional_column_is_left_out_by_some_variant():
    from agency_xl.ams.reports import REPORTS

    covered = {tuple(f.split(".")) for d in DROPS for f in d.fields}
    optional = {(r.key, c.field) for r in REPORTS.values() for c in r.columns if not c.required}
    # Optional columns the sample does not hold cannot be left out of it.
    data = read_exports(SAMPLE)
    held = {(f.report, c) for f in ev.load(SAMPLE, data.health.files)
            for c in [col.field for col in REPORTS[f.report].columns] if f.column(c) is not None}
    assert optional & held <= covered


@pytest.mark.parametrize("drop", DROPS, ids=lambda d: "+".join(d.fields) if len(d.fields) < 3 else "unread")
def test_leaving_out_an_optional_column(sample, tmp_path, drop):
    _, base, files = sample
    replace = {}
    for f in files:
        variant = f
        for name in drop.fields:
            report, column = name.split(".")
            if report == f.report:
                variant = ev.drop_column(variant, column)
        if variant is not f:
            assert len(variant.header) < len(f.header)
            replace[f.name] = [(variant, f.name)]
    assert replace, "nothing dropped"
    got = metrics_of(tmp_path, files, replace)
    moved = changed(base, got)
    allowed = drop.may_change + drop.must_vanish
    unexplained = {k: v for k, v in moved.items() if not k.startswith(allowed)}
    if any(k.startswith(allowed) and not k.startswith(DERIVED) for k in moved):
        unexplained = {k: v for k, v in unexplained.items() if not k.startswith(DERIVED)}
    assert not unexplained, f"figures moved without saying why: {sorted(unexplained)[:10]}"
    for k, v in moved.items():
        if k.startswith(drop.must_vanish):
            assert not_measurable(v), (k, v)
    drop.says(got)


def _all_files(files: list[ev.ExportFile], reshape: Callable[[ev.ExportFile], ev.ExportFile]) -> dict:
    return {f.name: [(reshape(f), f.name)] for f in files}


def test_every_column_under_another_accepted_name(sample, tmp_path):
    _, base, files = sample
    from agency_xl.ams.reports import REPORTS

    renamed = {f.name: ev.rename_every_column(f) for f in files}
    # The variant really renames: every column the contract gives another name for has it now.
    for f in files:
        for col in REPORTS[f.report].columns:
            i = f.column(col.field)
            if i is not None and ev.other_alias(f.report, col, f.header[i]) is not None:
                assert renamed[f.name].header[i] != f.header[i], (f.name, col.field)
    assert sum(a != b for f in files for a, b in zip(f.header, renamed[f.name].header)) >= 50
    got = metrics_of(tmp_path, files, {name: [(v, name)] for name, v in renamed.items()})
    assert changed(base, got) == {}


def _split_every_dated_report(sample, tmp_path: Path) -> dict:
    _, base, files = sample
    dated = {"claims": "loss_date", "commissions": "statement_date", "sales": "issue_date",
             "leads": "lead_date", "growth": "month", "referrals": "referral_date"}
    replace = {}
    for report, column in dated.items():
        mine = [f for f in files if f.report == report]
        biggest = max(mine, key=lambda f: len(f.rows))  # the older claims export stays whole
        replace[biggest.name] = ev.split_by_month(biggest, column)
        assert len(replace[biggest.name]) >= 12, report
    return metrics_of(tmp_path, files, replace)


@pytest.fixture(scope="module")
def split_monthly(sample, tmp_path_factory):
    return _split_every_dated_report(sample, tmp_path_factory.mktemp("split"))


def test_every_dated_report_split_into_one_file_per_month(sample, split_monthly):
    assert changed(sample[1], split_monthly) == {}


def test_the_referral_backtest_does_not_move_when_the_referral_log_is_split(sample, split_monthly):
    """Was a known defect: a monthly referral log named for its month ("... part 2023-11.csv") lost
    the sold dates of referrals sold in a later month (read as after its file's report date), so
    those sales counted in the month they were referred (ams/dates.py, LATER_STAGE_DATES)."""
    moved = changed(sample[1], split_monthly)
    assert {k for k in moved if k.startswith(("forecast_accuracy.", "scorecard."))} == set()
    assert split_monthly["forecast_accuracy.referral_customers.1.n"] > 0


def test_every_file_with_its_rows_in_another_order(sample, tmp_path):
    _, base, files = sample
    got = metrics_of(tmp_path, files, _all_files(files, ev.shuffle_rows))
    assert changed(base, got) == {}


def test_an_alias_listed_for_the_field_in_another_report(sample, tmp_path):
    """AMS_EXPORTS.md: an alias listed for a canonical field in one report is accepted for that
    field in every report that has it. The New Business report with its LOB column called
    'Product Line' (the book's alias for Product) is the same agency."""
    _, base, files = sample
    sales = next(f for f in files if f.report == "sales")
    header = list(sales.header)
    header[sales.column("product")] = "Product Line"
    got = metrics_of(tmp_path, files, {sales.name: [(sales.copy(header=header), sales.name)]})
    assert changed(base, got) == {}
