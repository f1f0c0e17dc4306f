"""Scorecard figures of one refresh: the plan's targets against the agency now and at each earlier
refresh, each on track, behind, ahead or not measurable (with the reason).

Every value now is taken from the other figures of this refresh, never computed again:
products per household from the household table the Cross-Sell sheet counts (``common``), the
Elite + Premium share from the Segments tiers, the referral CAC from the Referrals program, the
annual policy growth the Rate Environment sheet measures (only when measured: a Settings fallback is
no measurement), the forecast accuracy from the backtests (the Accuracy sheet's), the combined ratio
from Profitability. The targets are on Settings (``targets``; forecast accuracy is
``accuracy.tolerance``, the combined ratio ``profitability.bonus_full_threshold``).

The value at each earlier refresh is what that refresh recorded in the history beside the workbook
(``figures.past``), under the KPI names of `agency-xl metrics` (``Target.kpi``). Statuses:

- at least (products per household, Elite + Premium share): value >= target: on track, else behind;
- at most (referral CAC, forecast error): value <= target: on track, else behind;
- under (combined ratio): value < target: on track (the full bonus needs the ratio *below* the
  threshold, as on the Profitability sheet), else behind;
- range (annual policy growth): below the low end behind, above the high end ahead, else on track.

docs/models/scorecard.md says the same in the owner's words.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.figures import backtest as bt
from agency_xl.figures.common import Common
from agency_xl.figures.past import PastRefreshes
from agency_xl.figures.profitability import NOT_MEASURABLE_NO_PREMIUM, ProfitabilityFigures
from agency_xl.figures.rate_environment import RateEnvironmentFigures
from agency_xl.figures.referrals import ReferralsFigures
from agency_xl.figures.segments import SegmentsFigures
from agency_xl.figures.values import clean
from agency_xl.models import segments as seg
from agency_xl.models.cross_sell import average_products

ON_TRACK, BEHIND, AHEAD, NOT_MEASURABLE = "on track", "behind", "ahead", "not measurable"
AT_LEAST, AT_MOST, UNDER, RANGE = "at least", "at most", "under", "range"

# The sheets that explain each target (tab names).
CROSS_SELL, SEGMENTS, REFERRALS, RATE_ENVIRONMENT, ACCURACY, PROFITABILITY = (
    "Cross-Sell", "Segments", "Referrals", "Rate Environment", "Accuracy", "Profitability")


@dataclass(frozen=True)
class Target:
    """One target of the plan against the agency."""

    key: str  # "products_per_household": its key under "scorecard" in `agency-xl metrics`
    name: str  # "Products per household"
    kind: str  # AT_LEAST | AT_MOST | UNDER | RANGE
    target: float  # the number to reach (RANGE: its low end)
    target_text: str  # "1.8 or more"
    unit: str  # "products" | "%" | "$": how the values read (a share as a decimal, 0.40 = 40%)
    value: float | None  # now; None when not measurable
    status: str  # ON_TRACK | BEHIND | AHEAD | NOT_MEASURABLE
    reason: str  # why it is not measurable ("" when it is)
    sheet: str  # the sheet that explains it
    kpi: str  # the KPI name(s) its earlier values are recorded under in the history
    past: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # by as-of date, oldest first
    high: float | None = None  # RANGE: the high end


@dataclass(frozen=True)
class ScorecardFigures:
    as_of: dt.date
    targets: tuple[Target, ...]
    past_dates: tuple[dt.date, ...]  # the earlier refreshes the history holds, oldest first
    history_problem: str | None  # why the history could not be read, or None

    def target(self, key: str) -> Target:
        for t in self.targets:
            if t.key == key:
                return t
        raise KeyError(f"no target {key!r}; known: {', '.join(t.key for t in self.targets)}")

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "scorecard": per target, its value now,
        the target (text, and its number(s)), the status and why it is not measurable."""
        return {t.key: {"name": t.name, "value": clean(t.value), "target": t.target_text,
                        "target_value": t.target, **({"target_high": t.high} if t.high is not None else {}),
                        "status": t.status, "reason": t.reason or None}
                for t in self.targets}


