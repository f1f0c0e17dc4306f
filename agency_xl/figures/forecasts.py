"""The forecasts the workbook makes, month by month, as they would have been made on an earlier
day, and what the exports show happened: the two sides of a backtest (``figures.backtest``).

Each forecast is rerun on the exports as they stood at the end of a day (``data_as_of``: every
table cut by its own date column, the book of business rebuilt from its dates, ``models.cutoff``),
by the same model functions, with the same measured inputs and Settings fallbacks, as its sheet:

- commission received and net cash flow: the Cash Flow sheet's 12-month projection
  (``models.cash_flow.cash_flow_projection`` of the commission baseline, lag, reversals,
  chargeback delay and growth measured then);
- policies sold: the Seasonality sheet's expected new policies, average month x seasonal index
  / 100 (``models.seasonality.expected_sales``);
- renewals due: the Seasonality sheet's renewal calendar (``models.seasonality.renewals_by_month``
  of the book as it stood);
- retention: the retention the Rate Environment sheet measures (renewals kept / offered over the
  last 12 complete months of the growth & retention report), the forecast of every coming month;
- new customers from referrals: the Referrals sheet's 12-month projection (``from_referrals``).

What happened is read from the same exports, each month its export fully covers: statements
(commission received = every row but cancellations and chargebacks; net cash flow = every row
less the Settings' monthly expenses, which no export holds), sales per issue month, renewals
offered and retention per month of the growth & retention report, referrals sold per sold month.

When the workbook's figures move to ``figures/`` (issue 12), each forecast here should call its
sheet's figures on the cut data instead of repeating their inputs: the tests
(tests/test_backtest.py) check that the forecast as of the data's last month-end equals the sheet's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd

from agency_xl.ams import REPORTS, AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.models import cash_flow as cash
from agency_xl.models import cutoff
from agency_xl.models import households as hh
from agency_xl.models import rate_environment as rates
from agency_xl.models import referrals as ref
from agency_xl.models import seasonality as seas
from agency_xl.models.accuracy import monthly_sum
from agency_xl.models.periods import last_complete_month, window

MONTHS_AHEAD = 12  # every forecast here looks 12 months ahead

# The date each report's rows are known by: a row dated after a cut-off was not known on it.
DATE_OF = {"policies": "original_effective_date", "growth": "month", "claims": "reported_date",
           "commissions": "statement_date", "sales": "issue_date", "leads": "lead_date",
           "referrals": "referral_date"}


@dataclass(frozen=True)
class Forecast:
    """One forecast made at a month-end: a value for each of the months after it (indexed by
    monthly ``pd.Period``), or None and why it could not be made."""

    values: pd.Series | None
    note: str = ""


# Makes forecasts from the exports cut as of a day (``ExportsHistory.as_of``), given the history
# they were cut from for what it prepared once.
Forecaster = Callable[[AmsData, Assumptions, "ExportsHistory"], dict[str, Forecast]]


@dataclass(frozen=True)
class ForecastModel:
    """A forecast the workbook makes and how to check it.

    ``forecaster`` makes it (keyed by ``key``; the cash projection makes two forecasts at once,
    so models may share one); ``history``: the export whose months count as the forecast's
    history (``min_history`` of them before a month-end are needed to make it as the sheet does);
    ``actual_from``: the export that shows what happened; ``reads``: every export the forecast
    reads (cut as of each month-end).
    """

    key: str  # metrics key
    name: str  # the owner's words, for a table
    subject: str  # the sentence's subject: "The cash projection's commission received"
    unit: str  # "$", "policies", "renewals", "ratio", "customers"
    reads: tuple[str, ...]
    history: str
    min_history: int
    actual_from: str
    forecaster: Forecaster
    actual: Callable[[AmsData, Assumptions, pd.PeriodIndex], pd.Series]


# --- the exports as of a day --------------------------------------------------------------------

def coverage(data: AmsData, report: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day ``report``'s exports cover (``AmsData.coverage``; without it, from
    its earliest date to the data date). None without the report or a date in it."""
    table = data.table(report)
    if table is None:
        return None
    if report in data.coverage:
        return data.coverage[report]
    first = pd.to_datetime(table[DATE_OF[report]]).min()
    return None if pd.isna(first) else (first.date(), data.as_of)


def covered_months(data: AmsData, report: str) -> pd.PeriodIndex:
    """The calendar months ``report``'s exports cover: from its first day's month (exports start
    where their first row is) to the last complete month of its last day."""
    span = coverage(data, report)
    if span is None:
        return pd.PeriodIndex([], freq="M")
    first, last = pd.Period(span[0], "M"), last_complete_month(span[1])
    return pd.period_range(first, last, freq="M") if first <= last else pd.PeriodIndex([], freq="M")


