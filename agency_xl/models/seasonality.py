"""Seasonality: the monthly pattern of sales, when renewals fall, when to spend on marketing and how
many staff each month needs.

Seasonal index (method of simple averages, ratio to each year's monthly mean):
    index_y(m) = 100 x sales in month m of year y / mean monthly sales of year y
    index(m)   = mean over the years used of index_y(m)
Each year's index averages 100 over its 12 months, so their mean does too; year-to-year growth drops
out because each year is measured against its own mean. A "year" here is 12 consecutive months
counted back from the last complete month of the history (the calendar year when the history ends
in December): an AMS export usually holds the last 24 months, and counting back uses all of them,
where whole calendar years would leave out the current year's months. The most recent ``years``
such years are averaged; an older remainder shorter than 12 months is left out.
Source: Croxton, Cowden & Klein, "Applied General Statistics" (3rd ed., 1967), ch. 14, seasonal
variation, the method of simple averages; the ratio-to-moving-average alternative (classical
multiplicative decomposition, Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
3rd ed., sec. 3.4) needs 13+ months before it gives any index and loses 6 months at each end, too
much for an agency's two or three years of sales.

Renewal concentration = renewals in a month / average renewals per month (the plan: 325 renewals
against an average of 229 is 1.42; 145 is 0.63). Renewals are the expiration dates of the book's
in-force policies, rolled forward by the policy term, in the 12 calendar months after the data date.

Functions accept numpy arrays, pandas Series or lists; they return NaN (not an error) where a
ratio has no denominator or the history is too short.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.models.periods import last_complete_month  # noqa: F401 (part of this module's API)
from agency_xl.models.scalars import plain
from agency_xl.models.scalars import safe_ratio as _ratio

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS_PER_MONTH = 365.25 / 12

INCREASE = "Increase"
REDUCE = "Reduce"
KEEP = "Keep"


# --- sales history ------------------------------------------------------------------------------

def monthly_history(dates, values=None, through: dt.date | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Sales per calendar month: one row per year (index = year), columns Jan..Dec.

    A sale counts 1, or its value when ``values`` (premium, say) is given. The history runs from the
    month of the first sale to the last complete month on or before ``through`` (default: the
    month of the last sale); sales after it are left out. Months inside that span without a sale
    hold 0; months outside it are NaN (unknown, not zero). Rows with no date (NaT) or no value (NaN)
    are left out.
    """
    d = pd.to_datetime(pd.Series(np.asarray(dates, dtype=object).ravel(), dtype=object), errors="coerce")
    if values is None:
        v = pd.Series(1.0, index=d.index)
    else:
        v = pd.Series(np.asarray(values, dtype=float).ravel(), index=d.index)
        if len(v) != len(d):
            raise ValueError(f"{len(d)} dates but {len(v)} values")
    keep = d.notna() & v.notna()
    d, v = d[keep], v[keep]
    empty = pd.DataFrame(columns=list(MONTHS), dtype=float)
    if d.empty:
        return empty
    last = last_complete_month(through) if through is not None else d.max().to_period("M")
    months = d.dt.to_period("M")
    d, v, months = d[months <= last], v[months <= last], months[months <= last]
    if d.empty:
        return empty
    first = months.min()
    span = pd.period_range(first, last, freq="M")
    sums = v.groupby(months).sum().reindex(span, fill_value=0.0)
    table = pd.DataFrame(np.nan, index=range(first.year, last.year + 1), columns=list(MONTHS))
    for period, total in sums.items():
        table.iat[period.year - first.year, period.month - 1] = float(total)
    table.index.name = "year"
    return table


def yearly_index(row) -> np.ndarray:  # noqa: ANN001
    """One year's index: 100 x each month's sales / the year's mean monthly sales (NaN when the
    year sold nothing)."""
    x = np.asarray(row, dtype=float)
    return 100.0 * _ratio(x, np.full_like(x, np.nanmean(x) if np.isfinite(x).any() else np.nan))


