"""Cash flow, part 4: the cash-burn warning read from a projection (OK, WATCH or ALERT, the runway,
the sentence that says what to hold), and the cash-versus-accrual level."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from agency_xl.models.cash_flow.projection import months_to_break_even
from agency_xl.models.cash_flow.working_capital import runway_months

OK, WATCH, ALERT = "OK", "WATCH", "ALERT"


@dataclass
class CashBurn:
    """The cash-burn alert: how fast cash goes, how long it lasts, and what to hold."""

    status: str  # OK | WATCH | ALERT
    cash_on_hand: float
    monthly_burn: float  # average net outflow over the projected months that lose cash (0: none)
    runway_months: float  # cash on hand / monthly burn (inf without burn)
    lowest_cash: float  # lowest projected cash position
    lowest_month: int
    runs_out_month: int | None  # first month the projected cash position is below 0
    months_to_break_even: float
    working_capital_need: float
    shortfall: float  # working capital need - cash on hand, at least 0
    recommendation: str


def money_k(amount: float) -> str:
    """$193,200 -> "$193k" (whole thousands, as in the plan's sentence)."""
    return f"${amount / 1000:,.0f}k" if abs(amount) >= 1000 else f"${amount:,.0f}"


def recommendation(status: str, need: float, growth_rate: float, cash_on_hand: float,
                   runs_out_month: int | None, break_even: float, lowest_cash: float = 0.0) -> str:
    """The alert's sentence, built from the numbers: "Maintain $193k working capital buffer for
    8% growth" plus what to do about the gap, if any. With an ALERT the amount to add is what keeps
    the projected cash at or above $0 (minus the lowest projected cash position)."""
    rate = f"{growth_rate:.1%}".replace(".0%", "%")  # 8% stays "8%", 0.45% shows "0.4%"
    core = f"Maintain {money_k(need)} working capital buffer for {rate} monthly growth"
    if status == ALERT:
        when = f"month {runs_out_month}" if runs_out_month else "the projection"
        return (f"{core}: cash runs out in {when} - add {money_k(max(-lowest_cash, 0.0))} "
                f"or slow growth.")
    if status == WATCH:
        return f"{core}: you hold {money_k(cash_on_hand)}, {money_k(need - cash_on_hand)} short."
    tail = ("" if not np.isfinite(break_even) or break_even == 0
            else f"; cash recovers in {break_even:.1f} months")
    return f"{core}: covered by {money_k(cash_on_hand)} on hand{tail}."


def cash_burn(projection: pd.DataFrame, cash_on_hand: float, need: float, growth_rate: float,
              break_even: float | None = None) -> CashBurn:
    """The cash-burn warning from a projection.

    ALERT when the projected cash position falls below 0; WATCH when it does not but cash on hand is
    below the working-capital need; OK otherwise. monthly burn = average net outflow over the
    projected months with a negative net cash flow; runway = cash on hand / monthly burn.
    ``break_even`` defaults to ``months_to_break_even`` of the projection's net cash flow.
    """
    net = projection["net_cash_flow"].to_numpy(float)
    position = projection["cash_position"].to_numpy(float)
    burning = net[net < 0]
    burn = float(-burning.mean()) if len(burning) else 0.0
    below = np.flatnonzero(position < 0)
    runs_out = int(projection["month"].iloc[below[0]]) if len(below) else None
    low = int(np.argmin(position)) if len(position) else 0
    be = months_to_break_even(net) if break_even is None else break_even
    status = ALERT if runs_out else (WATCH if cash_on_hand < need else OK)
    return CashBurn(
        status=status,
        cash_on_hand=float(cash_on_hand),
        monthly_burn=burn,
        runway_months=runway_months(cash_on_hand, burn),
        lowest_cash=float(position[low]) if len(position) else float("nan"),
        lowest_month=int(projection["month"].iloc[low]) if len(position) else 0,
        runs_out_month=runs_out,
        months_to_break_even=be,
        working_capital_need=float(need),
        shortfall=max(float(need) - float(cash_on_hand), 0.0),
        recommendation=recommendation(status, need, growth_rate, cash_on_hand, runs_out, be,
                                      float(position[low]) if len(position) else 0.0),
    )


def cash_vs_accrual_level(accrual_profit: float, net_cash_flow: float) -> str:
    """ALERT when cash flow is negative (burning cash whatever the P&L says); WATCH when it is
    positive but below the accrual profit (the P&L overstates the cash); OK otherwise."""
    if net_cash_flow < 0:
        return ALERT
    if net_cash_flow < accrual_profit:
        return WATCH
    return OK
