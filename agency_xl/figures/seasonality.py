"""Seasonality figures of one refresh: the seasonal sales index (and each year's), the renewal
calendar of the next 12 months, the marketing timing plan against the same budget spent evenly,
and the staff each month needs. Computed once from the sales (the New business export, else the
book's original effective dates) and the book of business; the sheet, `agency-xl metrics` and
AMS_METRIC read them. Formulas: ``agency_xl.models.seasonality`` and docs/models/seasonality.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.seasonality import SeasonalitySettings
from agency_xl.figures.common import Common
from agency_xl.figures.sources import Source, setting_source
from agency_xl.models import seasonality as m
from agency_xl.models.periods import Window, window


@dataclass(frozen=True)
class SeasonalityFigures:
    as_of: dt.date
    window: Window  # the 12 complete months ending where the sales end
    settings: SeasonalitySettings
    sales_derived: bool  # sales taken from the book's original effective dates (no sales export)
    # None without the sales (the New business export and the book both missing):
    sales_from: str | None = None  # "sales export" | "book of business"
    index: m.SeasonalIndex | None = None  # of the Settings measure (policies or premium sold)
    average_monthly_sales: float = float("nan")  # new policies a month, last 12 months; NaN unknown
    peak_index: float | None = None  # the highest month's index; None unless every month is known
    low_index: float | None = None  # the lowest month's index; None unless every month is known
    timing: pd.DataFrame | None = None  # marketing_timing, 12 months; None unless the index is known
    effect: m.MarketingPlanEffect | None = None  # the timing plan against the budget spent evenly
    budget_source: Source = Source.MEASURED  # of the budget the timing plan spreads (segments.marketing_budget)
    # None without the book of business:
    renewals: pd.DataFrame | None = None  # renewals_by_month, the next 12 months
    renewals_next_12_months: int | None = None  # policies
    average_renewals_per_month: float | None = None  # policies
    busiest_renewal: pd.Series | None = None  # the renewals row with the most (None without any)
    quietest_renewal: pd.Series | None = None  # the renewals row with the fewest
    staffing: pd.DataFrame | None = None  # staffing_plan, the next 12 months

    @property
    def index_known(self) -> bool:
        """Every month of the seasonal index is known (enough history)."""
        return self.index is not None and bool(np.isfinite(self.index.index).all())

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "seasonality"."""
        out: dict[str, Any] = {}
        index, renewals, timing, staff = self.index, self.renewals, self.timing, self.staffing
        if index is not None:
            out.update({
                "sales_measure": self.settings.sales_measure,
                "sales_from": self.sales_from,
                "seasonal_index": {mo: round(float(v), 2) if np.isfinite(v) else None
                                   for mo, v in zip(m.MONTHS, index.index)},
                "index_by_year": {y: {mo: round(float(v), 2) if np.isfinite(v) else None
                                      for mo, v in zip(m.MONTHS, index.by_year.loc[y])}
                                  for y in index.by_year.index},
                "years_averaged": index.years_used,
                "peak_month": index.peak_month,
                "low_month": index.low_month,
                "peak_index": round(self.peak_index, 2) if self.peak_index is not None else None,
                "low_index": round(self.low_index, 2) if self.low_index is not None else None,
                "history_note": index.note,
                "cash_flow_seasonality": {mo: round(float(f), 4)
                                          for mo, f in zip(m.MONTHS, m.seasonality_factors(index.index))},
            })
        if renewals is not None:
            out.update({
                "renewals_next_12_months": self.renewals_next_12_months,
                "average_renewals_per_month": round(self.average_renewals_per_month, 2),
                "renewals_by_month": {f"{t:%Y-%m}": int(n) for t, n in zip(renewals["month"], renewals["renewals"])},
                "renewal_concentration": {f"{t:%Y-%m}": (round(float(c), 2) if np.isfinite(c) else None)
                                          for t, c in zip(renewals["month"], renewals["concentration"])},
            })
        if timing is not None:
            out["recommendations"] = [
                {"month": r.month, "action": r.action, "reason": r.reason,
                 "index": round(float(r.index), 1), "expected_roi": round(float(r.expected_roi), 3)}
                for r in timing.itertuples() if not r.action.startswith("Keep")]
            out["marketing_plan"] = {k: round(float(v), 4) for k, v in vars(self.effect).items()}
        if staff is not None:
            out["staff_needed_by_month"] = {f"{t:%Y-%m}": (round(float(v), 2) if np.isfinite(v) else None)
                                            for t, v in zip(staff["month"], staff["staff_needed"])}
            need = staff["staff_needed"].to_numpy(float)
            out["peak_staff_needed"] = round(float(np.nanmax(need)), 2) if np.isfinite(need).any() else None
            out["months_short_of_staff"] = int((staff["gap"] > 0).sum())
        return out


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> SeasonalityFigures:
    """``common`` is not needed: no figure here starts from the household table."""
    s = settings.seasonality
    sales, fig = data.sales, {}
    counts = None  # the index of policies sold, whatever the measure: staffing counts policies
    if sales is not None:
        through = data.window_end("sales")
        index = m.sales_index(sales, through, s.sales_measure, s.history_years)
        counts = index if s.sales_measure == "policies" else m.sales_index(sales, through, "policies",
                                                                             s.history_years)
        fig.update(index=index, sales_from="book of business" if data.sales_derived else "sales export",
                   average_monthly_sales=m.average_monthly_sales(counts.history))
        if np.isfinite(index.index).all():
            # The Segments sheet's marketing budget, spread over the year by the timing rule.
            timing = m.marketing_timing(index.index, s.high_season_index, s.low_season_index,
                                        s.high_season_increase, s.low_season_decrease,
                                        settings.segments.marketing_budget / 12.0, s.average_marketing_roi)
            fig.update(peak_index=float(np.nanmax(index.index)), low_index=float(np.nanmin(index.index)),
                       timing=timing, effect=m.marketing_plan_effect(timing, s.average_marketing_roi))
    if data.policies is not None:
        renewals = m.renewals_by_month(data.policies, data.as_of, 12, s.default_term_months, s.excluded_products())
        fig.update(renewals=renewals, renewals_next_12_months=int(renewals["renewals"].sum()),
                   average_renewals_per_month=float(renewals["average"].iloc[0]))
        if renewals["renewals"].sum() > 0:
            fig.update(busiest_renewal=renewals.loc[renewals["renewals"].idxmax()],
                       quietest_renewal=renewals.loc[renewals["renewals"].idxmin()])
        fig["staffing"] = m.staffing_plan(
            renewals, counts.index if counts is not None else np.full(12, np.nan),
            fig.get("average_monthly_sales", float("nan")), s.renewals_per_staff_month,
            s.new_sales_per_staff_month, s.current_staff)
    return SeasonalityFigures(as_of=data.as_of, window=window(data.window_end("sales")), settings=s,
                              sales_derived=data.sales_derived,
                              budget_source=setting_source(settings.segments, "marketing_budget"), **fig)