class ExportsHistory:
    """The exports already read, ready to be seen as they stood at the end of any earlier day
    (``as_of``). What does not depend on the day is done once, when first needed: each log's
    dates (``cutoff.LogHistory``), the book of business's ends and terms (``cutoff.BookHistory``),
    the commission statements parsed (``cash_flow.Statements``)."""

    def __init__(self, data: AmsData, default_term_months: int = 12) -> None:
        self.data = data
        self.default_term_months = default_term_months
        self._logs: dict[str, cutoff.LogHistory] = {}

    @cached_property
    def book(self) -> cutoff.BookHistory | None:
        policies = self.data.policies
        return cutoff.BookHistory(policies, self.default_term_months) if policies is not None else None

    @cached_property
    def statements(self) -> cash.Statements | None:
        """The commission statements parsed once (``through(day)`` for the rows known on a day)."""
        c = self.data.commissions
        return cash.Statements.of(c) if c is not None else None

    def log(self, key: str) -> cutoff.LogHistory:
        """Report ``key`` (any but the book) with the date each row was known by: ``DATE_OF``;
        a claim by its reported date, else its loss date."""
        if key not in self._logs:
            table = self.data.table(key)
            dates = (pd.to_datetime(table["reported_date"]).fillna(pd.to_datetime(table["loss_date"]))
                     if key == "claims" else table[DATE_OF[key]])
            self._logs[key] = cutoff.LogHistory(table, dates)
        return self._logs[key]

    def as_of(self, day: dt.date, reports: tuple[str, ...] = tuple(REPORTS)) -> tuple[AmsData, dict[str, str]]:
        """The exports as they stood at the end of ``day`` (a month-end), for ``reports``: each
        table cut by its date (``DATE_OF``; claims by reported date, else loss date), the book of
        business rebuilt (``cutoff.book_as_of``), referral and lead logs with the sales made after
        ``day`` still open (``cutoff.log_as_of``). Coverage ends at ``day``; so does the data date.

        Returns the cut data and, per report left out, why: not begun by ``day``, or a book that
        cannot be rebuilt (a lapsed policy without its end date). Reports not asked for are None.
        """
        data = self.data
        out = AmsData(as_of=day, health=data.health, sales_derived=data.sales_derived)
        notes: dict[str, str] = {}
        for key in reports:
            table, span = data.table(key), coverage(data, key)
            if table is None or span is None:
                continue
            if span[0] > day:
                notes[key] = f"the {REPORTS[key].title} export begins after {day:%b %Y}"
                continue
            if key == "policies":
                why = self.book.note(day)
                if why:
                    notes[key] = f"the book of business cannot be rebuilt as of {day:%b %Y}: {why}"
                    continue
                cut = self.book.as_of(day)
            elif key in ("referrals", "leads"):
                cleared = ("household_id", "incentive_paid") if key == "referrals" else ("household_id",)
                cut = cutoff.open_then(self.log(key).through(day), day, cleared)
            else:
                cut = self.log(key).through(day)
            setattr(out, key, cut)
            out.coverage[key] = (span[0], min(span[1], day))
        return out, notes


def data_as_of(data: AmsData, day: dt.date, reports: tuple[str, ...] = tuple(REPORTS),
               default_term_months: int = 12) -> tuple[AmsData, dict[str, str]]:
    """The exports as they stood at the end of ``day``: ``ExportsHistory(data).as_of(day)``."""
    return ExportsHistory(data, default_term_months).as_of(day, reports)


def months_after(day: dt.date, months: int = MONTHS_AHEAD) -> pd.PeriodIndex:
    """The ``months`` calendar months after the last complete month of ``day``."""
    return pd.period_range(last_complete_month(day) + 1, periods=months, freq="M")


def _missing(data: AmsData, *reports: str) -> str:
    titles = data.missing(*reports)
    return f"needs the {' and the '.join(titles)} export" if titles else ""


def _finite(value: float, fallback: float) -> float:
    """The measured value, else its Settings fallback (as the Cash Flow sheet picks its inputs)."""
    return float(value) if value is not None and math.isfinite(value) else float(fallback)


# --- the cash projection --------------------------------------------------------------------------