@dataclass
class SeasonalIndex:
    """The seasonal index and the history behind it."""

    index: np.ndarray  # 12 values Jan..Dec, mean 100; NaN when the history is too short
    by_year: pd.DataFrame  # each year's index (rows: year labels, oldest first; columns Jan..Dec)
    months_of_history: int  # months from the first sale to the end of the history
    note: str  # what the owner should know about the history behind the index
    history: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)  # monthly_history table

    @property
    def years_used(self) -> list[str]:
        return [str(y) for y in self.by_year.index]

    @property
    def peak_month(self) -> str | None:
        return MONTHS[int(np.nanargmax(self.index))] if np.isfinite(self.index).any() else None

    @property
    def low_month(self) -> str | None:
        return MONTHS[int(np.nanargmin(self.index))] if np.isfinite(self.index).any() else None


def year_label(last_year: int, last_month: str) -> str:
    """"2024" for a year ending in December, else "Year to Oct 2025"."""
    return str(last_year) if last_month == "Dec" else f"Year to {last_month} {last_year}"


def index_from_history(history: pd.DataFrame, years: int | None = None) -> SeasonalIndex:
    """The seasonal index of a ``monthly_history`` table (see the module docstring for the method).

    ``years``: how many of the most recent 12-month years to average (None = all there are).
    """
    h = history.astype(float)
    flat = h.stack(future_stack=True).dropna()  # (year, month) in time order, inside the history
    n = len(flat)
    available = n // 12
    k = available if years is None else min(available, years)
    rows: dict[str, np.ndarray] = {}
    skipped = 0
    for i in range(k, 0, -1):  # oldest first
        chunk = flat.iloc[n - 12 * i: n - 12 * (i - 1)]
        by_month = np.full(12, np.nan)
        for (_, month), total in chunk.items():
            by_month[MONTHS.index(month)] = total
        if not by_month.sum() > 0:
            skipped += 1  # a year without a sale has no pattern
            continue
        (last_year, last_month) = chunk.index[-1]
        rows[year_label(int(last_year), last_month)] = yearly_index(by_month)
    by_year = pd.DataFrame.from_dict(rows, orient="index", columns=list(MONTHS))
    if not rows:
        why = (f"Only {n} month{'s' if n != 1 else ''} of sales history: the index needs 12 months "
               "or more." if available == 0 else "No sales in the history.")
        return SeasonalIndex(np.full(12, np.nan), by_year, n, why, h)
    index = by_year.to_numpy(float).mean(axis=0)
    if available < 2:
        note = (f"Less than two years of sales history ({n} months): the index rests on one year "
                "and may show that year's chance events as a season.")
    else:
        note = f"Average of {len(rows)} years of sales ({n} months of history)."
    if skipped:
        note += f" {skipped} year{'s' if skipped > 1 else ''} without sales left out."
    return SeasonalIndex(index, by_year, n, note, h)


def seasonal_index(dates, values=None, through: dt.date | None = None,  # noqa: ANN001
                   years: int | None = None) -> SeasonalIndex:
    """Monthly seasonal index of sales, mean 100, from sale dates (and optional values such as
    premium; without them each sale counts 1). See ``monthly_history`` and ``index_from_history``.

    >>> s = seasonal_index(pd.date_range("2024-01-01", periods=12, freq="MS"), [85, 90, 110, 120,
    ...     115, 105, 80, 75, 95, 100, 110, 115])
    >>> [round(float(x)) for x in s.index[:3]], s.peak_month, s.low_month
    ([85, 90, 110], 'Apr', 'Aug')
    """
    return index_from_history(monthly_history(dates, values, through), years)


def sales_index(sales: pd.DataFrame, through: dt.date | None = None, measure: str = "policies",
                years: int | None = None) -> SeasonalIndex:
    """The seasonal index of a sales table (columns issue_date and premium): of policies sold
    (``measure="policies"``) or of premium sold (``"premium"``)."""
    if measure not in ("policies", "premium"):
        raise ValueError(f"measure must be 'policies' or 'premium', not {measure!r}")
    values = sales["premium"].to_numpy(float) if measure == "premium" else None
    return seasonal_index(sales["issue_date"].to_numpy(), values, through, years)


