"""`agency-xl metrics`: the base facts of the exports plus every dashboard's KPIs, as JSON-ready
data, so the reader and the models can be checked against an independent calculation.

Definitions (issue #2): see ``base_facts``. Products appear under their canonical names.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.figures import Figures, compute_figures
from agency_xl.figures.backtest import forecast_accuracy


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else float(num) / float(den)


def base_facts(data: AmsData) -> dict[str, Any]:
    """The facts of the exports, each as issue #2 defines it:

    policies_in_force: distinct Policy Number with Status In Force in the book of business;
    households: distinct Household ID with at least one in-force policy; premium_in_force: sum of
    Annual Premium over in-force policies; products_per_household: mean over those households of
    distinct products in force; retention: sum Renewals Retained / sum Renewals Offered over the
    growth & retention report (and per product); claims: distinct Claim Number;
    incurred_by_product: sum of Incurred Loss (Paid + Reserve where the column is absent);
    commission_total; chargeback_total: Commission Amount over Cancellation and Chargeback rows;
    median_commission_lag_days: median Statement Date - Transaction Effective Date over New
    Business and Renewal rows; sales_by_month from the sales report (else the book);
    leads_by_vendor; referrals and referrals_sold; rows_rejected; problems.
    """
    out: dict[str, Any] = {"as_of": data.as_of.isoformat()}
    pol = data.policies
    if pol is not None:
        inf = pol[pol["status"] == "In Force"]
        out["policies_in_force"] = int(inf["policy_number"].nunique())
        out["households"] = int(inf["household_id"].nunique())
        out["premium_in_force"] = round(float(inf["annual_premium"].sum()), 2)
        out["policies_in_force_by_product"] = {
            k: int(v) for k, v in inf.groupby("product")["policy_number"].nunique().items()}
        per_hh = inf.groupby("household_id")["product"].nunique()
        out["products_per_household"] = round(float(per_hh.mean()), 4) if len(per_hh) else None
    g = data.growth
    if g is not None:
        out["retention"] = _ratio(g["renewals_retained"].sum(), g["renewals_offered"].sum())
        by = g.groupby("product")[["renewals_retained", "renewals_offered"]].sum()
        out["retention_by_product"] = {
            k: _ratio(r.renewals_retained, r.renewals_offered) for k, r in by.iterrows()}
    c = data.claims
    if c is not None:
        out["claims"] = int(c["claim_number"].nunique())
        out["incurred_by_product"] = {
            k: round(float(v), 2) for k, v in c.groupby("product")["incurred_loss"].sum().items()}
    cm = data.commissions
    if cm is not None:
        out["commission_total"] = round(float(cm["commission_amount"].sum()), 2)
        cb = cm["transaction_type"].isin(["Cancellation", "Chargeback"])
        out["chargeback_total"] = round(float(cm.loc[cb, "commission_amount"].sum()), 2)
        nb = cm[cm["transaction_type"].isin(["New Business", "Renewal"])]
        lag = (nb["statement_date"] - nb["transaction_effective_date"]).dt.days
        out["median_commission_lag_days"] = float(lag.median()) if len(lag) else None
    s = data.sales
    if s is not None:
        months = pd.to_datetime(s["issue_date"]).dt.strftime("%Y-%m")
        out["sales_by_month"] = {k: int(v) for k, v in months.value_counts().sort_index().items()}
        out["sales_from"] = "book of business" if data.sales_derived else "sales report"
    ld = data.leads
    if ld is not None:
        out["leads_by_vendor"] = {
            vendor: {"leads": int(len(grp)), "cost": round(float(grp["cost"].sum()), 2),
                     "sold": int((grp["status"] == "Sold").sum())}
            for vendor, grp in ld.groupby("vendor")}
    r = data.referrals
    if r is not None:
        out["referrals"] = int(len(r))
        out["referrals_sold"] = int((r["status"] == "Sold").sum())
    out["rows_rejected"] = data.health.rows_rejected()
    out["problems"] = data.problems()
    return out


def all_metrics(data: AmsData, settings: Assumptions) -> dict[str, Any]:
    """Base facts plus each model's KPIs under the model's name."""
    return metrics_of(compute_figures(data, settings))


def metrics_of(figures: Figures) -> dict[str, Any]:
    """``all_metrics`` from the refresh's figures (the ones its sheets show)."""
    out = base_facts(figures.data)
    models = {"profitability": figures.profitability.kpis(),
              "rate_environment": figures.rate_environment.kpis(),
              "cash_flow": figures.cash_flow.kpis(),
              "segments": figures.segments.kpis(),
              "seasonality": figures.seasonality.kpis(),
              "cross_sell": figures.cross_sell.kpis(),
              "leads": figures.leads.kpis(),
              "referral_growth": figures.referrals.kpis(),
              "producers": figures.producers.kpis(),
              "forecast_accuracy": forecast_accuracy(figures.backtests),
              "scorecard": figures.scorecard.kpis(),
              "summary": figures.summary.kpis()}
    for key, kpis in models.items():
        if key in out:  # a model's KPIs must never hide a base fact
            raise ValueError(f"metrics: model key {key!r} clashes with a base fact")
        out[key] = kpis
    return out