def cash_projection(data: AmsData, settings: Assumptions,
                    statements: cash.Statements | None = None) -> pd.DataFrame | str:
    """The Cash Flow sheet's 12-month projection from ``data`` (its commission baseline, lag,
    reversal share and chargeback delay measured on the statements through their window's end,
    growth from the Setting or the growth & retention report, each falling back to its Setting),
    indexed by month; or why it cannot be made. ``statements``: ``data.commissions`` parsed
    already (``cash_flow.Statements``), else they are parsed here."""
    c = data.commissions
    if c is None:
        return _missing(data, "commissions")
    s = settings.cash_flow
    through = data.window_end("commissions")
    st = statements if statements is not None else cash.Statements.of(c)
    base = st.baseline(through)
    lag = st.lag().lag_days
    delay = st.chargebacks(window(through).last.date()).delay_days
    growth = s.monthly_growth_rate
    if growth is None:
        annual = (rates.measured_policy_growth(data.growth, 12, data.window_end("growth"))[0]
                  if data.growth is not None else math.nan)
        growth = _finite(cash.monthly_growth(annual), 0.0)
    proj = cash.cash_flow_projection(
        _finite(base.monthly_commission, s.fallback_monthly_commission), s.monthly_expenses, growth,
        _finite(lag, s.fallback_lag_days), _finite(base.reversal_share, s.fallback_reversal_share),
        s.cash_on_hand, 1.0, _finite(delay, s.fallback_chargeback_delay_days), months=MONTHS_AHEAD)
    return proj.set_index(months_after(data.as_of))


def cash_forecasts(data: AmsData, settings: Assumptions, history: ExportsHistory) -> dict[str, Forecast]:
    """Commission received and net cash flow of each coming month, from one projection."""
    statements = (history.statements.through(data.as_of)
                  if data.commissions is not None and history.statements is not None else None)
    proj = cash_projection(data, settings, statements)
    if isinstance(proj, str):
        return {key: Forecast(None, proj) for key in ("commission_received", "net_cash_flow")}
    return {key: Forecast(proj[key].astype(float)) for key in ("commission_received", "net_cash_flow")}


def _statements(data: AmsData, months: pd.PeriodIndex, reversals: bool) -> pd.Series:
    c = data.commissions
    rows = c if reversals else c[~c["transaction_type"].isin(cash.REVERSAL_TYPES)]
    return monthly_sum(rows["statement_date"], rows["commission_amount"]).reindex(months, fill_value=0.0)