def target_status(value: float | None, kind: str, target: float, high: float | None = None) -> str:
    """On track, behind or ahead of ``target`` (see the module docstring); NOT_MEASURABLE when
    ``value`` is None or NaN. ``high``: the range's high end (RANGE only)."""
    if value is None or not math.isfinite(value):
        return NOT_MEASURABLE
    if kind == AT_LEAST:
        return ON_TRACK if value >= target else BEHIND
    if kind == AT_MOST:
        return ON_TRACK if value <= target else BEHIND
    if kind == UNDER:
        return ON_TRACK if value < target else BEHIND
    if kind == RANGE:
        if high is None:
            raise ValueError("a range target needs its high end")
        return BEHIND if value < target else AHEAD if value > high else ON_TRACK
    raise ValueError(f"unknown kind of target {kind!r}")


def _numbers(series: pd.Series) -> pd.Series:
    """A recorded KPI's numbers (a text recorded in its place, "not measurable ...", left out)."""
    return pd.to_numeric(series, errors="coerce").dropna().astype(float)


def _needs(missing: tuple[str, ...] | list[str]) -> str:
    return f"needs the {' and the '.join(missing)} export" if missing else ""


def _finite(x: Any) -> float | None:
    x = clean(x)
    return float(x) if isinstance(x, (int, float)) and math.isfinite(x) else None


# --- each target's value now, with why it is missing ------------------------------------------

def products_now(data: AmsData, common: Common) -> tuple[float | None, str]:
    """Average distinct products in force per household: the Cross-Sell sheet's count, on the
    household table of the book every model shares."""
    if common.household_table is None:
        return None, _needs(data.missing("policies"))
    if not len(common.household_table):
        return None, "no household has a policy in force on the data date"
    return _finite(average_products(common.household_table)), ""


def share_now(fig: SegmentsFigures) -> tuple[float | None, str]:
    """Share of households in the Elite and Premium tiers (Segments)."""
    if fig.tiers is None:
        return None, _needs(fig.missing)
    by_tier = fig.tiers.set_index("tier")["share"]
    value = _finite(by_tier[seg.ELITE] + by_tier[seg.PREMIUM])
    return value, "" if value is not None else "no household has a policy in force on the data date"


def referral_cac_now(fig: ReferralsFigures) -> tuple[float | None, str]:
    """Incentives paid / referrals sold over 12 complete months (Referrals)."""
    if fig.program is None:
        return None, _needs(fig.missing)
    value = _finite(fig.program.cac)
    return value, "" if value is not None else f"no referral sold in {fig.window.label()}"


def policy_growth_now(fig: RateEnvironmentFigures) -> tuple[float | None, str]:
    """Annual policy growth as the growth & retention report measures it (Rate Environment). The
    Settings value that sheet falls back on is no measurement of the agency: not measurable."""
    if not fig.policy_growth.measured:
        return None, fig.policy_growth.note
    return _finite(fig.policy_growth.value), ""


def accuracy_now(results: bt.Backtests) -> tuple[float | None, str]:
    """The forecasts' average error: the mean of the mean absolute percentage errors of every
    forecast at every horizon the backtests could check (Settings: accuracy.horizons), each pair
    counted once."""
    checked = [h.mape for m in results.models for h in m.horizons if h.n and math.isfinite(h.mape)]
    if not checked:
        notes = [m.note for m in results.models if m.note]
        return None, f"no forecast can be checked yet ({notes[0]})" if notes else "no forecast can be checked yet"
    return float(np.mean(checked)), ""


def combined_ratio_now(fig: ProfitabilityFigures) -> tuple[float | None, str]:
    """Combined ratio of the lines in the bonus, 12 complete months (Profitability)."""
    if fig.summary is None:
        return None, _needs(fig.missing)
    if fig.combined_ratio is None:
        return None, fig.not_measurable or NOT_MEASURABLE_NO_PREMIUM
    return _finite(fig.combined_ratio), ""


# --- each target's earlier values --------------------------------------------------------------

