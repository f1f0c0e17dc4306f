"""Worksheet functions of the rate environment model."""

from __future__ import annotations

import math
from typing import Any

from agency_xl.assumptions.general import GeneralSettings
from agency_xl.assumptions.rate_environment import MARKETS, RateEnvironmentSettings
from agency_xl.functions.catalog import (
    ArgError,
    flat,
    number,
    numbers,
    text,
    worksheet_function,
)
from agency_xl.models import rate_environment as m
from agency_xl.models.ltv import lifetime_value

CATEGORY = "Agency - Rate Environment"
GENERAL = GeneralSettings()  # discount and commission rates are shared by every model
DEFAULTS = RateEnvironmentSettings()
MAX_SENSITIVITY = 200.0
MAX_SCENARIOS = 50

MARKET_HELP = ('Optional. "hard", "moderate" or "soft" (default sensitivities '
               f'{DEFAULTS.sensitivity_hard:g}, {DEFAULTS.sensitivity_moderate:g}, {DEFAULTS.sensitivity_soft:g}: '
               'in a hard market competitors raise too, so customers react least), or the sensitivity '
               'itself as a number. Default "hard".')
TOLERANCE_HELP = (f"Optional. Increases up to this cost no retention (about inflation). Default "
                  f"{DEFAULTS.rate_tolerance:g}.")


def market_sensitivity(market: Any, name: str = "market") -> float:
    """A market name (its default sensitivity) or a sensitivity given as a number; blank = "hard"."""
    try:
        return number(market, name, 0, MAX_SENSITIVITY)
    except ArgError:
        pass  # not a number: a market name, or an error that text() reports in its own words
    choice = text(market, name, default=DEFAULTS.market).lower()
    if choice in MARKETS:
        return DEFAULTS.sensitivity(choice)
    raise ArgError(f"{name} must be hard, moderate, soft or a sensitivity between 0 and "
                   f"{MAX_SENSITIVITY:g}, not {choice!r}")


