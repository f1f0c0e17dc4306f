"""Cross-sell figures of one refresh: the households in force by product count and combination, the
timing of the first added product (windows after the first policy, the best one and what to do),
the cross-sell opportunity by segment, the product sequence recommender and the retention lift by
product count. Computed once from the book of business (the sales report and the commission
statements when there are); the sheet, `agency-xl metrics` and AMS_METRIC read them. Formulas:
``agency_xl.models.cross_sell`` and docs/models/cross_sell.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.cross_sell import CrossSellSettings
from agency_xl.figures.actions import action_list, household_contacts
from agency_xl.figures.common import CommissionRate, Common, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import cross_sell as m
from agency_xl.models.periods import Window, window
from agency_xl.models.segments import RetentionUsed

NEEDS = ("policies",)
COMBO_ROWS = 10  # product combinations reported, largest first
OPPORTUNITY_ROWS = 8  # segments in the opportunity (and its total), by total value
SEQUENCE_ROWS = 8  # sequence recommender rows: the 4 largest combinations x their next 2 products
COUNTS = {label: n for n, label in enumerate(m.COUNT_LABELS, start=1)}  # "1" -> 1, "2" -> 2, "3+" -> 3


@dataclass(frozen=True)
class CrossSellFigures:
    as_of: dt.date
    # The 12 complete months ending where the book ends; its last day is "now" for the timing and
    # conversion cohorts (a 2 November data date measures what a 31 October one does).
    window: Window
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: CrossSellSettings
    discount_rate: float  # every LTV's (General settings), e.g. 0.10
    commission: CommissionRate  # the rate every LTV uses and where it came from
    # Household retention by product count the LTVs use ("1", "2", "3+": share kept a year), and
    # where each came from; without a book, the Settings fallbacks.
    retention: RetentionUsed
    lifts: dict[str, float]  # retention points gained vs 1 product, per count; NaN when not measurable
    lift_2_to_3: float  # retention points gained from 2 to 3+ products; NaN when not measurable
    kept_per_100: float  # households kept more a year by moving 100 from 1 to 2 products
    # The rest is None when the book is missing.
    households: int | None = None  # households with a policy in force on the data date
    average_products: float | None = None  # distinct products per household in force (NaN: none)
    one_product_households: int | None = None
    # portfolio_by_count: products "1"/"2"/"3+", households, share, avg_premium ($/year)
    by_count: pd.DataFrame | None = None
    # portfolio_by_combination, largest first, with "label" ("Auto only", "Auto+Home")
    combinations: pd.DataFrame | None = None
    retention_table: pd.DataFrame | None = None  # retention_by_product_count, 12 months (households, retained)
    # timing_buckets (at_risk, converted, conversion_rate, rate_30d, avg_ltv $, value_30d $) with a
    # "note": why a window is not measurable, or "too few to judge" (fewer converts than the
    # Settings minimum)
    timing: pd.DataFrame | None = None
    timing_not_measurable: str = ""  # why the timing cannot be measured from this export ("" when it can)
    best_window: pd.Series | None = None  # best_bucket: the timing row to contact in (None: none qualifies)
    timing_advice: str | None = None  # the recommendation sentence (or why there is none)
    # opportunity_table, the OPPORTUNITY_ROWS largest by total value ($), with "label" of the segment
    opportunities: pd.DataFrame | None = None
    opportunity_total: float | None = None  # $ lifetime value, those segments' totals added up
    sequence: pd.DataFrame | None = None  # sequence_table, SEQUENCE_ROWS rows
    # The households to offer their next product (figures/actions.py ACTION_COLUMNS): every
    # household of the opportunity segments above (offers_count = their customers added up);
    # value = the segment's conversion x LTV gain each ($, expected; NaN where the gain is unknown).
    offers: pd.DataFrame | None = None
    personal_data: bool = False  # names and phones shown (Settings, general)

    @property
    def offers_count(self) -> int | None:
        """Households in the opportunity segments: the rows of ``offers``."""
        return None if self.opportunities is None else int(self.opportunities["customers"].sum())

    @property
    def lift_note(self) -> str:
        """Why the retention lift cannot be measured from this export ("" when it can)."""
        return self.retention.not_measurable

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "cross_sell" (empty without the book)."""
        if self.households is None:
            return {}
        r, note = self.retention, self.lift_note
        timing = {} if self.timing is None else {
            t.bucket: {"at_risk": clean(t.at_risk), "converted": clean(t.converted),
                       "conversion_rate": clean(t.conversion_rate), "per_30_days": clean(t.rate_30d),
                       "avg_ltv": clean(t.avg_ltv)} for t in self.timing.itertuples(index=False)}
        too_few = [] if self.timing is None else [
            t.bucket for t in self.timing.itertuples(index=False) if t.note.startswith("too few")]
        best = self.best_window
        return {
            "window": self.window.label(),
            "households": self.households,
            "average_products": clean(self.average_products),
            "households_by_product_count": {k: clean(n) for k, n in
                                            zip(m.COUNT_LABELS, self.by_count["households"])},
            "households_by_combination": {label: clean(n) for label, n in
                                          zip(self.combinations["label"].head(COMBO_ROWS),
                                              self.combinations["households"].head(COMBO_ROWS))},
            "commission_rate": clean(self.commission.rate),
            "retention_by_product_count": {k: clean(v) for k, v in r.retention.items()},
            "retention_source": {k: r.source(k) for k in r.retention},
            "retention_lift_1_to_2": clean(self.lifts["2"]) if not note else note,
            "retention_lift_2_to_3": clean(self.lift_2_to_3) if not note else note,
            "timing": timing,
            "best_window": best["bucket"] if best is not None else (self.timing_not_measurable or None),
            "timing_too_few_to_judge": too_few,
            "timing_recommendation": self.timing_advice,
            "opportunities": [{"segment": o.label, "customers": o.customers, "next_product": o.next_product,
                               "conversion": clean(o.conversion), "expected_converts": clean(o.expected_converts),
                               "ltv_increase": clean(o.ltv_increase), "total": clean(o.total),
                               "rate_from": o.source} for o in self.opportunities.itertuples(index=False)],
            "opportunity_total": clean(self.opportunity_total),
        }