def commission_received(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Commission on the statements of each month, every row but cancellations and chargebacks:
    what the projection's "commission received" forecasts ($)."""
    return _statements(data, months, reversals=False)


def net_cash_flow(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Every statement row of each month (reversals negative) less the monthly expenses on
    Settings: what the projection's "net cash flow" forecasts ($). The expenses are the owner's
    figure, not an export, so the error is the commission's, measured against the net."""
    return _statements(data, months, reversals=True) - settings.cash_flow.monthly_expenses


# --- seasonality -------------------------------------------------------------------------------

def policies_sold_forecast(data: AmsData, settings: Assumptions) -> Forecast:
    """Expected new policies of each coming month: the average month of the last 12 x the month's
    seasonal index of policies sold / 100 (the Seasonality sheet's staffing plan)."""
    if data.sales is None:
        return Forecast(None, _missing(data, "sales"))
    index = seas.sales_index(data.sales, data.window_end("sales"), "policies",
                             settings.seasonality.history_years)
    if not np.isfinite(index.index).all():
        return Forecast(None, index.note)
    months = months_after(data.as_of)
    expected = seas.expected_sales(index.index, seas.average_monthly_sales(index.history))
    return Forecast(pd.Series(np.asarray(expected)[months.month - 1], index=months, dtype=float))


def policies_sold(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Policies sold in each month (sales export, else the book's original effective dates)."""
    return monthly_sum(data.sales["issue_date"]).reindex(months, fill_value=0.0)


def renewals_due_forecast(data: AmsData, settings: Assumptions) -> Forecast:
    """Renewals of each coming month from the book as it stood (the renewal calendar)."""
    if data.policies is None:
        return Forecast(None, _missing(data, "policies"))
    s = settings.seasonality
    r = seas.renewals_per_month(data.policies, data.as_of, MONTHS_AHEAD, s.default_term_months,
                                s.excluded_products())
    return Forecast(pd.Series(r.to_numpy(float), index=months_after(data.as_of)))


def renewals_due(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Renewals offered in each month by the growth & retention report, without the products
    that have no renewal to service (Settings: seasonality.renewal_excluded_products)."""
    g = data.growth
    g = g[~g["product"].isin(settings.seasonality.excluded_products())]
    offered = pd.to_numeric(g["renewals_offered"], errors="coerce")
    return monthly_sum(g["month"], offered).reindex(months, fill_value=0.0)


# --- retention ----------------------------------------------------------------------------------

def retention_forecast(data: AmsData, settings: Assumptions) -> Forecast:
    """Renewals kept / offered over the last 12 complete months (``measured_retention``): the
    retention the rate model starts from, the forecast of every coming month (a ratio)."""
    if data.growth is None:
        return Forecast(None, _missing(data, "growth"))
    r = rates.measured_retention(data.growth, 12, data.window_end("growth")).retention
    if not math.isfinite(r):
        return Forecast(None, "no renewal offered in the 12 months before")
    months = months_after(data.as_of)
    return Forecast(pd.Series(r, index=months, dtype=float))


def retention(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Renewals retained / offered in each month (NaN in a month with none offered)."""
    g = data.growth
    kept = monthly_sum(g["month"], pd.to_numeric(g["renewals_retained"], errors="coerce"))
    offered = monthly_sum(g["month"], pd.to_numeric(g["renewals_offered"], errors="coerce"))
    offered = offered.reindex(months)
    return kept.reindex(months, fill_value=0.0) / offered.where(offered > 0)


# --- referrals ----------------------------------------------------------------------------------

def referral_customers_forecast(data: AmsData, settings: Assumptions) -> Forecast:
    """New customers from referrals in each coming month: the Referrals sheet's projection,
    N(t-1) x K / 12, from the households in force, the viral coefficient K of the last 12 months,
    household retention measured on the book (else the Settings retention) and the other new
    households of the last 12 months."""
    missing = _missing(data, "referrals", "policies")
    if missing:
        return Forecast(None, missing)
    homes = hh.households_in_force(data.policies)
    prog = ref.program_metrics(data.referrals, len(homes), data.window_end("referrals"))
    if not math.isfinite(prog.k):
        return Forecast(None, "no referral in the 12 months before" if not prog.referrals
                        else "no household to measure the referral rate on")
    table = hh.retention_by_product_count(data.policies, data.window_end("policies"), 12)
    annual = float(table.loc[table["products"] == "All", "retention"].iloc[0])
    # A book that can be rebuilt has every end date, so retention is measurable; NaN only for an
    # empty cohort, where the sheet too takes the Settings retention.
    annual = _finite(annual, settings.rate_environment.fallback_retention)
    new_households = int(window(data.window_end("policies")).contains(homes).sum())
    proj = ref.referral_projection(len(homes), prog.k, MONTHS_AHEAD, ref.monthly_retention(annual),
                                   max(new_households - prog.sold, 0) / 12.0)
    return Forecast(pd.Series(proj["from_referrals"].to_numpy(float), index=months_after(data.as_of)))


def referral_customers(data: AmsData, settings: Assumptions, months: pd.PeriodIndex) -> pd.Series:
    """Referrals sold in each month (by sold date; the referral date when the log gives none)."""
    r = data.referrals
    sold = r[r["status"] == "Sold"]
    when = pd.to_datetime(sold["sold_date"]).fillna(pd.to_datetime(sold["referral_date"]))
    return monthly_sum(when).reindex(months, fill_value=0.0)


def _one(key: str, forecast: Callable[[AmsData, Assumptions], Forecast]) -> Forecaster:
    def forecaster(data: AmsData, settings: Assumptions, history: ExportsHistory) -> dict[str, Forecast]:
        return {key: forecast(data, settings)}
    return forecaster


MODELS: tuple[ForecastModel, ...] = (
    ForecastModel("commission_received", "Commission received", "The cash projection's commission received",
                  "$", ("commissions", "growth"), "commissions", 12, "commissions",
                  cash_forecasts, commission_received),
    ForecastModel("net_cash_flow", "Net cash flow", "The cash projection's net cash flow",
                  "$", ("commissions", "growth"), "commissions", 12, "commissions",
                  cash_forecasts, net_cash_flow),
    ForecastModel("policies_sold", "Policies sold", "The seasonal sales forecast", "policies",
                  ("sales",), "sales", 12, "sales", _one("policies_sold", policies_sold_forecast),
                  policies_sold),
    ForecastModel("renewals_due", "Renewals due", "The renewal calendar", "renewals",
                  ("policies",), "growth", 0, "growth", _one("renewals_due", renewals_due_forecast),
                  renewals_due),
    ForecastModel("retention", "Retention", "The retention forecast", "ratio",
                  ("growth",), "growth", 12, "growth", _one("retention", retention_forecast), retention),
    ForecastModel("referral_customers", "New customers from referrals", "The referral forecast",
                  "customers", ("referrals", "policies"), "referrals", 12, "referrals",
                  _one("referral_customers", referral_customers_forecast), referral_customers),
)


def model(key: str) -> ForecastModel:
    """The forecast model named ``key`` (KeyError naming the known ones otherwise)."""
    for m in MODELS:
        if m.key == key:
            return m
    raise KeyError(f"no forecast {key!r}; known: {', '.join(m.key for m in MODELS)}")