PRODUCTS_KPI = "cross_sell.average_products"
SHARE_KPIS = (f"segments.share_by_tier.{seg.ELITE}", f"segments.share_by_tier.{seg.PREMIUM}")
CAC_KPI = "referral_growth.referral_cac"
GROWTH_KPI = "rate_environment.policy_growth"
GROWTH_SOURCE_KPI = "rate_environment.current_retention_source"
ACCURACY_KPI = "scorecard.forecast_accuracy.value"
COMBINED_RATIO_KPI = "profitability.combined_ratio"


def share_past(past: PastRefreshes) -> pd.Series:
    """Elite + Premium share at each earlier refresh that recorded both."""
    elite, premium = (_numbers(past.series(k)) for k in SHARE_KPIS)
    both = elite.index.intersection(premium.index)
    return (elite[both] + premium[both]).sort_index()


def growth_past(past: PastRefreshes) -> pd.Series:
    """Policy growth at each earlier refresh that measured it: a refresh without the growth &
    retention report recorded the Settings value in its place (and "settings" as the source of
    the retention that report gives), which is left out."""
    growth = _numbers(past.series(GROWTH_KPI))
    source = past.series(GROWTH_SOURCE_KPI)
    fallback = set(source.index[source.astype(str) == "settings"])
    return growth[[d not in fallback for d in growth.index]]


def compute(data: AmsData, settings: Assumptions, common: Common, past: PastRefreshes,
            profitability: ProfitabilityFigures, rate_environment: RateEnvironmentFigures,
            segments: SegmentsFigures, referrals: ReferralsFigures,
            backtests: bt.Backtests) -> ScorecardFigures:
    t, a = settings.targets, settings.accuracy
    full = settings.profitability.bonus_full_threshold
    low, high = t.policy_growth_range()
    results = backtests

    def target(key: str, name: str, kind: str, goal: float, text: str, unit: str,
               now: tuple[float | None, str], sheet: str, kpi: str, earlier: pd.Series,
               top: float | None = None) -> Target:
        value, reason = now
        return Target(key, name, kind, goal, text, unit, value, target_status(value, kind, goal, top), reason,
                      sheet, kpi, earlier, top)

    targets = (
        target("products_per_household", "Products per household", AT_LEAST, t.products_per_household,
               f"{t.products_per_household:.2f} or more", "products", products_now(data, common), CROSS_SELL,
               PRODUCTS_KPI, _numbers(past.series(PRODUCTS_KPI))),
        target("elite_and_premium_share", "Households in Elite + Premium", AT_LEAST, t.elite_and_premium_share,
               f"{t.elite_and_premium_share:.0%} or more", "%", share_now(segments), SEGMENTS,
               " + ".join(SHARE_KPIS), share_past(past)),
        target("referral_cac", "Referral cost per customer (CAC)", AT_MOST, t.referral_cac,
               f"${t.referral_cac:,.0f} or less", "$", referral_cac_now(referrals), REFERRALS, CAC_KPI,
               _numbers(past.series(CAC_KPI))),
        target("policy_growth", "Annual policy growth", RANGE, low, f"{low:.0%} to {high:.0%} a year", "%",
               policy_growth_now(rate_environment), RATE_ENVIRONMENT, GROWTH_KPI, growth_past(past), high),
        target("forecast_accuracy", "Forecast error (average)", AT_MOST, a.tolerance,
               f"within ±{a.tolerance:.0%}", "%", accuracy_now(results), ACCURACY, ACCURACY_KPI,
               _numbers(past.series(ACCURACY_KPI))),
        target("combined_ratio", "Combined ratio (bonus lines, 12 months)", UNDER, full,
               f"under {full:.0%} (full bonus)", "%", combined_ratio_now(profitability), PROFITABILITY,
               COMBINED_RATIO_KPI, _numbers(past.series(COMBINED_RATIO_KPI))),
    )
    return ScorecardFigures(as_of=data.as_of, targets=targets, past_dates=tuple(past.dates()),
                            history_problem=past.problem)
