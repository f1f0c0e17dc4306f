"""Producer figures of one refresh: for each producer, the new business he wrote, the book he holds,
how well his households stay and buy more, how his leads convert, the commission his policies bring
in, and that commission against his pay (Settings). Rows without a producer are one "(no producer)"
row, so every additive column sums to the book's total (``total``).

Where each column comes from (docs/models/producers.md):
- new items, premium written: the sales (New business export, else the book's original effective
  dates) issued in the 12 complete months ending where the sales end (``periods.window``), by the
  sale's Producer;
- policies and premium in force: the book, status In Force, by the policy's Producer;
- households, retention, cross-sell rate: a household belongs to the producer of its first policy
  (earliest original effective date, then policy number), the producer who won the customer.
  Retention is the household retention of the Segments and Cross-Sell sheets
  (``households.retention_by_product_count``, "All": households with a policy on the books when the
  12 complete months open that still have one when they close); cross-sell rate is the share of
  households in force with 2 or more products (``cross_sell.portfolio_by_count``);
- leads, sold, conversion: the lead log's leads dated in the Leads sheet's window, by the lead's
  Producer (the optional column); conversion = sold / decided (``leads.decided_conversion``);
- commissions: every commission-statement row dated (statement date) in the 12 complete months
  ending where the statements end, credited to the producer of its policy (the book's, else the
  sales'); a policy neither knows counts as "(no producer)";
- pay check: those 12 months' commissions against the annual pay entered on Settings.

A report whose Producer column is absent (or blank on every row) gives "not in your exports" for
its columns; a report that is missing gives "add the ... export"; neither is an error.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.assumptions.producers import ProducersSettings, producer_key, producer_name
from agency_xl.figures.common import RETENTION_MONTHS, Common, common_figures
from agency_xl.figures.values import clean
from agency_xl.models import cross_sell, leads
from agency_xl.models import households as hh
from agency_xl.models.periods import Window, window

NO_PRODUCER = "(no producer)"
NOT_IN_EXPORTS = "not in your exports"
ENTER_PAY = "enter pay on Settings"
COVERS_PAY = "OK: covers pay"
BELOW_PAY = "ALERT: below pay"

# The table's columns, grouped by the export (and its Producer column) they need.
GROUPS: dict[str, tuple[str, ...]] = {
    "sales": ("new_items", "premium_written"),
    "book": ("policies_in_force", "premium_in_force", "households", "retention", "cross_sell_rate"),
    "leads": ("leads", "leads_sold", "lead_conversion"),
    "commissions": ("commissions", "commission_to_pay", "pay_check"),
}
COLUMNS = ["producer", "new_items", "premium_written", "policies_in_force", "premium_in_force", "households",
           "retention", "cross_sell_rate", "leads", "leads_sold", "lead_conversion", "commissions", "pay",
           "commission_to_pay", "pay_check"]
# Counts behind the ratios, kept so rows can be added up (``ProducersFigures.shown``).
COUNTS = ["retention_households", "retained", "households_2plus", "leads_decided"]
ADDITIVE = ["new_items", "premium_written", "policies_in_force", "premium_in_force", "households", "leads",
            "leads_sold", "commissions", "pay", *COUNTS]
WHOLE = {"new_items", "policies_in_force", "households", "leads", "leads_sold", *COUNTS}  # counts
MONEY = {"premium_written", "premium_in_force", "commissions", "pay"}  # $, reported to the cent
REPORT_OF = {"sales": "sales", "book": "policies", "leads": "leads", "commissions": "commissions"}


@dataclass(frozen=True)
class ProducersFigures:
    as_of: dt.date
    settings: ProducersSettings
    sales_window: Window  # new items and premium written: 12 complete months ending where the sales end
    commission_window: Window  # commissions: 12 complete months of statement dates
    leads_window: Window  # leads dated in the Leads sheet's window
    retention_window: Window  # household retention: 12 complete months ending where the book ends
    # Why a group of columns is blank: group ("sales", "book", "leads", "commissions") -> "not in
    # your exports" (its report has no Producer column) or "add the ... export" (no report).
    unavailable: dict[str, str]
    # One row per producer (COLUMNS + COUNTS; money in $, rates as ratios, NaN where unknown),
    # by premium written (else premium in force), largest first, "(no producer)" last.
    table: pd.DataFrame
    total: dict[str, Any]  # the same columns for the whole book (not the sum of rows: measured)
    retention_note: str | None = None  # why household retention is not measurable, when it is not
    sales_from: str | None = None  # "sales export" | "book of business" | None (no sales)

    def reason(self, column: str) -> str | None:
        """Why ``column`` is blank for every producer ("not in your exports", "add the ... export"),
        None when it is filled."""
        for group, columns in GROUPS.items():
            if column in columns:
                return self.unavailable.get(group)
        return None

    def shown(self, rows: int) -> pd.DataFrame:
        """The table in at most ``rows`` rows: when there are more producers, the smallest are one
        "Other producers (n)" row (their sums, and ratios of their summed counts) above
        "(no producer)", so the rows still add up to the total."""
        t = self.table
        if len(t) <= rows:
            return t
        named = t[t["producer"] != NO_PRODUCER]
        rest = t[t["producer"] == NO_PRODUCER]
        keep = rows - 1 - len(rest)
        small = named.iloc[keep:]
        other = {c: small[c].sum(min_count=1) for c in ADDITIVE}
        other["producer"] = f"Other producers ({len(small)})"
        other = _with_rates(other, self.unavailable)
        return pd.concat([named.iloc[:keep], pd.DataFrame([other]), rest], ignore_index=True)[t.columns]

    def kpis(self) -> dict[str, Any]:
        """The figures `agency-xl metrics` reports under "producers"."""
        def value(c: str, v: Any) -> Any:
            v = clean(v)
            if v is None or isinstance(v, str):
                return v
            return int(v) if c in WHOLE else round(v, 2) if c in MONEY else v

        def row(r: dict[str, Any]) -> dict[str, Any]:
            return {c: (self.reason(c) or value(c, r[c])) if c != "pay" else value(c, r[c]) for c in COLUMNS[1:]}

        return {
            "window": self.sales_window.label(),
            "commission_window": self.commission_window.label(),
            "leads_window": self.leads_window.label(),
            "not_in_exports": dict(self.unavailable),
            "retention_not_measurable": self.retention_note,
            "by_producer": {r["producer"]: row(r) for r in self.table.to_dict("records")},
            "total": {c: value(c, self.total[c]) for c in COLUMNS[1:] if c in self.total},
        }


# --- who is who ----------------------------------------------------------------------------------

def _has_producer(table: pd.DataFrame | None) -> bool:
    """True when the report is there and its Producer column names someone on at least one row
    (a column absent from the export is all blank in the reader's table)."""
    return table is not None and "producer" in table and table["producer"].map(producer_name).ne("").any()


def _names(data: AmsData, settings: ProducersSettings) -> dict[str, str]:
    """Every producer's key (``producer_key``) -> the name shown: of the spellings the exports and
    Settings use, the first in sorted order (the same whatever the order of the rows)."""
    spellings: dict[str, set[str]] = {}
    for table in (data.policies, data.sales, data.leads):
        if table is not None and "producer" in table:
            for name in table["producer"].dropna().map(producer_name).unique():
                if name:
                    spellings.setdefault(producer_key(name), set()).add(name)
    for name in settings.pay:
        spellings.setdefault(producer_key(name), set()).add(producer_name(name))
    return {key: min(names) for key, names in spellings.items()}


def _label(table: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Each row's producer as shown ("(no producer)" for a blank, and for a table without the
    column)."""
    values = table["producer"] if "producer" in table else pd.Series(None, index=table.index, dtype=object)
    keys = values.map(producer_key)
    shown = keys.map(names).astype(object)
    return shown.where(shown.notna() & (keys != ""), NO_PRODUCER)


def household_producer(policies: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Each household's producer: the producer of its first policy (earliest original effective
    date, then lowest policy number), the one who won the customer. Indexed by household id."""
    first = policies.sort_values(["household_id", "original_effective_date", "policy_number"],
                                 na_position="last", kind="mergesort").drop_duplicates("household_id")
    return pd.Series(_label(first, names).to_numpy(), index=first["household_id"].to_numpy())


# --- the groups of columns -----------------------------------------------------------------------

def _sales(data: AmsData, w: Window, names: dict[str, str]) -> tuple[pd.DataFrame, dict[str, float]]:
    s = data.sales
    sold = s[w.contains(s["issue_date"])]
    premium = pd.to_numeric(sold["premium"], errors="coerce").fillna(0.0)
    by = pd.DataFrame({"producer": _label(sold, names), "premium": premium})
    g = by.groupby("producer")
    out = pd.DataFrame({"new_items": g.size(), "premium_written": g["premium"].sum()})
    return out, {"new_items": len(sold), "premium_written": float(premium.sum())}


def _book(data: AmsData, common: Common, names: dict[str, str], through: dt.date
          ) -> tuple[pd.DataFrame, dict[str, float], str | None]:
    pol = data.policies
    inf = pol[hh.in_force(pol)]
    g = pd.DataFrame({"producer": _label(inf, names), "policy": inf["policy_number"],
                      "premium": inf["annual_premium"].astype(float)}).groupby("producer")
    out = pd.DataFrame({"policies_in_force": g["policy"].nunique(), "premium_in_force": g["premium"].sum()})
    owner = household_producer(pol, names)
    homes = common.households
    homes = homes.assign(producer=homes["household_id"].map(owner).fillna(NO_PRODUCER))
    rows, note = {}, None
    for producer in sorted(set(owner)):
        mine = homes[homes["producer"] == producer]
        by_count = cross_sell.portfolio_by_count(mine)
        ret = hh.retention_by_product_count(pol[pol["household_id"].map(owner).eq(producer).to_numpy()],
                                            through, RETENTION_MONTHS)
        note = note or ret.attrs.get("not_measurable")
        rows[producer] = {"households": len(mine),
                          "households_2plus": int(by_count["households"].iloc[1:].sum()),
                          "retention_households": int(ret["households"].iloc[-1]),
                          "retained": int(ret["retained"].iloc[-1])}
    out = out.join(pd.DataFrame.from_dict(rows, orient="index"), how="outer")
    whole = common.retention_by_count
    total = {"policies_in_force": int(inf["policy_number"].nunique()),
             "premium_in_force": float(inf["annual_premium"].sum()),
             "households": common.households_in_force,
             "households_2plus": int(cross_sell.portfolio_by_count(common.household_table)["households"]
                                     .iloc[1:].sum()),
             "retention_households": int(whole["households"].iloc[-1]),
             "retained": int(whole["retained"].iloc[-1])}
    return out, total, note or whole.attrs.get("not_measurable")


def _leads(data: AmsData, settings: Assumptions, names: dict[str, str]) -> tuple[pd.DataFrame, dict[str, float]]:
    dated = leads.in_window(data.leads, data.window_end("leads"), settings.leads.window_months)
    who = _label(dated, names)
    rows = {}
    for producer, part in dated.groupby(who):
        sold, decided, _ = leads.decided_conversion(part["status"])
        rows[producer] = {"leads": len(part), "leads_sold": sold, "leads_decided": decided}
    sold, decided, _ = leads.decided_conversion(dated["status"])
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["leads", "leads_sold", "leads_decided"])
    return out, {"leads": len(dated), "leads_sold": sold, "leads_decided": decided}


