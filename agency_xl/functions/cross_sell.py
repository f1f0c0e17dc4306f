"""Worksheet functions of the cross-sell model: the next product to offer, the retention lift of
another product, the LTV a cross-sell adds, and the opportunity of a cross-sell campaign.

RETENTION_LIFT and CROSS_SELL_LTV_GAIN take, for the retention (and commission rate) left blank,
the owner's own: measured on the exports in the folder named on the calling workbook's Settings,
the figures the Cross-Sell and Segments sheets show. Where those exports do not measure them (no
folder, no book, a count with no households, a book without end dates), the plan's example."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from agency_xl.vocabulary import PRODUCTS
from agency_xl.assumptions.cross_sell import CrossSellSettings
from agency_xl.functions.ams import group, workbook_metrics
from agency_xl.functions.catalog import (
    ArgError,
    cell,
    integer,
    number,
    text,
    texts,
    worksheet_function,
)
from agency_xl.models import cross_sell as m

CATEGORY = "Agency - Cross-Sell"
DEFAULT_SEQUENCE = CrossSellSettings().product_sequence
PLAN_COMMISSION = 0.07  # a placeholder rate, for an agency whose commission statements are not read
RETENTION_HELP = ("Optional. Annual retention of households with {n}. Default: your agency's, measured on "
                  "the book in the exports folder on Settings; where it cannot be measured, the plan's "
                  "example {d:.0%}.")
CALLER_HELP = "Filled in by Excel: the calling cell (not typed)."
COUNT_WORDS = {"1": "1 product", "2": "2 products", "3+": "3+ products"}


@dataclass(frozen=True)
class OwnerValues:
    """The values blank arguments take: the owner's, measured on his exports, where they provide
    them; else the plan's. ``why_not``: why none was measured ("" when one was)."""

    values: dict[str, float]
    measured: dict[str, bool]
    why_not: str = ""