def _timing_notes(timing: pd.DataFrame, not_measurable: str, min_conversions: int) -> pd.DataFrame:
    """The timing windows, each with its note: why it is not measurable, or too few converts to judge."""
    notes = [not_measurable or (f"too few to judge ({converted} added one)" if converted < min_conversions else "")
             for converted in timing["converted"]]
    return timing.assign(note=notes)


def cross_sell_offers(households: pd.DataFrame, opportunities: pd.DataFrame,
                      contacts: pd.DataFrame | None) -> pd.DataFrame:
    """Every household of the ``opportunities`` segments (its product combination in force is one
    of them) with the reason ("Auto only: offer Home (conversion 12%)") and the value: the
    segment's conversion x LTV gain each ($)."""
    seg = opportunities.set_index("segment")
    members = households[households["product_list"].isin(seg.index)]
    rows = seg.loc[members["product_list"]]
    reasons = [f"{m.combination_label(p)}: offer {n} (conversion {c:.0%})"
               for p, n, c in zip(members["product_list"], rows["next_product"], rows["conversion"])]
    values = (rows["conversion"] * rows["ltv_increase"]).to_numpy(float)
    return action_list(members["household_id"], reasons, values, contacts)


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> CrossSellFigures:
    s, g = settings.cross_sell, settings.general
    common = common if common is not None else common_figures(data, settings)
    w = window(data.window_end("policies"))
    missing = tuple(data.missing(*NEEDS))
    # Without the book, the plan's fallbacks (Settings): nothing to measure retention on.
    retention = (m.retention_by_count(None, data.as_of, settings.segments.retention_fallback()) if missing
                 else common.retention)
    lift_12 = retention.lift(1, 2)
    base = dict(as_of=data.as_of, window=w, missing=missing, settings=s, discount_rate=g.discount_rate,
                commission=common.commission, retention=retention,
                lifts={label: retention.lift(1, n) for label, n in COUNTS.items()},
                lift_2_to_3=retention.lift(2, 3), kept_per_100=m.customers_kept(100, lift_12))
    if missing:
        return CrossSellFigures(**base)
    pol, as_of, rate = data.policies, data.as_of, common.commission.rate
    sales = None if data.sales_derived else data.sales
    households = common.households
    by_count = m.portfolio_by_count(households)
    combos = m.portfolio_by_combination(households)
    additions = m.first_additions(pol, sales)
    now = w.last.date()
    timing = m.timing_buckets(additions, now, rate, retention.retention, g.discount_rate,
                              s.timing_last_day, s.history_months)
    timing_note = timing.attrs.get("not_measurable", "")
    best = m.best_bucket(timing, s.min_households, s.min_conversions)
    heads = [step[0] for step in m.parse_sequence(s.product_sequence)]
    matrix = m.conversion_matrix(pol, now, heads, s.conversion_window_months, sales, s.history_months)
    premiums = m.product_premiums(pol, as_of)
    opportunities = m.opportunity_table(
        households, matrix, premiums, rate, retention.retention, g.discount_rate, s.product_sequence,
        s.default_conversion_rate, s.min_households, min_customers=s.min_households,
    ).head(OPPORTUNITY_ROWS)
    sequence = m.sequence_table(households, matrix, retention.retention, s.product_sequence,
                                choices=2, sets=SEQUENCE_ROWS // 2, min_households=s.min_households)
    offers = cross_sell_offers(households, opportunities,
                               household_contacts(pol, g.show_personal_data))
    advice = f"Timing is {timing_note}." if timing_note else m.timing_recommendation(
        best, s.min_households, s.min_conversions)
    return CrossSellFigures(
        **base, households=len(households), average_products=m.average_products(households),
        one_product_households=int(by_count["households"].iloc[0]), by_count=by_count,
        combinations=combos.assign(label=[m.combination_label(p) for p in combos["product_list"]]),
        retention_table=common.retention_by_count,
        timing=_timing_notes(timing, timing_note, s.min_conversions), timing_not_measurable=timing_note,
        best_window=best, timing_advice=advice,
        opportunities=opportunities.assign(label=[m.combination_label(p) for p in opportunities["segment"]]),
        opportunity_total=float(np.nansum(opportunities["total"])), sequence=sequence.head(SEQUENCE_ROWS),
        offers=offers, personal_data=g.show_personal_data,
    )