def policy_producers(data: AmsData, names: dict[str, str]) -> pd.Series:
    """Each policy number's producer as the exports give it: the book's, else the sales'."""
    out = pd.Series(dtype=object)
    for table in (data.policies, data.sales):  # the book first: it wins
        if _has_producer(table):
            known = table[table["producer"].map(producer_name) != ""]
            mine = pd.Series(_label(known, names).to_numpy(), index=known["policy_number"].to_numpy())
            mine = mine[~mine.index.duplicated()]
            out = pd.concat([out, mine[~mine.index.isin(out.index)]])
    return out


def _commissions(data: AmsData, w: Window, names: dict[str, str]) -> tuple[pd.DataFrame, dict[str, float]]:
    cm = data.commissions
    rows = cm[w.contains(cm["statement_date"])]
    amount = pd.to_numeric(rows["commission_amount"], errors="coerce").fillna(0.0)
    who = rows["policy_number"].map(policy_producers(data, names)).astype(object)
    who = who.where(who.notna(), NO_PRODUCER)
    out = amount.groupby(who.to_numpy()).sum().to_frame("commissions")
    return out, {"commissions": float(amount.sum())}


# --- ratios and the pay check --------------------------------------------------------------------

def _ratio(num: Any, den: Any) -> float:
    num, den = clean(num), clean(den)
    return float(num) / float(den) if num is not None and den else math.nan