def _share(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and 0 <= x <= 1


def owner_retention(caller: Any) -> OwnerValues:
    """Retention by product count ("1", "2", "3+") for retention arguments left blank: the
    household retention measured on the book in the calling workbook's exports folder (the
    Cross-Sell figures' ``retention_by_product_count`` where ``retention_source`` says "measured",
    not a Settings or growth-report fallback), each count not measured taking the plan's example
    (``PLAN_RETENTION``: 72/91/97%)."""
    metrics, why = workbook_metrics(caller)
    got = metrics or {}
    rates = group(got, "cross_sell.retention_by_product_count")
    sources = group(got, "cross_sell.retention_source")
    values, measured = {}, {}
    for label, plan in m.PLAN_RETENTION.items():
        ok = sources.get(label) == "measured" and _share(rates.get(label))
        values[label], measured[label] = (float(rates[label]) if ok else plan), ok
    if metrics is not None and not any(measured.values()):
        note = got.get("cross_sell.retention_lift_1_to_2")
        why = ("no book of business in the exports folder" if not rates else
               f"your book: {note}" if isinstance(note, str) else "too few households on your book")
    return OwnerValues(values, measured, why)


def owner_commission_rate(caller: Any) -> OwnerValues:
    """The commission rate for a commission_rate left blank: measured on the commission statements
    in the calling workbook's exports folder (the rate every LTV of the sheets uses), else
    ``PLAN_COMMISSION``. Keyed "rate"."""
    metrics, why = workbook_metrics(caller)
    got = metrics or {}
    rate = got.get("segments.commission_rate")
    ok = got.get("segments.commission_rate_measured") is True and _share(rate) and rate > 0
    if metrics is not None and not ok:
        why = "no commission statement with premiums in the exports folder"
    return OwnerValues({"rate": float(rate) if ok else PLAN_COMMISSION}, {"rate": ok}, "" if ok else why)


def retention_defaults_used(caller: Any) -> str:
    """Which retention blank retention arguments take, for this caller, and where it came from."""
    r = owner_retention(caller)
    if not any(r.measured.values()):
        return f"Blank retention: the plan's example 72/91/97%, not yours ({r.why_not})."
    mine = [f"{COUNT_WORDS[k]} {v:.1%}" for k, v in r.values.items() if r.measured[k]]
    plan = [f"{COUNT_WORDS[k]} {v:.0%}" for k, v in r.values.items() if not r.measured[k]]
    out = f"Blank retention: yours, measured on your book: {', '.join(mine)}"
    if plan:
        out += f"; the plan's example where your book has no such households: {', '.join(plan)}"
    return out + "."


def ltv_gain_defaults_used(caller: Any) -> str:
    """Which retention and commission rate blank arguments of CROSS_SELL_LTV_GAIN take."""
    c = owner_commission_rate(caller)
    rate = c.values["rate"]
    commission = (f"Blank commission_rate: yours, measured on the commission statements: {rate:.2%}."
                  if c.measured["rate"] else
                  f"Blank commission_rate: {rate:.0%}, a placeholder, not yours ({c.why_not}).")
    return f"{retention_defaults_used(caller)} {commission}"


def _held(current_products: Any) -> list[str]:
    """Canonical products from a text such as "Auto+Home" or a range of names (blanks skipped)."""
    held: list[str] = []
    cells = texts(current_products, "current_products")
    for i, cell in enumerate(cells, start=1):
        if cell is None:
            continue
        for name in m.split_products(cell):
            p = m.canonical_product(name)
            if p is None:
                where = f"current_products item {i}" if len(cells) > 1 else "current_products"
                raise ArgError(f"{where}: {name!r} is not a known product ({', '.join(PRODUCTS)})")
            held.append(p)
    return held


def _sequence(sequence: Any) -> tuple[tuple[str, ...], ...]:
    s = text(sequence, "sequence", default=DEFAULT_SEQUENCE)
    try:
        return m.parse_sequence(s)
    except ValueError as exc:
        raise ArgError(str(exc)) from None


def _retention(retention_1: Any, retention_2: Any, retention_3: Any, caller: Any) -> dict[str, float]:
    """The retention by product count: each argument given, else the owner's (``owner_retention``),
    looked up only when one is blank."""
    given = {"1": (retention_1, "retention_1"), "2": (retention_2, "retention_2"), "3+": (retention_3, "retention_3")}
    blank = any(cell(x, name) is None for x, name in given.values())
    d = owner_retention(caller).values if blank else m.PLAN_RETENTION
    return {label: number(x, name, 0, 1, default=d[label]) for label, (x, name) in given.items()}


@worksheet_function(
    CATEGORY,
    "The next product to offer a household: the first step of the product sequence it does not "
    'hold (default Auto, Home/Condo/Renters, Umbrella, Life). "None left" when it holds them all.',
    {
        "current_products": 'The products the household has: a text like "Auto" or "Auto+Home", or '
                            "a range of product names. Blank = a new prospect.",
        "sequence": 'Optional. The order to offer products, e.g. "Auto, Home/Condo/Renters, Umbrella, '
                    'Life" (a/b = either fills the step). Default: that one.',
    },
    example='"Auto+Home"',
    returns="text",
    unit="text",
    kinds={"current_products": "range", "sequence": "text"},
)
def NEXT_PRODUCT(current_products: Any, sequence: Any = None) -> str:
    held = _held(current_products)
    nxt = m.next_product(held, _sequence(sequence))
    return nxt if nxt is not None else "None left"


@worksheet_function(
    CATEGORY,
    "Retention lift of adding products = retention(to) - retention(from), a decimal; 3+ products share "
    "one. Default retention: your agency's, measured when the exports folder on Settings has it, else "
    "the plan's example 72/91/97% (1 to 2: 0.19).",
    {
        "products_from": "Products the household has now, e.g. 1.",
        "products_to": "Products after the cross-sell, e.g. 2.",
        "retention_1": RETENTION_HELP.format(n="1 product", d=0.72),
        "retention_2": RETENTION_HELP.format(n="2 products", d=0.91),
        "retention_3": RETENTION_HELP.format(n="3 or more products", d=0.97),
        "caller": CALLER_HELP,
    },
    example="1, 2",
    unit="ratio",
    kinds={"caller": "caller"},
    volatile=True,  # blank retention reads the exports folder, which changes without an argument changing
    measured_defaults=retention_defaults_used,
)
def RETENTION_LIFT(products_from: Any, products_to: Any, retention_1: Any = None, retention_2: Any = None,
                   retention_3: Any = None, caller: Any = None) -> float:
    n_from = integer(products_from, "products_from", 1, 100)
    n_to = integer(products_to, "products_to", 1, 100)
    return m.retention_lift(n_from, n_to, _retention(retention_1, retention_2, retention_3, caller))


@worksheet_function(
    CATEGORY,
    "Expected converts of a cross-sell campaign = customers x conversion rate, rounded half up "
    "(280 x 22% = 61.6 gives 62).",
    {
        "customers": "Households offered the product, e.g. 280 auto-only households.",
        "conversion_rate": "Share expected to buy it, as a decimal, e.g. 0.22.",
    },
    example="280, 0.22",
    unit="households",
)
def CROSS_SELL_CONVERTS(customers: Any, conversion_rate: Any) -> float:
    n = number(customers, "customers", 0, 1e8)
    rate = number(conversion_rate, "conversion_rate", 0, 1)
    return m.expected_converts(n, rate)


@worksheet_function(
    CATEGORY,
    "Total value in $ of a cross-sell campaign = expected converts (customers x conversion rate, "
    "rounded half up) x LTV increase per convert. 280, 22%, $4,500 gives $279,000.",
    {
        "customers": "Households offered the product, e.g. 280.",
        "conversion_rate": "Share expected to buy it, as a decimal, e.g. 0.22.",
        "ltv_increase": "Lifetime value gained per converted household in $, e.g. 4500.",
    },
    example="280, 0.22, 4500",
    unit="$",
)
def CROSS_SELL_VALUE(customers: Any, conversion_rate: Any, ltv_increase: Any) -> float:
    n = number(customers, "customers", 0, 1e8)
    rate = number(conversion_rate, "conversion_rate", 0, 1)
    gain = number(ltv_increase, "ltv_increase", -1e9, 1e9)
    return m.cross_sell_value(n, rate, gain)


@worksheet_function(
    CATEGORY,
    "LTV in $ a household gains by adding a product = LTV(premium + added, r of one more product) - "
    "LTV(premium, r now); LTV = commission x r / (1 + d - r). Default r and commission rate: yours, "
    "measured (exports folder on Settings), else the plan's example.",
    {
        "premium": "The household's annual premium now, in $.",
        "added_premium": "Annual premium of the product added, in $.",
        "products": "Products the household has now, e.g. 1.",
        "commission_rate": "Optional. Commission rate as a decimal. Default: your agency's, measured on the "
                           "commission statements in the exports folder on Settings; without them 0.07, a "
                           "placeholder.",
        "discount_rate": "Optional. Annual discount rate as a decimal. Default 0.10.",
        "retention_1": RETENTION_HELP.format(n="1 product", d=0.72),
        "retention_2": RETENTION_HELP.format(n="2 products", d=0.91),
        "retention_3": RETENTION_HELP.format(n="3 or more products", d=0.97),
        "caller": CALLER_HELP,
    },
    example="2000, 1500, 1, 0.07, 0.10",
    unit="$",
    kinds={"caller": "caller"},
    volatile=True,  # blank retention or commission reads the exports folder
    measured_defaults=ltv_gain_defaults_used,
)
def CROSS_SELL_LTV_GAIN(premium: Any, added_premium: Any, products: Any, commission_rate: Any = None,
                        discount_rate: Any = None, retention_1: Any = None, retention_2: Any = None,
                        retention_3: Any = None, caller: Any = None) -> float:
    p = number(premium, "premium", 0, 1e9)
    added = number(added_premium, "added_premium", 0, 1e9)
    n = integer(products, "products", 1, 100)
    blank = cell(commission_rate, "commission_rate") is None
    c = owner_commission_rate(caller).values["rate"] if blank else number(commission_rate, "commission_rate", 0, 1)
    d = number(discount_rate, "discount_rate", 0, 1, default=0.10)
    r = _retention(retention_1, retention_2, retention_3, caller)
    if max(r.values()) >= 1 + d:
        raise ArgError("retention must stay below 1 + discount_rate for a finite lifetime value")
    return m.ltv_increase(p, added, n, c, r, d)

