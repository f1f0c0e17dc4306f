"""The Summary figures of one refresh: the owner's Monday page (issue 15.1).

Nothing here is measured afresh: every headline is a figure another model's figures (or the
shared ``common`` figures) already hold for this refresh, so the Summary, the sheet that explains
each line and `agency-xl metrics` show the same number. What the Summary adds:

- the new policies of the last complete month of the sales, the month before and the same month a
  year earlier (``new_policies``; the seasonal index counts the same sales);
- each headline's value at the latest earlier refresh the history beside the workbook recorded
  (``figures.past``) and the arrow against it (``arrow``), "better" or "worse" by the headline's
  good direction;
- the bonus band's distance in dollars of losses (``bonus_headroom``);
- the three most urgent actions: the alerts and opportunities the figures already hold, alerts
  first (cash running out, the full bonus at high risk), then by the dollars at stake
  (``rank_actions``).

Sources: docs/models/summary.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

import pandas as pd

from agency_xl.figures.values import clean
from agency_xl.models import cross_sell as cross_sell_model
from agency_xl.models import seasonality as seasonality_model
from agency_xl.models.periods import last_complete_month

if TYPE_CHECKING:
    from agency_xl.figures import Figures

UP, DOWN, SAME = "▲", "▼", "="
ACTIONS_SHOWN = 3
# The sheet (model key) that explains each headline and each action.
PROFITABILITY, RATE, CASH, SEGMENTS, SEASONALITY, REFERRALS, CROSS_SELL, LEADS = (
    "profitability", "rate_environment", "cash_flow", "segments", "seasonality", "referral_growth", "cross_sell",
    "leads")
BAND_NAMES = {"FULL_BONUS": "Full bonus", "REDUCED_BONUS": "Reduced bonus", "NO_BONUS": "No bonus"}


@dataclass(frozen=True)
class Headline:
    """One line of the Summary.

    ``value``: the figure now (None: not measurable, ``note`` says why); ``unit``: money | count |
    pct | months | text; ``better``: "up" or "down" (which way is good), "" for no arrow;
    ``history``: the names it may be recorded under in earlier refreshes (``agency-xl metrics``
    paths), its own Summary name first; ``last``: its value at the latest earlier refresh (None
    when none recorded it); ``arrow``: "▲", "▼", "=" or "" (no earlier value to compare)."""

    key: str
    label: str
    value: float | str | None
    unit: str
    sheet: str  # model key of the sheet that explains it
    note: str
    better: str = ""
    history: tuple[str, ...] = ()
    last: float | None = None
    arrow: str = ""

    @property
    def verdict(self) -> str:
        """"better", "worse" or "same" against the earlier refresh ("" without an arrow)."""
        if not self.arrow:
            return ""
        if self.arrow == SAME:
            return "same"
        return "better" if (self.arrow == UP) == (self.better == "up") else "worse"


@dataclass(frozen=True)
class Action:
    """Something to do this week: what, the dollars at stake (a year, or the one-off amount the
    ``why`` names), the sheet that explains it (model key) and why."""

    what: str
    at_stake: float  # $
    sheet: str
    why: str
    alert: bool = False  # an alert (cash-burn ALERT, the full bonus at HIGH risk) ranks before any opportunity


@dataclass(frozen=True)
class NewPolicies:
    """New policies sold (rows of the sales, by issue date) in three complete months."""

    month: pd.Period  # the last complete month of the sales
    this_month: int | None
    last_month: int | None
    same_month_last_year: int | None  # None: the sales do not reach back that far
    source: str  # "sales export" | "book of business"


@dataclass(frozen=True)
class SummaryFigures:
    as_of: dt.date
    headlines: tuple[Headline, ...]
    new_policies: NewPolicies | None  # None without the sales (and the book)
    actions: tuple[Action, ...]  # the most urgent first, at most ACTIONS_SHOWN
    candidates: int  # actions found before keeping the first ACTIONS_SHOWN
    compared_with: dt.date | None  # the earlier refresh the arrows compare with
    past_note: str  # why there are no arrows, or which refresh they compare with
    refreshed: bool = True  # False: no export read yet (the empty template)

    def headline(self, key: str) -> Headline:
        for h in self.headlines:
            if h.key == key:
                return h
        raise KeyError(f"no Summary headline {key!r}")

    def kpis(self) -> dict[str, Any]:
        """What `agency-xl metrics` reports under "summary": each headline's value (its name in the
        history, so the next refresh's arrows compare with it), the new policies, the actions."""
        out: dict[str, Any] = {h.key: clean(h.value) for h in self.headlines}
        if self.new_policies is not None:
            n = self.new_policies
            out["new_policies_month"] = f"{n.month:%Y-%m}"
        out["compared_with"] = self.compared_with.isoformat() if self.compared_with else None
        out["arrows"] = {h.key: h.verdict for h in self.headlines if h.arrow}
        out["actions"] = [{"what": a.what, "at_stake": round(a.at_stake, 2), "sheet": a.sheet, "why": a.why}
                          for a in self.actions]
        return out


