"""Referral figures of one refresh: the program over the last 12 complete months (referral rate,
referrals per referrer, conversion, CAC, viral coefficient K), the LTV of a referred customer, who
refers, the households worth asking, incentive scenarios and a 12-month customer projection.
Computed once from the referral log and the book of business (plus the lead log for the paid
leads' conversion); the sheet, `agency-xl metrics` (under "referral_growth") and AMS_METRIC read
them. Formulas: ``agency_xl.models.referrals`` and docs/models/referrals.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.referrals import ReferralsSettings
from agency_xl.figures.actions import action_list, household_contacts
from agency_xl.figures.common import Common, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import leads as lead_model
from agency_xl.models import referrals as m
from agency_xl.models import segments as seg
from agency_xl.models.periods import Window, window

NEEDS = ("referrals", "policies")
MAX_SCENARIOS = 6  # incentive levels read from Settings, at most


@dataclass(frozen=True)
class HighPropensity:
    """Households worth asking for a referral: in the groups (products x tenure) that refer at
    least the Settings lift times the agency's rate, and with no referral in the last 12 months."""

    count: int  # households
    referrals: float  # expected: households x their groups' rate x referrals per referrer
    conversions: float  # expected new customers: referrals x conversion of referrals
    ltv_gain: float  # $: conversions x LTV of a referred customer
    groups: str  # the groups, "2 products 3+ yrs, ..." or "none"


@dataclass(frozen=True)
class BestIncentive:
    """The incentive scenario with the most net value (LTV value - cost), among those with an ROI."""

    incentive: float  # $ per sold referral
    net_value: float  # $
    roi: float  # (value - cost) / cost