def seasonality_factors(index) -> np.ndarray:  # noqa: ANN001
    """Monthly factors = index / 100 (1.0 where the index is unknown: no seasonality known)."""
    f = np.asarray(index, dtype=float) / 100.0
    return np.where(np.isfinite(f), f, 1.0)


def cash_flow_seasonality(sales: pd.DataFrame | None, through: dt.date | None = None,
                          measure: str = "premium", years: int | None = 3) -> pd.Series:
    """The monthly cash-flow seasonality factor (index / 100) for the cash-flow model.

    A Series indexed by month number 1..12 (``factors[month]``), named by ``MONTHS`` in its
    ``attrs["months"]``; the factors average 1. Premium sold is the default measure because
    commission cash follows premium. Without sales, or with less than 12 months of them, every
    factor is 1.0 (flat: no seasonality known) and ``attrs["note"]`` says why.

    Multiply an average month's new-business figure by ``factors[m]`` to get month m's.
    """
    if sales is None or sales.empty:
        out = pd.Series(1.0, index=range(1, 13), name="seasonality_factor")
        out.attrs.update(months=MONTHS, note="No sales history: no seasonality applied.")
        return out
    s = sales_index(sales, through, measure, years)
    out = pd.Series(seasonality_factors(s.index), index=range(1, 13), name="seasonality_factor")
    out.attrs.update(months=MONTHS, note=s.note)
    return out


def average_monthly_sales(history: pd.DataFrame, months: int = 12) -> float:
    """Mean sales per month over the last ``months`` months of a ``monthly_history`` table (NaN
    when it holds none)."""
    flat = history.stack(future_stack=True).dropna().tail(months)
    return float(flat.mean()) if len(flat) else math.nan


# --- renewals -----------------------------------------------------------------------------------

def add_months(dates: pd.Series, months) -> pd.Series:  # noqa: ANN001
    """Each date moved by a whole number of months (per row), kept on the same day of the month or
    the month's last day (Jan 31 + 1 month = Feb 28/29), at midnight. NaT stays NaT."""
    index = pd.Series(dates).index
    d = pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[ns]")
    n = np.broadcast_to(np.asarray(months, dtype="int64"), (len(d),))
    ok = ~np.isnat(d)
    # numpy's calendar arithmetic on months, vectorised (the backtest calls this for every
    # policy at every month-end): month + n, then the day, capped at the new month's length.
    days = np.where(ok, d, np.datetime64(0, "ns")).astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day = (days - month.astype("datetime64[D]")).astype("int64")  # 0 = the 1st
    target = month + n
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    out = (target.astype("datetime64[D]") + np.minimum(day, length - 1)).astype("datetime64[ns]")
    return pd.Series(np.where(ok, out, np.datetime64("NaT", "ns")), index=index, dtype="datetime64[ns]")


def policy_terms(policies: pd.DataFrame, default_term_months: int = 12) -> np.ndarray:
    """Each policy's term in months: expiration - effective date rounded to whole months when both
    dates are there and give 1..24 months (6-month auto, annual home), else ``default_term_months``."""
    eff = pd.to_datetime(policies["effective_date"])
    exp = pd.to_datetime(policies["expiration_date"])
    months = np.rint((exp - eff).dt.days.to_numpy(float) / DAYS_PER_MONTH)
    ok = np.isfinite(months) & (months >= 1) & (months <= 24)
    return np.where(ok, months, default_term_months).astype(int)


def renewal_window(as_of: dt.date, months: int = 12) -> pd.PeriodIndex:
    """The ``months`` calendar months after the last complete month on or before the data date
    (``periods.last_complete_month``: the same boundary as every 12-month window; each calendar
    month once). On a 2 November data date the calendar starts with November."""
    start = last_complete_month(as_of) + 1
    return pd.period_range(start, periods=months, freq="M")