# --- the pieces ------------------------------------------------------------------------------------

def arrow(now: Any, last: Any) -> str:
    """"▲" when ``now`` is above ``last``, "▼" below, "=" equal; "" when either is not a number."""
    if not (_number(now) and _number(last)):
        return ""
    if math.isclose(float(now), float(last), rel_tol=1e-9, abs_tol=1e-12):
        return SAME
    return UP if now > last else DOWN


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))


def with_past(h: Headline, earlier: dict[str, object] | None) -> Headline:
    """``h`` with its value at the earlier refresh (the first of its history names recorded) and
    the arrow against it; unchanged when there is no earlier refresh or it recorded none."""
    if earlier is None or not h.better:
        return h
    last = next((earlier[name] for name in h.history if _number(earlier.get(name))), None)
    if last is None:
        return h
    return Headline(**{**vars(h), "last": float(last), "arrow": arrow(h.value, last)})


def bonus_headroom(combined_ratio: float | None, earned_premium: float | None, full: float,
                   partial: float) -> float | None:
    """The distance to the next bonus band in dollars of losses over the 12 months.

    headroom = (threshold - combined ratio) x earned premium, with the threshold of the band to
    watch: in the full bonus, the full-bonus threshold (how much more could be lost before the
    bonus drops: positive); in the reduced bonus, the full-bonus threshold (negative: how much
    less must be lost to earn it); with no bonus, the reduced-bonus threshold (negative).
    Combined ratio = losses / earned + expense ratio, so a dollar of losses moves it by 1 / earned.
    None when either is unknown."""
    if combined_ratio is None or earned_premium is None or not math.isfinite(earned_premium):
        return None
    threshold = full if combined_ratio < partial else partial
    return (threshold - combined_ratio) * earned_premium


def new_policies(sales: pd.DataFrame | None, through: dt.date, source: str) -> NewPolicies | None:
    """Policies sold in the last complete month on or before ``through``, the month before and the
    same month a year earlier: the sales' monthly history (``seasonality.monthly_history``, what
    the seasonal index counts; a month before the first sale is unknown, None)."""
    if sales is None:
        return None
    month = last_complete_month(through)
    history = seasonality_model.monthly_history(sales["issue_date"].to_numpy(), through=through)

    def count(p: pd.Period) -> int | None:
        if p.year not in history.index:
            return None
        v = history.loc[p.year, seasonality_model.MONTHS[p.month - 1]]
        return None if pd.isna(v) else int(v)

    return NewPolicies(month, count(month), count(month - 1), count(month - 12), source)


def rank_actions(candidates: list[Action], n: int = ACTIONS_SHOWN) -> tuple[Action, ...]:
    """The ``n`` most urgent actions: alerts first, then the most dollars at stake (ties keep their
    order); none at $0. Why alerts first: cash that runs out in a few months or a bonus about to be
    lost cannot wait for a larger lifetime value to pay off."""
    kept = [a for a in candidates if _number(a.at_stake) and a.at_stake > 0]
    return tuple(sorted(kept, key=lambda a: (not a.alert, -a.at_stake))[:n])


