"""Referral growth: how many customers refer, how many referrals become customers, what they cost
and what they are worth, and how far referrals alone carry the book.

Referral log columns used: referral_date, referrer_household_id, status (Quoted/Sold/Lost),
sold_date, household_id (the new customer), incentive_paid.

Definitions (all over a window of the last ``months`` months unless said otherwise):
- referral rate = households that referred / households in force;
- referrals per referrer = referrals / households that referred;
- conversion = sold / decided referrals (Sold + Lost; "Quoted" ones are still open and would bias
  the rate down if counted as lost): ``leads.decided_conversion``, the one definition of
  conversion the Leads sheet uses for paid leads too;
- referral CAC = incentives paid / referrals sold;
- viral coefficient K = referral rate x referrals per referrer x conversion: new customers each
  existing customer brings in per window. Source: the standard viral-loop coefficient (Skok, "Lessons
  Learned - Viral Marketing", 2009); the plan's 0.028 = 8% x 35% leaves out the 1.4 referrals per
  referrer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.leads import decided_conversion
from agency_xl.models.periods import window


def viral_coefficient(referral_rate, referrals_per_referrer, conversion_rate):  # noqa: ANN001, ANN201
    """K = referral rate x referrals per referrer x conversion rate (all decimals, per period).

    >>> round(viral_coefficient(0.08, 1.4, 0.35), 4)
    0.0392
    """
    out = (np.asarray(referral_rate, dtype=float) * np.asarray(referrals_per_referrer, dtype=float)
           * np.asarray(conversion_rate, dtype=float))
    return out if out.ndim else float(out)


def total_reach(customers, k):  # noqa: ANN001, ANN201
    """Customers reached by referrals chains started from ``customers``: N0 / (1 - K) for K < 1
    (the geometric series N0 (1 + K + K^2 + ...)); inf when K >= 1 (growth feeds itself)."""
    n = np.asarray(customers, dtype=float)
    kk = np.asarray(k, dtype=float)
    with np.errstate(divide="ignore"):
        out = np.where(kk < 1, n / (1 - np.where(kk < 1, kk, 0)), np.inf)
    return out if out.ndim else float(out)


def monthly_retention(annual_retention: float) -> float:
    """The monthly survival rate that compounds to the annual retention: r ** (1/12)."""
    return float(annual_retention) ** (1.0 / 12.0)


def referral_projection(customers: float, k: float, months: int = 12, monthly_retention: float = 1.0,
                        other_new_per_month: float = 0.0) -> pd.DataFrame:
    """Month-by-month customers with referrals and retention.

    N_t = N_{t-1} x monthly_retention + N_{t-1} x K / 12 + other new customers, with K the yearly
    viral coefficient spread evenly over the months. Returns month (1..months), customers (end of
    month), from_referrals, lost, other_new.
    """
    rows = []
    n = float(customers)
    for month in range(1, int(months) + 1):
        referred = n * k / 12.0
        lost = n * (1.0 - monthly_retention)
        n = n - lost + referred + other_new_per_month
        rows.append([month, n, referred, lost, other_new_per_month])
    return pd.DataFrame(rows, columns=["month", "customers", "from_referrals", "lost", "other_new"])


def incentive_value(households: float, referral_rate: float, referrals_per_referrer: float,
                    conversion: float, incentive: float, ltv: float) -> dict[str, float]:
    """One incentive scenario: referrals = households x rate x per referrer; conversions =
    referrals x conversion; cost = conversions x incentive (paid on sold referrals); value =
    conversions x LTV; ROI = (value - cost) / cost."""
    referrals = households * referral_rate * referrals_per_referrer
    conversions = referrals * conversion
    cost = conversions * incentive
    value = conversions * ltv
    roi = (value - cost) / cost if cost > 0 else float("nan")
    return {"incentive": incentive, "referral_rate": referral_rate, "referrals": referrals,
            "conversions": conversions, "cost": cost, "value": value, "roi": roi}


def incentive_scenarios(levels: list[float], current_incentive: float, base_rate: float, response: float,
                        households: float, referrals_per_referrer: float, conversion: float,
                        ltv: float) -> pd.DataFrame:
    """Scenario per incentive level. The referral rate answers the incentive with a constant
    elasticity: rate(I) = base rate x (I / current incentive) ^ response (response on Settings;
    0 = no effect). An assumption, not a measurement: the log only shows today's incentive."""
    rows = []
    for level in levels:
        rate = base_rate * (level / current_incentive) ** response if current_incentive > 0 else base_rate
        rows.append(incentive_value(households, min(rate, 1.0), referrals_per_referrer, conversion, level, ltv))
    return pd.DataFrame(rows)


@dataclass
class ReferralProgram:
    households: int  # in force at as_of
    referrers: int
    referrals: int
    sold: int
    decided: int
    incentives_paid: float
    referral_rate: float
    referrals_per_referrer: float
    conversion: float
    cac: float
    k: float


def program_metrics(referrals: pd.DataFrame, households_in_force: int, through: dt.date,
                    months: int = 12) -> ReferralProgram:
    """The referral program over the ``months`` complete months ending at ``through``
    (``periods.window``; definitions in the module docstring)."""
    r = referrals[window(through, months).contains(referrals["referral_date"])]
    referrers = int(r["referrer_household_id"].nunique())
    sold, decided, conv = decided_conversion(r["status"])
    incentives = pd.to_numeric(r["incentive_paid"], errors="coerce").to_numpy(dtype=float)
    # A log without incentives (the column is optional) does not say they cost nothing: unknown.
    paid = float(np.nansum(incentives)) if np.isfinite(incentives).any() or not len(r) else float("nan")
    rate = referrers / households_in_force if households_in_force else float("nan")
    per = len(r) / referrers if referrers else float("nan")
    cac = paid / sold if sold else float("nan")
    return ReferralProgram(households_in_force, referrers, len(r), sold, decided, paid, rate, per, conv, cac,
                           viral_coefficient(rate, per, conv))


def tenure_band(years):  # noqa: ANN001, ANN201
    """"<1 yr", "1-3 yrs" or "3+ yrs"."""
    y = np.asarray(years, dtype=float)
    out = np.where(y >= 3, "3+ yrs", np.where(y >= 1, "1-3 yrs", "<1 yr"))
    return out if out.ndim else str(out)


def propensity_table(households: pd.DataFrame, referrals: pd.DataFrame) -> pd.DataFrame:
    """Who refers: the share of households that referred anyone (over the whole log), by number of
    products (1, 2, 3+) and tenure band. ``households`` is ``households.household_table``.
    Returns products, tenure, households, referrers, rate."""
    h = households.copy()
    h["products_group"] = np.where(h["products"] >= 3, "3+", h["products"].astype(int).astype(str))
    h["tenure"] = tenure_band(h["tenure_years"].to_numpy())
    h["referred"] = h["household_id"].isin(set(referrals["referrer_household_id"].dropna()))
    rows = []
    for p in ("1", "2", "3+"):
        for t in ("<1 yr", "1-3 yrs", "3+ yrs"):
            part = h[(h["products_group"] == p) & (h["tenure"] == t)]
            n, k = len(part), int(part["referred"].sum())
            rows.append([p, t, n, k, k / n if n else float("nan")])
    return pd.DataFrame(rows, columns=["products", "tenure", "households", "referrers", "rate"])
