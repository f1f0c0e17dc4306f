"""Worksheet functions of the leads model: vendor ROI, LTV:CAC, a vendor's rating and the lead score.

LEAD_SCORE scores with the coefficients fitted on the owner's own lead log, the ones the Leads sheet
shows, when the exports folder on the calling workbook's Settings provides them (read from its
metrics, not fitted again). Without them (no folder, no lead log or book of business, too few closed
leads) it still works: it uses ``SAMPLE_SCORE_MODEL`` below, the coefficients fitted on the bundled
sample exports (data/sample) with the default settings and saved here. Regenerate them after the
sample data changes with

    python -c "from agency_xl.functions.leads import *; print(score_model_source(sample_score_model()))"

and paste the output over ``SAMPLE_SCORE_MODEL`` (tests/test_leads.py checks they match).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agency_xl.assumptions.leads import LeadsSettings
from agency_xl.functions.ams import group, workbook_metrics
from agency_xl.functions.catalog import (
    ArgError,
    integer,
    number,
    text,
    worksheet_function,
    yes_no,
)
from agency_xl.models import leads as m

CATEGORY = "Agency - Leads"
DEFAULTS = LeadsSettings()
SAMPLE_FOLDER = Path(__file__).resolve().parents[3] / "data" / "sample"
# Fitted on the sample lead log with the default settings: see the module docstring to regenerate.
SAMPLE_SCORE_MODEL = m.ScoreModel(
    names=['intercept',
           'homeowner',
           'vehicles',
           'products_quoted',
           'vendor=HomeShield Leads',
           'vendor=PrimeQuote Leads'],
    coefficients=[-4.3969658542478,
                  0.5900477948781485,
                  0.42308027169428963,
                  0.5530757021062043,
                  0.5983937769280371,
                  0.8340006558506665],
    baseline_vendor='ClickQuote',
    vendors=['HomeShield Leads', 'PrimeQuote Leads'],
    means={'homeowner': 0.47822299651567945,
           'vehicles': 1.7578397212543555,
           'products_quoted': 1.4172473867595818},
    vendor_mix={'ClickQuote': 0.45121951219512196,
                'PrimeQuote Leads': 0.3344947735191638,
                'HomeShield Leads': 0.21428571428571427},
    p_ref=0.2649094818396648,
    reference_quantile=0.9,
    n_train=1148,
    n_sold=146,
    l2=1.0,
    iterations=6,
    converged=True,
    notes=[],
)
@worksheet_function(
    CATEGORY,
    "Vendor ROI = (conversions x average LTV - spend) / spend, as a ratio (5.2 = 520%).",
    {
        "spend": "Lead spend with the vendor in $ (above 0).",
        "conversions": "Leads from the vendor that became customers.",
        "avg_ltv": "Average lifetime value in $ of the customers won.",
    },
    example="12000, 36, 6200",
    unit="ratio",
)
def VENDOR_ROI(spend: Any, conversions: Any, avg_ltv: Any) -> float:
    x = number(spend, "spend", 0, 1e10)
    if x == 0:
        raise ArgError("spend must be above 0; ROI needs a spend")
    n = number(conversions, "conversions", 0, 1e8)
    ltv = number(avg_ltv, "avg_ltv", 0, 1e9)
    return m.vendor_roi(x, n, ltv)


@worksheet_function(
    CATEGORY,
    "LTV:CAC = lifetime value / customer acquisition cost. Below 3 is the usual warning.",
    {
        "ltv": "Lifetime value of a customer in $.",
        "cac": "Cost to acquire one customer in $ (above 0).",
    },
    example="18000, 1350",
    unit="x",
)
def LTV_CAC(ltv: Any, cac: Any) -> float:
    value = number(ltv, "ltv", 0, 1e9)
    cost = number(cac, "cac", 0, 1e9)
    if cost == 0:
        raise ArgError("cac must be above 0")
    return m.ltv_to_cac(value, cost)


@worksheet_function(
    CATEGORY,
    "Vendor rating from its ROI: EXCELLENT, GOOD or UNDERPERFORMING.",
    {
        "roi": "The vendor's ROI as a ratio, e.g. 2.5 for 250%.",
        "excellent": f"Optional. ROI at or above this is EXCELLENT. Default {DEFAULTS.roi_excellent:g}.",
        "good": f"Optional. ROI at or above this is GOOD. Default {DEFAULTS.roi_good:g}.",
    },
    example="2.5",
    returns="text",
    unit="text",
)
def VENDOR_RATING(roi: Any, excellent: Any = None, good: Any = None) -> str:
    r = number(roi, "roi", -1, 1e6)
    ex = number(excellent, "excellent", -1, 1e6, default=DEFAULTS.roi_excellent)
    gd = number(good, "good", -1, 1e6, default=min(DEFAULTS.roi_good, ex))
    if gd > ex:
        raise ArgError("good must not be above excellent")
    return m.vendor_rating(r, ex, gd)


def fitted_score_model(metrics: dict[str, Any]) -> m.ScoreModel | None:
    """The lead score the Leads figures fitted on the owner's lead log, from the folder's
    (flattened) metrics; None when they hold none (no lead log or book, too few closed leads)."""
    coefficients = group(metrics, "leads.score_coefficients")
    if not coefficients:
        return None
    names = list(coefficients)
    return m.ScoreModel(
        names=names, coefficients=[float(coefficients[n]) for n in names],
        baseline_vendor=metrics.get("leads.score_baseline_vendor"),
        vendors=[n.removeprefix("vendor=") for n in names if n.startswith("vendor=")],
        means=group(metrics, "leads.score_means"),
        vendor_mix=group(metrics, "leads.score_vendor_mix"),
        p_ref=float(metrics["leads.score_p_ref"]), missing=list(metrics.get("leads.score_answers_missing") or []),
    )


def owner_score_model(caller: Any) -> tuple[m.ScoreModel, str]:
    """The lead score LEAD_SCORE uses for this caller: fitted on the owner's lead log (the Leads
    sheet's) when the calling workbook's exports folder provides it, else the sample agency's
    (``SAMPLE_SCORE_MODEL``); with why not the owner's ("" when it is)."""
    metrics, why = workbook_metrics(caller)
    if metrics is not None:
        model = fitted_score_model(metrics)
        if model is not None:
            return model, ""
        why = ("your lead log has too few closed leads (sold and lost) to fit a score"
               if "leads.score_coefficients" in metrics else
               "the exports folder has no lead log, or no book of business, for the Leads sheet")
    return SAMPLE_SCORE_MODEL, why