def _with_rates(row: dict[str, Any], unavailable: dict[str, str]) -> dict[str, Any]:
    """``row`` with its ratios from its counts and its pay check (a producer, or the total)."""
    row["retention"] = _ratio(row.get("retained"), row.get("retention_households"))
    row["cross_sell_rate"] = _ratio(row.get("households_2plus"), row.get("households"))
    row["lead_conversion"] = _ratio(row.get("leads_sold"), row.get("leads_decided"))
    commissions, pay = clean(row.get("commissions")), clean(row.get("pay"))
    row["commission_to_pay"] = _ratio(commissions, pay)
    if "commissions" in unavailable or commissions is None:
        row["pay_check"] = None
    elif pay is None:
        row["pay_check"] = None if row["producer"] == NO_PRODUCER else ENTER_PAY
    else:
        row["pay_check"] = COVERS_PAY if commissions >= pay else f"{BELOW_PAY} by ${pay - commissions:,.0f}"
    return row


def _order(table: pd.DataFrame, unavailable: dict[str, str]) -> pd.DataFrame:
    """Largest first by premium written (else premium in force), then by name; "(no producer)" last."""
    by = "premium_written" if "sales" not in unavailable else "premium_in_force"
    key = table[by].fillna(0.0) if by in table else pd.Series(0.0, index=table.index)
    t = table.assign(_last=table["producer"] == NO_PRODUCER, _size=-key)
    return t.sort_values(["_last", "_size", "producer"], kind="mergesort").drop(columns=["_last", "_size"])