@dataclass(frozen=True)
class ReferralsFigures:
    as_of: dt.date
    window: Window  # the 12 complete months the program is measured over
    missing: tuple[str, ...]  # titles of the reports the sheet needs and the folder lacks
    settings: ReferralsSettings
    lead_log: bool  # the lead log was read (the paid leads' conversion can be compared)
    # The rest is None when a report is missing.
    program: m.ReferralProgram | None = None
    lead_conversion: float | None = None  # paid leads: sold / decided, the Leads sheet's window
    referred_ltv: float | None = None  # $, average LTV of the referred households in the book
    referred_ltv_estimated: bool = False  # none found in the book: the book's new-customer LTV
    ltv_cac: float | None = None  # referred LTV / referral CAC (NaN without a CAC)
    total_reach: float | None = None  # N / (1 - K), customers; None when K >= 1
    propensity: pd.DataFrame | None = None  # propensity_table: products, tenure, households, referrers, rate
    high_propensity: HighPropensity | None = None
    # The households to ask (figures/actions.py ACTION_COLUMNS): one row per household counted in
    # high_propensity.count; value = its group's referral rate x referrals per referrer x
    # conversion x LTV of a referred customer ($, expected).
    asks: pd.DataFrame | None = None
    personal_data: bool = False  # names and phones shown (Settings, general)
    current_incentive: float | None = None  # $ per sold referral: paid in the log, else Settings
    scenarios: pd.DataFrame | None = None  # incentive_scenarios, one row per Settings level
    best_incentive: BestIncentive | None = None
    projection: pd.DataFrame | None = None  # referral_projection, 12 months
    projection_retention: float | None = None  # annual household retention the projection uses
    projection_retention_source: str = ""

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "referral_growth" (empty without the data)."""
        prog, best, proj = self.program, self.best_incentive, self.projection
        if not prog:
            return {}
        return {
            "referral_rate": clean(prog.referral_rate), "referrals_per_referrer": clean(prog.referrals_per_referrer),
            "conversion": clean(prog.conversion), "paid_lead_conversion": clean(self.lead_conversion),
            "referral_cac": clean(prog.cac), "referred_ltv": clean(self.referred_ltv),
            "referred_ltv_estimated": self.referred_ltv_estimated,
            "ltv_cac": clean(self.ltv_cac), "viral_coefficient": clean(prog.k),
            "referrals_12m": prog.referrals, "referrals_sold_12m": prog.sold,
            "high_propensity_households": self.high_propensity.count if self.high_propensity else None,
            "best_incentive": clean(best.incentive) if best is not None else None,
            "projected_customers_12m": clean(proj["customers"].iloc[-1]) if proj is not None else None,
            "projection_retention": clean(self.projection_retention),
            "projection_retention_source": self.projection_retention_source,
            "window": self.window.label(),
        }


def incentive_levels(text: str) -> list[float]:
    """The incentive levels typed on Settings ("50, 100; $150"): positive, distinct, ascending, at
    most MAX_SCENARIOS; $50, $100, $150 when none can be read."""
    out = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip().replace("$", "")
        if part:
            try:
                out.append(float(part))
            except ValueError:
                continue
    return sorted(set(v for v in out if v > 0))[:MAX_SCENARIOS] or [50.0, 100.0, 150.0]


def high_propensity(data: AmsData, s: ReferralsSettings, homes: pd.DataFrame, prop: pd.DataFrame,
                    prog: m.ReferralProgram, ltv: float,
                    contacts: pd.DataFrame | None = None) -> tuple[HighPropensity, pd.DataFrame]:
    """``HighPropensity`` of the valued households ``homes`` (``homes`` gains a "group" column),
    and the list of those households (``actions.action_list`` with ``contacts``)."""
    overall = prop["referrers"].sum() / prop["households"].sum() if prop["households"].sum() else 0
    hot = prop[prop["rate"] >= s.high_propensity_lift * overall]
    recent = set(data.referrals.loc[data.referrals["referral_date"] > pd.Timestamp(data.as_of)
                                    - pd.DateOffset(months=12), "referrer_household_id"])
    homes["group"] = [f"{p}|{t}" for p, t in zip(
        np.where(homes["products"] >= 3, "3+", homes["products"].astype(int).astype(str)),
        m.tenure_band(homes["tenure_years"].to_numpy()))]
    hot_keys = {f"{r.products}|{r.tenure}" for r in hot.itertuples()}
    targets = homes[homes["group"].isin(hot_keys) & ~homes["household_id"].isin(recent)]
    rate = float(hot["referrers"].sum() / hot["households"].sum()) if len(hot) else 0.0
    est_refs = len(targets) * rate * (prog.referrals_per_referrer if np.isfinite(prog.referrals_per_referrer) else 0)
    per_referrer = prog.referrals_per_referrer if np.isfinite(prog.referrals_per_referrer) else 0
    conversion = prog.conversion if np.isfinite(prog.conversion) else 0
    conv = est_refs * conversion
    figures = HighPropensity(len(targets), est_refs, conv, conv * ltv,
                             ", ".join(f"{r.products} products {r.tenure}" for r in hot.itertuples()) or "none")
    # Each household's value: its own group's rate (the card above pools the groups' rates).
    names = {f"{r.products}|{r.tenure}": (f"{r.products} product{'s' if r.products != '1' else ''}, {r.tenure}",
                                          r.rate) for r in hot.itertuples()}
    reasons = [f"In a group that refers often ({names[g][0]}: {names[g][1]:.0%}); no referral in 12 months"
               for g in targets["group"]]
    values = [names[g][1] * per_referrer * conversion * ltv for g in targets["group"]]
    return figures, action_list(targets["household_id"], reasons, values, contacts)


def best_incentive(scenarios: pd.DataFrame) -> BestIncentive | None:
    """The scenario with the most net value among those with a finite ROI (None when none has)."""
    finite = scenarios[np.isfinite(scenarios["roi"])]
    if not len(finite):
        return None
    best = finite.loc[(finite["value"] - finite["cost"]).idxmax()]
    return BestIncentive(best["incentive"], best["value"] - best["cost"], best["roi"])


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> ReferralsFigures:
    s = settings.referrals
    g = settings.general
    missing = tuple(data.missing(*NEEDS))
    base = dict(as_of=data.as_of, window=window(data.window_end(*NEEDS)), missing=missing, settings=s,
                lead_log=data.leads is not None)
    if missing:
        return ReferralsFigures(**base)
    common = common if common is not None else common_figures(data, settings)
    homes = common.households
    prog = m.program_metrics(data.referrals, len(homes), data.window_end("referrals"))
    used = common.retention
    # The household LTV of the Segments and Leads sheets: one definition everywhere.
    homes = seg.value_households(homes, common.commission.rate, used.retention, g.discount_rate,
                                 settings.segments.low_value_premium, settings.segments.elite_min_products,
                                 settings.segments.premium_min_products)
    sold_ids = set(data.referrals.loc[data.referrals["status"] == "Sold", "household_id"].dropna())
    referred = homes[homes["household_id"].isin(sold_ids)]
    estimated = not len(referred)
    if not estimated:
        avg_ltv = float(referred["ltv"].mean())
    else:
        # No sold referral can be found in the book (no Household ID in the log): the book's
        # new-customer LTV, the estimate the Leads sheet uses, said so.
        avg_ltv = lead_model.new_customer_ltv(homes, data.window_end("policies"))
    lead_conversion = None
    if data.leads is not None:
        # Paid leads: the Leads sheet's conversion, over its window (sold / decided).
        recent = lead_model.in_window(data.leads, data.window_end("leads"), settings.leads.window_months)
        lead_conversion = lead_model.decided_conversion(recent["status"])[2]
    prop = m.propensity_table(homes, data.referrals)
    high, asks = high_propensity(data, s, homes, prop, prog, avg_ltv,
                                 household_contacts(data.policies, g.show_personal_data))
    # Projection of households: their retention measured on the book (a household is kept
    # while it keeps a policy); where the book cannot measure it, the growth report's policy
    # retention, said so. Other new customers = new households of the window not brought by
    # referrals, per month.
    table = common.retention_by_count
    annual_r = float(table.loc[table["products"] == "All", "retention"].iloc[0])
    retention_note = "Household retention measured on the book"
    if not np.isfinite(annual_r):
        annual_r = float(used.retention["1"]) if used.fallback_source != "Settings" else \
            settings.rate_environment.fallback_retention
        retention_note = (f"{used.fallback_source} retention (household retention "
                          f"{table.attrs.get('not_measurable') or 'not measurable'})")
    new_hh = int(window(data.window_end("policies")).contains(homes["first_date"]).sum())
    other_new = max(new_hh - prog.sold, 0) / 12.0
    proj = m.referral_projection(len(homes), prog.k, 12, m.monthly_retention(annual_r), other_new)
    paid = data.referrals["incentive_paid"].dropna()
    current = float(paid[paid > 0].mean()) if (paid > 0).any() else s.current_incentive
    scen = m.incentive_scenarios(incentive_levels(s.incentive_levels), current, prog.referral_rate,
                                 s.incentive_response, len(homes), prog.referrals_per_referrer,
                                 prog.conversion, avg_ltv)
    return ReferralsFigures(
        **base, program=prog, lead_conversion=lead_conversion, referred_ltv=avg_ltv,
        referred_ltv_estimated=estimated,
        ltv_cac=avg_ltv / prog.cac if prog.cac and np.isfinite(prog.cac) else float("nan"),
        total_reach=m.total_reach(prog.households, prog.k) if prog.k < 1 else None,
        propensity=prop, high_propensity=high, asks=asks, personal_data=g.show_personal_data,
        current_incentive=current, scenarios=scen, best_incentive=best_incentive(scen), projection=proj,
        projection_retention=annual_r, projection_retention_source=retention_note,
    )