def upcoming_renewals(policies: pd.DataFrame, as_of: dt.date, months: int = 12,
                      default_term_months: int = 12,
                      exclude_products: tuple[str, ...] = ("Life",)) -> pd.DataFrame:
    """Every renewal of an in-force policy in the ``months`` calendar months after ``as_of``'s month.

    A policy renews at its expiration date; when that date is missing, at its effective date (else
    its original effective date) plus one term. Dates before the window are rolled forward by
    whole terms, so a stale expiration date still lands on the right month, and a 6-month policy
    renews twice a year. ``exclude_products`` (Life by default) have no renewal to service.
    Returns columns policy_number, product, renewal_date, term_months, term_premium
    (annual premium x term / 12).
    """
    cols = ["policy_number", "product", "renewal_date", "term_months", "term_premium"]
    p = policies[(policies["status"] == "In Force") & ~policies["product"].isin(exclude_products)]
    if p.empty:
        return pd.DataFrame(columns=cols)
    p = p.reset_index(drop=True)
    term = policy_terms(p, default_term_months)
    base = pd.to_datetime(p["expiration_date"])
    from_eff = add_months(p["effective_date"], term)
    from_orig = add_months(p["original_effective_date"], term)
    base = base.fillna(from_eff).fillna(from_orig)
    window = renewal_window(as_of, months)
    start, end = window[0].to_timestamp(), (window[-1] + 1).to_timestamp()
    ok = base.notna().to_numpy()
    behind = ((start.year - base.dt.year) * 12 + (start.month - base.dt.month)).fillna(0).to_numpy()
    k = np.where(behind > 0, np.ceil(behind / term), 0).astype(int)  # terms to roll forward
    frames = []
    for j in range(int(math.ceil(months / max(int(term.min()), 1))) + 1):
        when = add_months(base, (k + j) * term)
        hit = ok & (when >= start).to_numpy() & (when < end).to_numpy()
        if hit.any():
            frames.append(pd.DataFrame({
                "policy_number": p["policy_number"][hit].to_numpy(),
                "product": p["product"][hit].to_numpy(),
                "renewal_date": when[hit].to_numpy(),
                "term_months": term[hit],
                "term_premium": p["annual_premium"].to_numpy(float)[hit] * term[hit] / 12.0,
            }))
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).sort_values("renewal_date", ignore_index=True)


def renewal_concentration(renewals_in_month, average_renewals=None):  # noqa: ANN001, ANN201
    """Renewal concentration = renewals in a month / average renewals per month.

    Above 1 the month is busier than average; the 12 months of a year average exactly 1 when the
    average is their own mean (the default when ``average_renewals`` is None).
    Plan: 325 renewals against an average of 229 -> 1.42; 145 -> 0.63 (rounded to 2 places).

    >>> round(renewal_concentration(325, 229), 2), round(renewal_concentration(145, 229), 2)
    (1.42, 0.63)
    """
    r = np.asarray(renewals_in_month, dtype=float)
    avg = np.nanmean(r) if average_renewals is None and r.size else average_renewals
    return _ratio(r, avg if avg is not None else np.nan)


def renewals_by_month(policies: pd.DataFrame, as_of: dt.date, months: int = 12,
                      default_term_months: int = 12,
                      exclude_products: tuple[str, ...] = ("Life",)) -> pd.DataFrame:
    """Renewals per calendar month for the ``months`` months after the data date: columns month
    (first day), renewals, premium (term premium renewing, $), average (renewals per month over
    the window) and concentration (renewals / average)."""
    events = upcoming_renewals(policies, as_of, months, default_term_months, exclude_products)
    window = renewal_window(as_of, months)
    month = pd.to_datetime(events["renewal_date"]).dt.to_period("M")
    counts = events.groupby(month)["policy_number"].size().reindex(window, fill_value=0)
    premium = events.groupby(month)["term_premium"].sum().reindex(window, fill_value=0.0)
    t = pd.DataFrame({
        "month": window.to_timestamp(),
        "renewals": counts.to_numpy(int),
        "premium": premium.to_numpy(float),
    })
    t["average"] = float(t["renewals"].mean())
    t["concentration"] = renewal_concentration(t["renewals"].to_numpy(), t["average"].iloc[0])
    return t