def _blank(x: Any) -> bool:
    """True when an optional range argument is omitted or all its cells are empty."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in flat(x))


def _retention(x: Any, name: str = "current_retention") -> float:
    return number(x, name, 0, 1)


def _increase(x: Any, name: str = "rate_increase") -> float:
    return number(x, name, -0.5, 1)


def _tolerance(x: Any) -> float:
    return number(x, "tolerance", 0, 0.5, default=DEFAULTS.rate_tolerance)


@worksheet_function(
    CATEGORY,
    "Retention after a rate increase: logit(r) = logit(current) - sensitivity x (increase - tolerance)^2 "
    "above the tolerance. Non-linear; in a hard market customers react least.",
    {
        "current_retention": "Annual retention today as a decimal, e.g. 0.8964.",
        "rate_increase": "Planned rate increase as a decimal, e.g. 0.10 for +10% (-0.5 to 1).",
        "market": MARKET_HELP,
        "tolerance": TOLERANCE_HELP,
    },
    example='0.8964, 0.10, "hard"',
    unit="ratio",
    kinds={"market": "text"},
)
def RATE_RETENTION(current_retention: Any, rate_increase: Any, market: Any = None, tolerance: Any = None) -> float:
    r0 = _retention(current_retention)
    x = _increase(rate_increase)
    s = market_sensitivity(market)
    return m.rate_retention(r0, x, s, _tolerance(tolerance))


@worksheet_function(
    CATEGORY,
    "LOW, MODERATE, HIGH or SEVERE for the retention points a rate increase costs "
    "(current retention - retention after).",
    {
        "added_churn": "Retention points lost as a decimal, e.g. 0.0054 (negative for a gain).",
        "low_below": "Optional. Below this the severity is LOW. Default 0.005.",
        "moderate_below": "Optional. Below this (not LOW) it is MODERATE. Default 0.02.",
        "high_below": "Optional. Below this (not MODERATE) it is HIGH, else SEVERE. Default 0.05.",
    },
    example="0.0054",
    returns="text",
    unit="text",
)
def RATE_SEVERITY(added_churn: Any, low_below: Any = None, moderate_below: Any = None,
                  high_below: Any = None) -> str:
    churn = number(added_churn, "added_churn", -1, 1)
    low = number(low_below, "low_below", 0, 1, default=DEFAULTS.severity_low_below)
    moderate = number(moderate_below, "moderate_below", 0, 1, default=max(low, DEFAULTS.severity_moderate_below))
    high = number(high_below, "high_below", 0, 1, default=max(moderate, DEFAULTS.severity_high_below))
    if not low <= moderate <= high:
        raise ArgError("thresholds must rise: low_below <= moderate_below <= high_below")
    return m.rate_severity(churn, low, moderate, high)


SCENARIO_HEADER = ["Rate increase", "Retention", "Added churn", "Premium", "Commission",
                   "Change vs today", "Change vs today %"]


@worksheet_function(
    CATEGORY,
    "Spills one row per rate increase: retention, added churn, premium and commission after one "
    "renewal cycle, and the change in commission vs today.",
    {
        "current_retention": "Annual retention today as a decimal, e.g. 0.8964.",
        "annual_premium": "Annual premium of the book today, in $.",
        "commission_rate": "Commission rate as a decimal, e.g. 0.07.",
        "market": MARKET_HELP,
        "increases": "Optional. Rate increases to compare (a range or {0;0.08;0.1}). "
                     "Default 0%, 4%, 8%, 10%, 12%, 15%, 20%.",
        "tolerance": TOLERANCE_HELP,
    },
    example='0.8964, 3680000, 0.07, "hard", {0;0.08;0.1;0.12}',
    returns="table",
    unit="table",
    kinds={"market": "text", "increases": "range"},
)
def RATE_SCENARIOS(current_retention: Any, annual_premium: Any, commission_rate: Any,
                   market: Any = None, increases: Any = None, tolerance: Any = None) -> list[list[Any]]:
    r0 = _retention(current_retention)
    premium = number(annual_premium, "annual_premium", 0, 1e11)
    rate = number(commission_rate, "commission_rate", 0, 1)
    s = market_sensitivity(market)
    xs = m.DEFAULT_INCREASES if _blank(increases) else numbers(increases, "increases", -0.5, 1)
    if len(xs) > MAX_SCENARIOS:
        raise ArgError(f"increases has {len(xs)} values; at most {MAX_SCENARIOS}")
    t = m.rate_scenarios(r0, premium, rate, s, xs, _tolerance(tolerance))
    rows: list[list[Any]] = [list(SCENARIO_HEADER)]
    rows += t[m.SCENARIO_COLUMNS].astype(float).values.tolist()
    return rows


@worksheet_function(
    CATEGORY,
    "Customer lifetime value in $ = m q / (1 + d - q), q = retention x (1 + premium growth), "
    "m = premium x commission rate. Pair with RATE_RETENTION: higher rates lower retention.",
    {
        "annual_premium": "Annual premium of the customer (or policy), in $.",
        "commission_rate": "Commission rate as a decimal, e.g. 0.07.",
        "retention": "Annual retention as a decimal, e.g. 0.8964.",
        "discount_rate": "Optional. Annual discount rate as a decimal. Default 0.10.",
        "premium_growth": "Optional. Annual premium growth (rate increases) as a decimal. Default 0.",
    },
    example="3680, 0.07, 0.8964, 0.10, 0.08",
    unit="$",
)
def LTV(annual_premium: Any, commission_rate: Any, retention: Any, discount_rate: Any = None,
        premium_growth: Any = None) -> float:
    p = number(annual_premium, "annual_premium", 0, 1e9)
    c = number(commission_rate, "commission_rate", 0, 1)
    r = number(retention, "retention", 0, 1)
    d = number(discount_rate, "discount_rate", 0, 1, default=GENERAL.discount_rate)
    g = number(premium_growth, "premium_growth", -0.5, 1, default=0.0)
    value = lifetime_value(p, c, r, d, g)
    if math.isinf(value):
        raise ArgError("retention x (1 + premium_growth) must be below 1 + discount_rate, "
                       "else the value does not converge")
    return value


LTV_HEADER = ["Lifetime value", "Retention", "LTV ($)"]
LTV_ROWS = ["Without premium growth", "With premium growth", "With growth and its churn"]
NO_LIMIT = "no limit"  # r (1 + g) >= 1 + d: the sum does not converge


@worksheet_function(
    CATEGORY,
    "Spills LTV three ways: without premium growth; with it at today's retention; with it at the "
    "retention those yearly increases leave (RATE_RETENTION).",
    {
        "annual_premium": "Annual premium of the customer (or policy), in $.",
        "commission_rate": "Commission rate as a decimal, e.g. 0.07.",
        "retention": "Annual retention today as a decimal, e.g. 0.8964.",
        "premium_growth": "Annual premium growth (rate increases) as a decimal, e.g. 0.08.",
        "market": MARKET_HELP,
        "discount_rate": "Optional. Annual discount rate as a decimal. Default 0.10.",
        "tolerance": TOLERANCE_HELP,
    },
    example='3680, 0.07, 0.8964, 0.08, "hard", 0.10',
    returns="table",
    unit="table",
    kinds={"market": "text"},
)
def LTV_INFLATION(annual_premium: Any, commission_rate: Any, retention: Any, premium_growth: Any,
                  market: Any = None, discount_rate: Any = None, tolerance: Any = None) -> list[list[Any]]:
    p = number(annual_premium, "annual_premium", 0, 1e9)
    c = number(commission_rate, "commission_rate", 0, 1)
    r = number(retention, "retention", 0, 1)
    g = number(premium_growth, "premium_growth", -0.5, 1)
    s = market_sensitivity(market)
    d = number(discount_rate, "discount_rate", 0, 1, default=GENERAL.discount_rate)
    cmp = m.ltv_comparison(p, c, r, g, s, d, _tolerance(tolerance))
    values = [(r, cmp.without_inflation), (r, cmp.with_inflation),
              (cmp.retention_with_increases, cmp.with_inflation_and_churn)]
    return [list(LTV_HEADER)] + [[label, ret, NO_LIMIT if math.isinf(v) else v]
                                 for label, (ret, v) in zip(LTV_ROWS, values)]


DECOMPOSITION_HEADER = ["Part", "Growth factor", "Contribution"]


@worksheet_function(
    CATEGORY,
    "Spills revenue growth split exactly: (1+policy growth)(1+rate)(1+churn) - 1 = policy growth "
    "+ rate + policy x rate + churn effect.",
    {
        "policy_growth": "Annual growth in policies as a decimal, e.g. 0.05.",
        "rate_increase": "Rate increase as a decimal, e.g. 0.10 (-0.5 to 1).",
        "churn": "Optional. Share of the book lost to the increase, negative, e.g. -0.0054. Default 0.",
    },
    example="0.05, 0.10, -0.0054",
    returns="table",
    unit="table",
)
def REVENUE_DECOMPOSITION(policy_growth: Any, rate_increase: Any, churn: Any = None) -> list[list[Any]]:
    p = number(policy_growth, "policy_growth", -1, 10)
    x = _increase(rate_increase)
    c = number(churn, "churn", -1, 1, default=0.0)
    d = m.revenue_decomposition(p, x, c)
    # The interaction has no factor of its own: an empty text, as xlwings would write a blank.
    return [list(DECOMPOSITION_HEADER)] + [[name, "" if factor is None else factor, part]
                                           for name, factor, part in d.parts()]