def _money(x: float) -> str:
    return f"${x:,.0f}"


def action_candidates(fig: Figures) -> list[Action]:
    """Every alert and opportunity the figures hold, with its dollars at stake.

    - Cash (Cash Flow): cash-burn ALERT or WATCH; at stake the shortfall against the working-capital
      need, or the lowest projected cash below $0, whichever is larger.
    - Bonus (Profitability): outside the full bonus, or in it at MEDIUM/HIGH risk; at stake the
      bonus of the band lost or to win: premium in force of the bonus lines x the rate difference.
    - Upgrades (Segments): each upgrade path; at stake its LTV value (upgrades x LTV gain).
    - Marketing mix (Segments): the recommended allocation; at stake budget x (ROI gain).
    - Referrals: the households worth asking; at stake their expected LTV gain.
    - Rate increase (Rate Environment): the planned increase's added churn when MODERATE or HIGH;
      at stake the commission of the premium that leaves: added churn x premium x commission rate.
    - Cross-sell (Cross-Sell): the largest opportunity segment (one action, not one per segment:
      the Segments upgrade paths already offer next products by tier); at stake its total
      (expected converts x LTV increase each).
    - Lead spend (Leads): the recommended shift between vendors when there is one; at stake the
      lifetime value it is expected to add (the shift's amount x the ROI difference)."""
    out: list[Action] = []
    cash = fig.cash_flow
    burn = cash.burn
    if burn.status in ("ALERT", "WATCH"):
        low = -burn.lowest_cash if _number(burn.lowest_cash) and burn.lowest_cash < 0 else 0.0
        stake = float(max(burn.shortfall, low))
        when = (f"cash runs out in month {burn.runs_out_month}" if burn.runs_out_month
                else "cash on hand is below the working-capital need")
        out.append(Action(f"Add {_money(stake)} of cash or cut monthly expenses", stake, CASH,
                          f"Cash-burn {burn.status}: {when}", alert=burn.status == "ALERT"))

    p = fig.profitability
    s = p.settings
    if p.combined_ratio is not None and p.premium_in_force:
        rates = {"FULL_BONUS": s.bonus_full_rate, "REDUCED_BONUS": s.bonus_partial_rate, "NO_BONUS": 0.0}
        headroom = bonus_headroom(p.combined_ratio, p.summary.earned_premium, s.bonus_full_threshold,
                                  s.bonus_partial_threshold)
        if p.bonus_status == "FULL_BONUS" and p.risk_level in ("MEDIUM", "HIGH"):
            stake = p.premium_in_force * (s.bonus_full_rate - s.bonus_partial_rate)
            out.append(Action(f"Keep losses within {_money(headroom)} to keep the full bonus", stake,
                              PROFITABILITY, f"Combined ratio {p.combined_ratio:.1%}: {p.risk_level} risk",
                              alert=p.risk_level == "HIGH"))
        elif p.bonus_status in ("REDUCED_BONUS", "NO_BONUS") and headroom is not None:
            better = "FULL_BONUS" if p.bonus_status == "REDUCED_BONUS" else "REDUCED_BONUS"
            stake = p.premium_in_force * (rates[better] - rates[p.bonus_status])
            out.append(Action(f"Cut losses by {_money(-headroom)} to reach the {BAND_NAMES[better].lower()}",
                              stake, PROFITABILITY, f"Combined ratio {p.combined_ratio:.1%}: "
                              f"{BAND_NAMES[p.bonus_status].lower()} today"))

    seg = fig.segments
    for label, o in seg.upgrades.items():
        lower = label.split(" -> ")[0]
        out.append(Action(f"Offer a next product to {o.customers:,.0f} {lower} households "
                          f"({o.upgrades:,.0f} upgrades expected)", float(o.value), SEGMENTS,
                          f"{label}: {o.upgrade_rate:.0%} upgrade rate x {_money(o.ltv_gain)} LTV gain each"))
    if seg.allocation is not None and seg.roi_gain is not None and seg.roi_gain > 0:
        out.append(Action("Move the marketing budget to the recommended split",
                          float(seg.allocation.budget * seg.roi_gain),
                          SEGMENTS, f"ROI {seg.allocation.current_roi:.1f}x -> {seg.allocation.recommended_roi:.1f}x "
                          f"on {_money(seg.allocation.budget)}"))

    ref = fig.referrals
    hp = ref.high_propensity
    if hp is not None and hp.count:
        out.append(Action(f"Ask {hp.count:,} households for a referral", float(hp.ltv_gain), REFERRALS,
                          f"{hp.conversions:.1f} new customers expected ({hp.groups})"))

    rate = fig.rate_environment
    impact = rate.impact
    if impact.severity in ("MODERATE", "HIGH") and _number(impact.added_churn):
        stake = float(impact.added_churn * rate.premium.value * rate.commission_rate.value)
        out.append(Action("Call the households facing the rate increase before renewal", stake, RATE,
                          f"{impact.rate_increase:.0%} increase: {impact.added_churn:.2%} more churn "
                          f"({impact.severity})"))

    xs = fig.cross_sell
    if xs.opportunities is not None and len(xs.opportunities):
        o = xs.opportunities.iloc[0]  # largest total first
        if _number(o["total"]) and o["total"] > 0:
            out.append(Action(f"Offer {o['next_product']} to {int(o['customers']):,} {o['label']} households "
                              f"({o['expected_converts']:,.0f} sales expected)", float(o["total"]), CROSS_SELL,
                              f"{o['conversion']:.0%} conversion ({o['source']}) x {_money(o['ltv_increase'])} "
                              f"LTV gain each"))

    shift = fig.leads.reallocation
    if shift is not None and shift.amount > 0 and _number(shift.ltv_gain):
        out.append(Action(f"Move {_money(shift.amount)} of lead spend from {shift.from_vendor} to {shift.to_vendor}",
                          float(shift.ltv_gain), LEADS, "Lifetime value added if the extra leads convert like "
                          "the current ones (the Leads sheet's rule)"))
    return out