# --- marketing timing ---------------------------------------------------------------------------

def marketing_action(index, high: float = 110.0, low: float = 90.0):  # noqa: ANN001, ANN201
    """INCREASE where the index >= high, REDUCE where it <= low, KEEP otherwise (and when unknown)."""
    if plain(index):
        s = float(index)
        return INCREASE if s >= high else REDUCE if s <= low else KEEP
    s = np.asarray(index, dtype=float)
    out = np.where(s >= high, INCREASE, np.where(s <= low, REDUCE, KEEP))
    return out if out.ndim else str(out)


def spend_change(index, high: float = 110.0, low: float = 90.0, increase: float = 0.25,  # noqa: ANN001, ANN201
                 decrease: float = 0.15):
    """The change to a month's marketing spend: +increase in high months, -decrease in low ones."""
    a = marketing_action(index, high, low)
    if isinstance(a, str):  # one month
        return float(increase) if a == INCREASE else -float(decrease) if a == REDUCE else 0.0
    out = np.where(a == INCREASE, increase, np.where(a == REDUCE, -decrease, 0.0)).astype(float)
    return out if out.ndim else float(out)


def timing_label(action: str, change: float) -> str:
    """What the owner reads for a month: "Increase spend by 25%", "Reduce spend by 15%" or
    "Keep spend" (``action`` from ``marketing_action``, ``change`` from ``spend_change``)."""
    if action == INCREASE:
        return f"Increase spend by {change:.0%}"
    return f"Reduce spend by {-change:.0%}" if action == REDUCE else "Keep spend"


def timing_advice(index: float, high: float = 110.0, low: float = 90.0, increase: float = 0.25,
                  decrease: float = 0.15) -> str:
    """The ``marketing_timing`` action of one month with seasonal index ``index``."""
    return timing_label(marketing_action(index, high, low), spend_change(index, high, low, increase, decrease))


def marketing_timing(index, high: float = 110.0, low: float = 90.0, increase: float = 0.25,  # noqa: ANN001
                     decrease: float = 0.15, monthly_budget: float = 50_000 / 12,
                     average_roi: float = 8.5) -> pd.DataFrame:
    """Marketing timing recommendations, one row per calendar month.

    Rule: index >= ``high`` -> increase spend by ``increase``; index <= ``low`` -> reduce it by
    ``decrease``; otherwise keep it. Assumption behind the expected effect: a marketing dollar
    brings sales in proportion to the month's seasonal index (a month at 120 converts 1.2 times as
    well as an average month), with a constant return per dollar within the month. Then:
      response      = index / 100 (sales per dollar against an average month);
      sales effect  = spend change x index / 100 (the change in the month's marketing-driven sales,
                      as a share of an average month's);
      expected ROI  = (1 + average ROI) x index / 100 - 1 (return per dollar spent in the month).
    Columns: month, index, action, reason, spend_change, flat_spend (the budget spread evenly),
    planned_spend, response, sales_effect, expected_roi. Months with an unknown index are kept at the flat budget.
    """
    s = np.asarray(index, dtype=float)
    action = marketing_action(s, high, low)
    change = spend_change(s, high, low, increase, decrease)
    response = s / 100.0
    reason = np.where(action == INCREASE, "High sales season",
                      np.where(action == REDUCE, "Low sales season", "Average season"))
    reason = np.where(np.isfinite(s), reason, "No sales history")
    label = [timing_label(a, c) for a, c in zip(action, change)]
    return pd.DataFrame({
        "month": list(MONTHS),
        "index": s,
        "action": label,
        "reason": reason,
        "spend_change": change,
        "flat_spend": np.full(12, float(monthly_budget)),
        "planned_spend": monthly_budget * (1.0 + change),
        "response": response,
        "sales_effect": change * response,
        "expected_roi": (1.0 + average_roi) * response - 1.0,
    })


