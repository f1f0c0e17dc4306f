"""Rate environment: how a carrier rate increase changes retention, premium, commission and the
lifetime value of a customer.

The retention response is a logistic renewal model with a tolerance: customers take an increase
up to ``t`` (about inflation) in their stride, and the log-odds of renewing fall with the square
of the increase above it,

    logit(r) = logit(r0) - s * max(0, x - t)^2,   i.e.   r = 1 / (1 + (1 - r0) / (r0 * e)),
    e = exp(-s * max(0, x - t)^2),

with r0 the current annual retention, x the rate increase (0.10 = +10%), t the tolerance
(Settings, default 3.5%) and s the market's sensitivity (Settings, per market). It is non-linear
in x (each further point of increase costs more retention than the last), stays between 0 and 1,
never rises when x rises, loses fewer points from an already very loyal book (Life at 99%) than
from a shopping-prone one (auto-only at 85%); an increase within the tolerance, or a cut, leaves
retention where it is (the model claims no gain from a cut).

The market describes the competitors: in a hard market every carrier raises rates, so a shopping
customer finds little cheaper elsewhere and reacts least; in a soft market competitors hold or
cut rates and the same increase drives more customers away. So the sensitivities are ordered
hard < moderate < soft.

Why this form: renewal (lapse) models of personal-lines pricing are logistic regressions of the
renewal decision on the rate change (Anderson et al., "A Practitioner's Guide to Generalized Linear
Models", CAS 2007, section on retention modelling; Guelman & Guillen 2014, "A causal inference
approach to measure price elasticity in automobile insurance", Expert Systems with Applications
41(2)). J.D. Power's 2013 U.S. Insurance Shopping Study found that switching rises with the size of
the increase (9% of customers switched after an increase of $50 or less, 18% after $51-100, 32%
above $200): small increases cost little, large ones disproportionately more - the convex
response above a tolerance. Calibration: the hard-market default reproduces the plan's own
example exactly (REFERENCE_POINTS.md): from 89.64%, with t = 3.5% and s = 13.5, +8% -> 0.894,
+10% -> 0.891 (0.54 points of added churn, MODERATE), +12% -> 0.887. The soft default (36) reads
one agent's forecast of about 3 retention points lost for a 12.5% home-rate increase
(s = (logit(0.8964) - logit(0.8664)) / 0.09^2); the moderate default (22) lies between. Both are
judgment: set them from your own renewals.

Everything else here is exact arithmetic on that response:
- added churn = r0 - r (retention points lost to the increase);
- premium after the renewal cycle = premium x (1 + x) x (1 - added churn): the whole book renews
  once a year and the increase drives away an extra ``added churn`` share of it; new business and
  ordinary lapses are assumed to balance as they do today;
- revenue growth = (1 + policy growth) x (1 + rate) x (1 + churn) - 1, split exactly into its parts;
- lifetime value from ``agency_xl.models.ltv.lifetime_value`` with the rate-driven retention.

Functions take scalars or numpy arrays alike where that makes sense and return NaN instead of
raising when an input is missing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.ltv import lifetime_value
from agency_xl.models.periods import last_complete_month

DEFAULT_INCREASES = (0.0, 0.04, 0.08, 0.10, 0.12, 0.15, 0.20)
DEFAULT_TOLERANCE = 0.035  # increases up to this cost no retention (about inflation); Settings

LOW, MODERATE, HIGH, SEVERE = "LOW", "MODERATE", "HIGH", "SEVERE"
SEVERITIES = (LOW, MODERATE, HIGH, SEVERE)


def _out(a: np.ndarray):  # noqa: ANN202
    return a if a.ndim else float(a)


def rate_retention(current_retention, rate_increase, sensitivity, tolerance=DEFAULT_TOLERANCE):  # noqa: ANN001, ANN201
    """Annual retention after a rate increase: logit(r) = logit(r0) - s max(0, x - t)^2.

    current_retention r0 and the result as decimals (0.8964 = 89.64%); rate_increase x as a decimal
    (0.10 = +10%, negative for a cut); sensitivity s >= 0 (log-odds of renewing lost per squared
    unit of increase above the tolerance); tolerance t as a decimal (0.035: increases up to 3.5%
    cost nothing). Computed as 1 / (1 + (1 - r0) / (r0 e)), e = exp(-s max(0, x - t)^2).
    r0 = 0 or 1 stay where they are. NaN in, NaN out. The plan's hard-market example:

    >>> [round(rate_retention(0.8964, x, 13.5), 3) for x in (0.08, 0.10, 0.12)]
    [0.894, 0.891, 0.887]
    """
    r0 = np.asarray(current_retention, dtype=float)
    x = np.asarray(rate_increase, dtype=float)
    s = np.asarray(sensitivity, dtype=float)
    above = np.maximum(x - np.asarray(tolerance, dtype=float), 0.0)
    e = np.exp(-s * above * above)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # 1 / (1 + lapse odds): every step is monotone under rounding, so the result never rises
        # with x even in the last digit (r0 e / (r0 e + 1 - r0) can, by one ulp, near r0 = 1).
        out = 1.0 / (1.0 + (1.0 - r0) / (r0 * e))
    # Within the tolerance means today's retention exactly; an increase never lifts it (guards the
    # last digit; keeps the result monotone).
    out = np.where(above > 0, np.minimum(out, r0), r0)
    out = np.where(r0 >= 1.0, 1.0, np.where(r0 <= 0.0, 0.0, out))
    out = np.where(np.isnan(r0) | np.isnan(e), np.nan, out)
    return _out(out)


def added_churn(current_retention, rate_increase, sensitivity, tolerance=DEFAULT_TOLERANCE):  # noqa: ANN001, ANN201
    """Retention points lost to the increase = r0 - rate_retention(r0, x, s, t) (0 within the
    tolerance). The plan's example: 0.0054 for +10% in a hard market.

    >>> round(added_churn(0.8964, 0.10, 13.5), 4)
    0.0054
    """
    r0 = np.asarray(current_retention, dtype=float)
    return _out(r0 - np.asarray(rate_retention(r0, rate_increase, sensitivity, tolerance)))


def rate_severity(added_churn: float, low_below: float = 0.005, moderate_below: float = 0.02,
                  high_below: float = 0.05) -> str:
    """LOW / MODERATE / HIGH / SEVERE by the retention points an increase costs.

    LOW below ``low_below`` (half a point: within the month-to-month noise of measured retention),
    MODERATE below ``moderate_below`` (2 points), HIGH below ``high_below`` (5 points), SEVERE
    above. A rate cut (negative added churn) is LOW. Thresholds are Settings inputs; the plan's
    example, 0.0054 added churn, is MODERATE. Returns "" when the churn is unknown (NaN).

    >>> rate_severity(0.0054)
    'MODERATE'
    """
    if added_churn is None or math.isnan(added_churn):
        return ""
    if added_churn < low_below:
        return LOW
    if added_churn < moderate_below:
        return MODERATE
    if added_churn < high_below:
        return HIGH
    return SEVERE


@dataclass
class RateImpact:
    """One planned increase and what it does to retention."""

    current_retention: float
    rate_increase: float
    sensitivity: float
    retention: float  # after the increase
    added_churn: float  # current - after, retention points as a decimal
    severity: str


def rate_impact(current_retention: float, rate_increase: float, sensitivity: float,
                thresholds: tuple[float, float, float] = (0.005, 0.02, 0.05),
                tolerance: float = DEFAULT_TOLERANCE) -> RateImpact:
    """Retention after the increase, the points lost and their severity, in one record."""
    r = float(rate_retention(current_retention, rate_increase, sensitivity, tolerance))
    churn = float(current_retention) - r
    return RateImpact(float(current_retention), float(rate_increase), float(sensitivity), r, churn,
                      rate_severity(churn, *thresholds))


def book_premium_after(annual_premium, rate_increase, current_retention, sensitivity,  # noqa: ANN001, ANN201
                       tolerance=DEFAULT_TOLERANCE):
    """Premium of today's book after one renewal cycle at the new rate, in $:
    premium x (1 + x) x (1 - added churn).

    The whole book comes up for renewal once a year; the increase drives away an extra
    ``added churn`` share of it on top of the ordinary lapses, which new business is assumed to
    replace as it does today. With x = 0 it is today's premium.
    """
    p = np.asarray(annual_premium, dtype=float)
    x = np.asarray(rate_increase, dtype=float)
    churn = np.asarray(added_churn(current_retention, x, sensitivity, tolerance))
    return _out(p * (1.0 + x) * (1.0 - churn))


SCENARIO_COLUMNS = ["rate_increase", "retention", "added_churn", "premium", "commission",
                    "commission_change", "change_pct"]


def rate_scenarios(current_retention: float, annual_premium: float, commission_rate: float,
                   sensitivity: float, increases=DEFAULT_INCREASES,  # noqa: ANN001
                   tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """One row per rate increase: retention after it, added churn, the book's premium after one
    renewal cycle (``book_premium_after``), commission (premium x commission rate), and the change
    in commission against today (no increase) in $ and as a share.

    Columns: rate_increase, retention, added_churn, premium, commission, commission_change,
    change_pct. change_pct = (1 + x)(1 - added churn) - 1 (NaN when today's premium is 0).
    """
    x = np.asarray(list(increases), dtype=float).ravel()
    r = np.asarray(rate_retention(current_retention, x, sensitivity, tolerance), dtype=float)
    premium = np.asarray(book_premium_after(annual_premium, x, current_retention, sensitivity, tolerance),
                         dtype=float)
    commission = premium * float(commission_rate)
    today = float(annual_premium) * float(commission_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(today != 0, commission / (today if today != 0 else 1.0) - 1.0, np.nan)
    return pd.DataFrame({
        "rate_increase": x,
        "retention": r,
        "added_churn": float(current_retention) - r,
        "premium": premium,
        "commission": commission,
        "commission_change": commission - today,
        "change_pct": change_pct,
    })


@dataclass
class RevenueDecomposition:
    """Revenue growth split exactly into policy growth, rate, their interaction and churn.

    (1 + total) = (1 + policy_growth) x (1 + rate_increase) x (1 + churn), and
    total = policy_growth + rate_increase + interaction + churn_effect, where
    interaction = policy_growth x rate_increase and
    churn_effect = (1 + policy_growth)(1 + rate_increase) x churn (churn acts on the grown book).
    """

    policy_growth: float
    rate_increase: float
    churn: float
    interaction: float
    before_churn: float  # (1 + p)(1 + x) - 1 = p + x + p x
    churn_effect: float
    total: float

    def factors(self) -> list[float]:
        """The three growth factors whose product is 1 + total."""
        return [1.0 + self.policy_growth, 1.0 + self.rate_increase, 1.0 + self.churn]

    def parts(self) -> list[tuple[str, float | None, float]]:
        """(part, factor, contribution to total growth); the contributions add up to the total."""
        return [
            ("Policy growth", 1.0 + self.policy_growth, self.policy_growth),
            ("Rate increase", 1.0 + self.rate_increase, self.rate_increase),
            ("Policy x rate", None, self.interaction),
            ("Rate-driven churn", 1.0 + self.churn, self.churn_effect),
            ("Total revenue growth", 1.0 + self.total, self.total),
        ]


def revenue_decomposition(policy_growth: float, rate_increase: float, churn: float = 0.0) -> RevenueDecomposition:
    """Multiplicative decomposition of revenue (premium, hence commission) growth.

    policy_growth p, rate_increase x and churn c as decimals (c is the share of the book lost to
    the increase, negative: -0.0054 for 0.54 points of added churn). Total = (1+p)(1+x)(1+c) - 1.
    The plan's 5% policy growth and 10% rate give (1.05 x 1.10) - 1 = 15.5% = 5% + 10% + 0.5%
    (the interaction); its -0.5% churn then acts on the grown book: 1.155 x (1 - 0.005) - 1 = 14.92%.
    """
    p, x, c = float(policy_growth), float(rate_increase), float(churn)
    before = (1.0 + p) * (1.0 + x) - 1.0
    total = (1.0 + p) * (1.0 + x) * (1.0 + c) - 1.0
    return RevenueDecomposition(p, x, c, p * x, before, (1.0 + before) * c, total)


@dataclass
class LtvComparison:
    """Lifetime value of one customer without and with premium inflation."""

    annual_commission: float
    premium_growth: float
    retention: float  # today
    retention_with_increases: float  # when premiums rise by premium_growth every year
    without_inflation: float  # g = 0, today's retention (the traditional figure)
    with_inflation: float  # g, today's retention (the plan's "corrected" figure)
    with_inflation_and_churn: float  # g, the retention those increases leave

    @property
    def uplift(self) -> float:
        """with_inflation_and_churn / without_inflation - 1."""
        return self.with_inflation_and_churn / self.without_inflation - 1.0 if self.without_inflation else math.nan


def ltv_comparison(annual_premium: float, commission_rate: float, current_retention: float,
                   premium_growth: float, sensitivity: float, discount_rate: float = 0.10,
                   tolerance: float = DEFAULT_TOLERANCE) -> LtvComparison:
    """LTV with ``lifetime_value`` three ways: no premium growth; premium growth g at today's
    retention; premium growth g at the retention a yearly increase of g leaves
    (``rate_retention(r0, g, s, t)``): higher rates raise each year's commission but lower r.
    A value is inf when r (1 + g) >= 1 + d (the sum does not converge)."""
    r_g = float(rate_retention(current_retention, premium_growth, sensitivity, tolerance))
    args = (annual_premium, commission_rate)
    return LtvComparison(
        annual_commission=float(annual_premium) * float(commission_rate),
        premium_growth=float(premium_growth),
        retention=float(current_retention),
        retention_with_increases=r_g,
        without_inflation=lifetime_value(*args, current_retention, discount_rate, 0.0),
        with_inflation=lifetime_value(*args, current_retention, discount_rate, premium_growth),
        with_inflation_and_churn=lifetime_value(*args, r_g, discount_rate, premium_growth),
    )


# --- measured inputs -----------------------------------------------------------------------------

def _window(growth: pd.DataFrame, months: int, through: dt.date | None = None) -> pd.DataFrame:
    """The rows of the growth & retention report in the ``months`` complete months ending at
    ``through`` (``periods.window``); without ``through``, ending with the latest month it holds."""
    month = pd.to_datetime(growth["month"]).to_numpy("datetime64[M]")  # calendar months, NaT kept
    known = month[~np.isnat(month)]
    if not len(known):
        return growth.iloc[0:0]
    last = known.max() if through is None else np.datetime64(str(last_complete_month(through)), "M")
    return growth[(month > last - months) & (month <= last)]  # NaT: False


@dataclass
class MeasuredRetention:
    """Renewals retained / renewals offered over a window of the growth & retention report."""

    retention: float
    renewals_offered: float
    renewals_retained: float
    first_month: pd.Timestamp | None
    last_month: pd.Timestamp | None
    months: int
    by_product: pd.DataFrame  # product, renewals_offered, renewals_retained, retention


def measured_retention(growth: pd.DataFrame, months: int = 12, through: dt.date | None = None) -> MeasuredRetention:
    """Current retention = sum of renewals retained / sum of renewals offered over the ``months``
    complete months of the growth & retention report ending at ``through`` (default: its latest
    month), overall and per product (ratios of sums, so busy months weigh more). Policy
    retention (renewals), not households. NaN where nothing was offered."""
    w = _window(growth, months, through)
    offered = pd.to_numeric(w["renewals_offered"], errors="coerce").fillna(0.0)
    retained = pd.to_numeric(w["renewals_retained"], errors="coerce").fillna(0.0)
    t = pd.DataFrame({"product": w["product"].astype(str), "renewals_offered": offered,
                      "renewals_retained": retained})
    by = t.groupby("product", sort=False)[["renewals_offered", "renewals_retained"]].sum()
    by = by.sort_values("renewals_offered", ascending=False)
    by["retention"] = np.where(by["renewals_offered"] > 0,
                               by["renewals_retained"] / by["renewals_offered"].where(by["renewals_offered"] > 0, 1),
                               np.nan)
    total_off, total_ret = float(offered.sum()), float(retained.sum())
    month = pd.to_datetime(w["month"])
    return MeasuredRetention(
        retention=total_ret / total_off if total_off > 0 else math.nan,
        renewals_offered=total_off,
        renewals_retained=total_ret,
        first_month=month.min() if len(w) else None,
        last_month=month.max() if len(w) else None,
        months=len(np.unique(month.to_numpy("datetime64[M]"))),
        by_product=by.rename_axis("product").reset_index(),
    )


def measured_policy_growth(growth: pd.DataFrame, months: int = 12,
                           through: dt.date | None = None) -> tuple[float, int]:
    """Annual policy (PIF) growth over the last ``months`` months of the growth & retention report,
    and the number of months it was measured over.

    growth = (ending PIF of the last month / beginning PIF of the first month) ^ (12 / months) - 1,
    summed over products. Where Ending PIF is blank (an optional column) it is rebuilt as
    beginning + new business - (renewals offered - retained) - cancellations. NaN when the
    beginning PIF adds up to 0. The months: the complete months ending at ``through`` (default: the
    report's latest month).
    """
    w = _window(growth, months, through)
    if w.empty:
        return math.nan, 0

    def col(name: str) -> pd.Series:
        return pd.to_numeric(w[name], errors="coerce")

    rebuilt = (col("beginning_pif").fillna(0) + col("new_business").fillna(0)
               - (col("renewals_offered").fillna(0) - col("renewals_retained").fillna(0))
               - col("cancellations").fillna(0))
    ending = col("ending_pif").fillna(rebuilt)
    month = pd.to_datetime(w["month"]).to_numpy("datetime64[M]")
    first, last = month.min(), month.max()
    n = int((last - first).astype(int)) + 1
    start = float(col("beginning_pif")[month == first].sum())
    end = float(ending[month == last].sum())
    if start <= 0:
        return math.nan, n
    return (end / start) ** (12.0 / n) - 1.0, n
