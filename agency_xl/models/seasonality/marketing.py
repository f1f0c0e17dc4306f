"""Seasonality, part 3: when to spend on marketing. The action and spend change of each month by its
seasonal index, and the plan's effect against the same budget spent evenly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.scalars import plain
from agency_xl.models.scalars import safe_ratio as _ratio
from agency_xl.models.seasonality.index import MONTHS

INCREASE = "Increase"
REDUCE = "Reduce"
KEEP = "Keep"


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
