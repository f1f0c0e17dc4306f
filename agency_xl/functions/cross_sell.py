"""Worksheet functions of the cross-sell model: the next product to offer, the retention lift of
another product, the LTV a cross-sell adds, and the opportunity of a cross-sell campaign."""

from __future__ import annotations

from typing import Any

from agency_xl.vocabulary import PRODUCTS
from agency_xl.assumptions.cross_sell import CrossSellSettings
from agency_xl.functions.catalog import (
    ArgError,
    integer,
    number,
    text,
    texts,
    worksheet_function,
)
from agency_xl.models import cross_sell as m

CATEGORY = "Agency - Cross-Sell"
DEFAULT_SEQUENCE = CrossSellSettings().product_sequence
RETENTION_HELP = ("Optional. Annual retention of households with {n}. Default {d:g}: the plan's example, not "
                  "your agency's (the Cross-Sell sheet shows yours, measured on your book).")


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


def _retention(retention_1: Any, retention_2: Any, retention_3: Any) -> dict[str, float]:
    d = m.PLAN_RETENTION
    return {
        "1": number(retention_1, "retention_1", 0, 1, default=d["1"]),
        "2": number(retention_2, "retention_2", 0, 1, default=d["2"]),
        "3+": number(retention_3, "retention_3", 0, 1, default=d["3+"]),
    }


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
    "Retention lift (as a decimal) of moving a household from one product count to another = "
    "retention(to) - retention(from). 3 or more products share one retention. Default retention: the "
    "plan's example (72/91/97%), not yours; 1 to 2 with it: 0.19.",
    {
        "products_from": "Products the household has now, e.g. 1.",
        "products_to": "Products after the cross-sell, e.g. 2.",
        "retention_1": RETENTION_HELP.format(n="1 product", d=0.72),
        "retention_2": RETENTION_HELP.format(n="2 products", d=0.91),
        "retention_3": RETENTION_HELP.format(n="3 or more products", d=0.97),
    },
    example="1, 2",
    unit="ratio",
)
def RETENTION_LIFT(products_from: Any, products_to: Any, retention_1: Any = None, retention_2: Any = None,
                   retention_3: Any = None) -> float:
    n_from = integer(products_from, "products_from", 1, 100)
    n_to = integer(products_to, "products_to", 1, 100)
    return m.retention_lift(n_from, n_to, _retention(retention_1, retention_2, retention_3))


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
    "LTV in $ a household gains by adding a product: LTV(premium + added premium, retention of "
    "one more product) - LTV(premium, retention now), LTV = commission x r / (1 + d - r). Default "
    "retention: the plan's example.",
    {
        "premium": "The household's annual premium now, in $.",
        "added_premium": "Annual premium of the product added, in $.",
        "products": "Products the household has now, e.g. 1.",
        "commission_rate": "Optional. Commission rate as a decimal. Default 0.07: a placeholder, not "
                           "yours (the Segments sheet shows your measured rate).",
        "discount_rate": "Optional. Annual discount rate as a decimal. Default 0.10.",
        "retention_1": RETENTION_HELP.format(n="1 product", d=0.72),
        "retention_2": RETENTION_HELP.format(n="2 products", d=0.91),
        "retention_3": RETENTION_HELP.format(n="3 or more products", d=0.97),
    },
    example="2000, 1500, 1, 0.07, 0.10",
    unit="$",
)
def CROSS_SELL_LTV_GAIN(premium: Any, added_premium: Any, products: Any, commission_rate: Any = None,
                        discount_rate: Any = None, retention_1: Any = None, retention_2: Any = None,
                        retention_3: Any = None) -> float:
    p = number(premium, "premium", 0, 1e9)
    added = number(added_premium, "added_premium", 0, 1e9)
    n = integer(products, "products", 1, 100)
    c = number(commission_rate, "commission_rate", 0, 1, default=0.07)
    d = number(discount_rate, "discount_rate", 0, 1, default=0.10)
    r = _retention(retention_1, retention_2, retention_3)
    if max(r.values()) >= 1 + d:
        raise ArgError("retention must stay below 1 + discount_rate for a finite lifetime value")
    return m.ltv_increase(p, added, n, c, r, d)