def score_defaults_used(caller: Any) -> str:
    """Which coefficients LEAD_SCORE uses for this caller, and where they came from."""
    model, why = owner_score_model(caller)
    if not why:
        return (f"Coefficients: yours, fitted on your lead log (as on the Leads sheet); "
                f"baseline vendor {model.baseline_vendor}.")
    return f"Coefficients: the SAMPLE agency's lead log, not yours ({why})."


@worksheet_function(
    CATEGORY,
    "Lead score 0-100 from a lead's answers (logistic regression); as likely to buy as the best tenth "
    "of past leads scores 100. Coefficients: fitted on your lead log when the exports folder on "
    "Settings has it (as on the Leads sheet), else the SAMPLE agency's.",
    {
        "homeowner": "Does the lead own a home? TRUE/FALSE, 1/0 or Y/N.",
        "vehicles": "Number of vehicles, 0 to 20.",
        "products_quoted": "Number of products quoted, 0 to 20.",
        "vendor": "Optional. Lead vendor (any case); blank or a vendor the lead log does not know "
                  "gets the average vendor effect.",
        "caller": "Filled in by Excel: the calling cell (not typed).",
    },
    example='TRUE, 2, 2, "ClickQuote"',
    unit="score",
    kinds={"homeowner": "bool", "vendor": "text", "caller": "caller"},
    volatile=True,  # the coefficients come from the exports folder, which changes without an argument changing
    measured_defaults=score_defaults_used,
)
def LEAD_SCORE(homeowner: Any, vehicles: Any, products_quoted: Any, vendor: Any = None,
               caller: Any = None) -> float:
    home = yes_no(homeowner, "homeowner")
    cars = integer(vehicles, "vehicles", 0, 20)
    quoted = integer(products_quoted, "products_quoted", 0, 20)
    who = text(vendor, "vendor", default="") or None
    model, _ = owner_score_model(caller)
    known = {v.lower(): v for v in model.vendor_mix}
    who = known.get(who.lower(), who) if who else None  # typed in any case
    return m.score_one(model, float(home), cars, quoted, who)


def sample_score_model(folder: str | Path = SAMPLE_FOLDER) -> m.ScoreModel:
    """Fit the lead score on the lead log of the exports in ``folder`` (the bundled sample by
    default) with the default settings: the coefficients LEAD_SCORE uses."""
    from agency_xl.ams import (
        read_exports,  # the outer layer may read files; models may not
    )

    data = read_exports(folder)
    if data.leads is None:
        raise FileNotFoundError(f"{folder}: no lead log among the exports")
    model = m.fit_lead_score(data.leads, DEFAULTS.score_l2,
                             reference_quantile=DEFAULTS.score_reference_percentile)
    if model is None:
        raise ValueError(f"{folder}: the lead log has too few closed leads to fit a score")
    return model


def score_model_source(model: m.ScoreModel) -> str:
    """Python source of ``model`` to paste as ``SAMPLE_SCORE_MODEL``."""
    import pprint

    lines = ["SAMPLE_SCORE_MODEL = m.ScoreModel("]
    for key, value in vars(model).items():
        text = pprint.pformat(value, width=88, sort_dicts=False).replace("\n", "\n" + " " * (5 + len(key)))
        lines.append(f"    {key}={text},")
    return "\n".join(lines + [")"])
