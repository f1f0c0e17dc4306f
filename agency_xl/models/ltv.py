"""Customer lifetime value (LTV) of an agency customer: the commission he pays over the years he
stays, discounted. One formula, used by every model that needs an LTV.

LTV = m * q / (1 + d - q), with q = r * (1 + g), valid while q < 1 + d, where
    m = annual commission in $ (annual premium x commission rate),
    r = annual retention (probability of renewing each year),
    d = annual discount rate,
    g = annual premium growth (rate increases); g = 0 gives m * r / (1 + d - r).

It is the sum over future years t = 1, 2, ... of m (1+g)^t r^t / (1+d)^t: the commission of each
renewal year, grown by the premium increases, weighted by the chance the customer is still there,
discounted. The first year's commission (already earned at the sale) is not included.
Source: Gupta & Lehmann (2003), "Customers as assets", J. Interactive Marketing 17(1) - the
infinite-horizon margin x r / (1 + d - r) formula with constant margin growth; REFERENCE_POINTS.md.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from agency_xl.models.periods import window
from agency_xl.models.scalars import plain


def lifetime_value(annual_premium, commission_rate, retention, discount_rate=0.10, premium_growth=0.0):  # noqa: ANN001, ANN201
    """LTV in $ of one customer (or policy, or household), vectorised over numpy arrays.

    annual_premium in $; commission_rate, retention, discount_rate, premium_growth as decimals.
    Returns inf where r * (1 + g) >= 1 + d (the sum does not converge: value grows without bound),
    NaN where an input is NaN.

    >>> round(lifetime_value(1000, 0.10, 0.90, 0.10), 2)
    450.0
    """
    if plain(annual_premium, commission_rate, retention, discount_rate, premium_growth):
        m = float(annual_premium) * float(commission_rate)
        q = float(retention) * (1.0 + float(premium_growth))
        den = 1.0 + float(discount_rate) - q
        if math.isnan(m) or math.isnan(q) or math.isnan(den):
            return math.nan
        return m * q / den if den > 0 else math.inf
    m = np.asarray(annual_premium, dtype=float) * np.asarray(commission_rate, dtype=float)
    q = np.asarray(retention, dtype=float) * (1.0 + np.asarray(premium_growth, dtype=float))
    den = 1.0 + np.asarray(discount_rate, dtype=float) - q
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, m * q / np.where(den > 0, den, 1.0), np.inf)
    out = np.where(np.isnan(m) | np.isnan(q) | np.isnan(den), np.nan, out)
    return out if out.ndim else float(out)


def expected_lifetime_years(retention):  # noqa: ANN001, ANN201
    """Expected years a customer stays = 1 / (1 - r) (geometric lifetime); inf when r >= 1."""
    r = np.asarray(retention, dtype=float)
    with np.errstate(divide="ignore"):
        out = np.where(r < 1, 1.0 / (1.0 - r), np.inf)
    return out if out.ndim else float(out)


COMMISSIONED_TYPES = ("New Business", "Renewal")


def measured_commission_rate(commissions: pd.DataFrame, through: dt.date | None = None,
                             months: int | None = 12) -> float:
    """Commission rate = sum of commission / sum of premium over New Business and Renewal rows.

    Only rows that state a premium count (the Premium column is optional in the statement).
    With ``through`` and ``months``, only statements dated in the ``months`` complete months
    ending at ``through`` (``periods.window``).
    Endorsements, chargebacks and bonuses are left out: they are not the rate paid on a policy
    year. Returns NaN when no row has a premium (the caller then uses the Settings rate).
    """
    c = commissions
    rows = c["transaction_type"].isin(COMMISSIONED_TYPES)
    if through is not None and months:
        rows &= window(through, months).contains(c["statement_date"])
    premium = pd.to_numeric(c.loc[rows, "premium"], errors="coerce")
    commission = pd.to_numeric(c.loc[rows, "commission_amount"], errors="coerce")
    known = premium.notna() & (premium != 0) & commission.notna()
    total = float(premium[known].sum())
    return float(commission[known].sum()) / total if total > 0 else math.nan