# --- the figures -----------------------------------------------------------------------------------

def compute(fig: Figures) -> SummaryFigures:
    """The Summary of one refresh from its other figures (``fig``) and ``fig.past``."""
    data, common, p, rate, cash = fig.data, fig.common, fig.profitability, fig.rate_environment, fig.cash_flow
    table = common.household_table
    hh = table if table is not None and len(table) else None
    settings_note = "from Settings (type your own there)"

    lines: list[Headline] = [
        Headline("premium_in_force", "Premium in force", float(table["premium"].sum()) if table is not None else None,
                 "money", RATE, "Annual premium of the policies in force today (book of business)" if table is
                 not None else "Add the Book of business export", "up", ("summary.premium_in_force",
                                                                            "premium_in_force")),
        Headline("policies_in_force", "Policies in force", int(table["policies"].sum()) if table is not None
                 else None, "count", RATE, f"{common.households_in_force:,} households" if table is not None
                 else "Add the Book of business export", "up", ("summary.policies_in_force", "policies_in_force")),
    ]
    sales_source = ("book of business" if data.sales_derived else "sales export") if data.sales is not None else ""
    new = new_policies(data.sales, data.window_end("sales"), sales_source)
    if new is not None:
        lines += [
            Headline("new_policies", f"New policies, {new.month:%b %Y}", new.this_month, "count", SEASONALITY,
                     f"Complete month; policies sold ({new.source})", "up", ("summary.new_policies",)),
            Headline("new_policies_last_month", f"  the month before ({new.month - 1:%b %Y})", new.last_month,
                     "count", SEASONALITY, "Complete month"),
            Headline("new_policies_last_year", f"  same month last year ({new.month - 12:%b %Y})",
                     new.same_month_last_year, "count", SEASONALITY,
                     "Complete month" if new.same_month_last_year is not None else "The sales do not reach back "
                     "that far"),
        ]
    else:
        lines += [Headline("new_policies", "New policies (last complete month)", None, "count", SEASONALITY,
                           "Add the New business export (or the Book of business)"),
                  Headline("new_policies_last_month", "  the month before", None, "count", SEASONALITY, ""),
                  Headline("new_policies_last_year", "  same month last year", None, "count", SEASONALITY, "")]
    kept = rate.retention
    lines.append(Headline(
        "retention", "Policy retention (carrier's definition)" if kept.measured else "Policy retention (Settings)",
        kept.value, "pct", RATE,
        ("Renewals kept / offered, growth & retention report, 12 complete months"
         if kept.measured else kept.note), "up",
        ("summary.retention", "rate_environment.current_retention")))

    summary = p.summary
    lines.append(Headline("loss_ratio", "Loss ratio (12 months)", clean(summary.loss_ratio) if summary else None,
                          "pct", PROFITABILITY, "Incurred losses / earned premium, lines in the bonus" if summary
                          else "Add the Book of business and Claims exports", "down",
                          ("summary.loss_ratio", "profitability.loss_ratio")))
    s = p.settings
    band = BAND_NAMES.get(p.bonus_status or "", p.bonus_status)
    cr = p.combined_ratio
    lines.append(Headline("bonus_status", "Carrier bonus", band, "text", PROFITABILITY,
                          f"Combined ratio {cr:.1%}; full bonus below {s.bonus_full_threshold:.0%}, reduced below "
                          f"{s.bonus_partial_threshold:.0%}" if cr is not None else "Not measurable"))
    headroom = bonus_headroom(cr, summary.earned_premium if summary else None, s.bonus_full_threshold,
                              s.bonus_partial_threshold)
    if headroom is None:
        head_note = "Not measurable"
    elif p.bonus_status == "FULL_BONUS":
        head_note = "More losses possible before the bonus drops to reduced"
    else:
        head_note = ("Fewer losses needed for the full bonus" if p.bonus_status == "REDUCED_BONUS"
                     else "Fewer losses needed for the reduced bonus")
    lines.append(Headline("bonus_headroom", "Losses to the next bonus band (12 months)", headroom, "money", PROFITABILITY,
                          head_note, "up", ("summary.bonus_headroom",)))

    burn = cash.burn
    runway = burn.runway_months if math.isfinite(burn.runway_months) else None
    lines += [
        Headline("cash_on_hand", "Cash on hand", burn.cash_on_hand, "money", CASH,
                 f"{settings_note}; cash-burn status {burn.status}", "up", ("summary.cash_on_hand",)),
        Headline("cash_runway_months", "Cash runway (months)", runway, "months", CASH,
                 f"Cash on hand / monthly burn ({_money(burn.monthly_burn)})" if runway is not None
                 else "Not burning cash in the 12-month projection", "up", ("summary.cash_runway_months",)),
        Headline("products_per_household", "Products per household",
                 cross_sell_model.average_products(hh) if hh is not None else None, "ratio", CROSS_SELL,
                 "Products in force per household; the plan's target: 1.8 or more" if hh is not None
                 else "Add the Book of business export", "up",
                 ("summary.products_per_household", "products_per_household")),
    ]

    earlier = fig.past.latest_before(data.as_of)
    lines = [with_past(h, earlier) for h in lines]
    compared = max(d for d in fig.past.dates() if d < data.as_of) if earlier is not None else None
    if compared is not None:
        past_note = f"Arrows: against the refresh of data as of {compared:%Y-%m-%d} (the history beside the workbook)."
    else:
        past_note = ("No arrows yet: no earlier refresh in the history beside this workbook. "
                     "They appear from the next refresh.")
        if fig.past.problem:
            past_note = f"No arrows: {fig.past.problem}"
    found = action_candidates(fig)
    return SummaryFigures(as_of=data.as_of, headlines=tuple(lines), new_policies=new,
                          actions=rank_actions(found), candidates=len(found), compared_with=compared,
                          past_note=past_note, refreshed=bool(data.health.files))