def compute(data: AmsData, settings: Assumptions, common: Common | None = None) -> ProducersFigures:
    s = settings.producers
    common = common if common is not None else common_figures(data, settings)
    names = _names(data, s)
    unavailable: dict[str, str] = {}
    for group, report in REPORT_OF.items():
        table = data.table(report)
        if table is None:
            unavailable[group] = f"add the {data.missing(report)[0]} export"
        elif group == "commissions":
            if not (_has_producer(data.policies) or _has_producer(data.sales)):
                unavailable[group] = NOT_IN_EXPORTS
        elif not _has_producer(table):
            unavailable[group] = NOT_IN_EXPORTS

    sales_w = window(data.window_end("sales"))
    leads_w = window(data.window_end("leads"), settings.leads.window_months)
    commission_w = window(data.window_end("commissions"))
    retention_through = data.window_end("policies")
    parts, total, note = [], {}, None
    if data.sales is not None:
        part, sums = _sales(data, sales_w, names)
        parts.append(part)
        total.update(sums)
    if data.policies is not None:
        part, sums, note = _book(data, common, names, retention_through)
        parts.append(part)
        total.update(sums)
    if data.leads is not None:
        part, sums = _leads(data, settings, names)
        parts.append(part)
        total.update(sums)
    if data.commissions is not None:
        part, sums = _commissions(data, commission_w, names)
        parts.append(part)
        total.update(sums)
    # A report without producers gives its totals, not a split: every row would be "(no producer)".
    hidden = {c for group, columns in GROUPS.items() if group in unavailable for c in columns}
    hidden |= {"retention_households", "retained", "households_2plus"} if "book" in unavailable else set()
    hidden |= {"leads_decided"} if "leads" in unavailable else set()
    parts = [p.drop(columns=[c for c in p if c in hidden]) for p in parts]
    parts = [p for p in parts if len(p.columns)]
    table = pd.concat(parts, axis=1) if parts else pd.DataFrame()
    everyone = sorted(set(names.values()) | set(table.index))
    table = table.reindex(everyone).rename_axis("producer").reset_index()
    for c in ADDITIVE:
        if c in table:
            table[c] = table[c].fillna(0.0)
        else:
            table[c] = np.nan
    table["pay"] = [s.pay_of(p) if p != NO_PRODUCER else None for p in table["producer"]]
    table["pay"] = table["pay"].astype(float)
    rows = [_with_rates(r, unavailable) for r in table.to_dict("records")]
    table = pd.DataFrame(rows, columns=[*COLUMNS, *COUNTS])
    if len(table):
        table = _order(table, unavailable)
    total["producer"] = "Book total"
    total["pay"] = float(np.nansum(table["pay"])) if table["pay"].notna().any() else None
    total = _with_rates(total, unavailable)
    # The check is each producer's: the book's commissions include those of producers without pay.
    total["pay_check"] = None
    total["commission_to_pay"] = math.nan
    return ProducersFigures(
        as_of=data.as_of, settings=s, sales_window=sales_w, commission_window=commission_w,
        leads_window=leads_w, retention_window=window(retention_through, RETENTION_MONTHS),
        unavailable=unavailable, table=table.reset_index(drop=True), total=total, retention_note=note,
        sales_from=None if data.sales is None else ("book of business" if data.sales_derived else "sales export"),
    )