@dataclass
class MarketingPlanEffect:
    """A marketing timing plan against the same budget spent evenly."""

    flat_spend: float  # the budget spread evenly over the 12 months, $
    planned_spend: float  # $
    spend_change: float  # planned / flat - 1
    sales_change: float  # marketing-driven sales, planned / flat - 1
    efficiency_change: float  # sales per dollar, planned / flat - 1
    flat_roi: float  # the average ROI
    planned_roi: float  # return per dollar of the plan


def marketing_plan_effect(timing: pd.DataFrame, average_roi: float) -> MarketingPlanEffect:
    """Totals of a ``marketing_timing`` table. Spread evenly, the budget brings sales in proportion
    to sum(index)/100 = 12 average months; the plan brings sum((1 + change) x index / 100)."""
    ok = np.isfinite(timing["index"].to_numpy(float))
    t = timing[ok]
    flat_spend = float(timing["flat_spend"].sum())
    planned = float(timing["planned_spend"].sum())
    flat_sales = float(t["response"].sum())
    plan_sales = float(((1.0 + t["spend_change"]) * t["response"]).sum())
    flat_units = float(ok.sum())
    plan_units = float((1.0 + t["spend_change"]).sum())
    # Sales per dollar of the plan against sales per dollar of the even spread.
    efficiency = _ratio(_ratio(plan_sales, plan_units), _ratio(flat_sales, flat_units))
    return MarketingPlanEffect(
        flat_spend=flat_spend,
        planned_spend=planned,
        spend_change=_ratio(planned, flat_spend) - 1.0,
        sales_change=_ratio(plan_sales, flat_sales) - 1.0,
        efficiency_change=efficiency - 1.0,
        flat_roi=average_roi,
        planned_roi=(1.0 + average_roi) * efficiency - 1.0,
    )


# --- staffing -----------------------------------------------------------------------------------

def expected_sales(index, average_monthly_sales: float):  # noqa: ANN001, ANN201
    """Expected new sales of each month = average monthly sales x index / 100."""
    out = float(average_monthly_sales) * np.asarray(index, dtype=float) / 100.0
    return out if out.ndim else float(out)


def staff_needed(renewals, new_sales, renewals_per_staff: float, sales_per_staff: float):  # noqa: ANN001, ANN201
    """Staff (full-time equivalents) a month needs = renewals / renewals one person handles a month
    + new sales / new sales one person handles a month. NaN where a workload rate is 0."""
    if plain(renewals, new_sales, renewals_per_staff, sales_per_staff):
        return _ratio(renewals, renewals_per_staff) + _ratio(new_sales, sales_per_staff)
    r = np.asarray(renewals, dtype=float)
    s = np.asarray(new_sales, dtype=float)
    out = np.asarray(_ratio(r, renewals_per_staff)) + np.asarray(_ratio(s, sales_per_staff))
    return out if out.ndim else float(out)


def staffing_plan(renewals: pd.DataFrame, index, average_sales: float, renewals_per_staff: float,  # noqa: ANN001
                  sales_per_staff: float, current_staff: float) -> pd.DataFrame:
    """Staff need for each month of a ``renewals_by_month`` table: its renewals plus the month's
    expected new sales (average monthly sales x the calendar month's index / 100; the average when
    the index is unknown). Columns month, renewals, new_sales, staff_renewals, staff_sales,
    staff_needed, current_staff, gap (needed - current; positive = short of staff)."""
    factors = seasonality_factors(index)
    month_no = pd.to_datetime(renewals["month"]).dt.month.to_numpy()
    sales = float(average_sales) * factors[month_no - 1] if np.isfinite(average_sales) else np.full(len(renewals), np.nan)
    t = pd.DataFrame({"month": renewals["month"].to_numpy(), "renewals": renewals["renewals"].to_numpy(float),
                      "new_sales": sales})
    t["staff_renewals"] = _ratio(t["renewals"].to_numpy(), renewals_per_staff)
    t["staff_sales"] = _ratio(t["new_sales"].to_numpy(), sales_per_staff)
    t["staff_needed"] = t["staff_renewals"] + t["staff_sales"]
    t["current_staff"] = float(current_staff)
    t["gap"] = t["staff_needed"] - t["current_staff"]
    return t
