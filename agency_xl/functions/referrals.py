"""Worksheet functions of the referral growth model."""

from __future__ import annotations

from typing import Any

from agency_xl.functions.catalog import integer, number, worksheet_function
from agency_xl.models import referrals as m

CATEGORY = "Agency - Referrals"


@worksheet_function(
    CATEGORY,
    "Viral coefficient K = referral rate x referrals per referrer x conversion: new customers each "
    "customer brings in. Below 1, referrals add to growth but do not sustain it alone.",
    {
        "referral_rate": "Share of customers who refer, as a decimal, e.g. 0.08.",
        "referrals_per_referrer": "Referrals each referring customer makes, e.g. 1.4.",
        "conversion_rate": "Share of referrals that become customers, e.g. 0.35.",
    },
    example="0.08, 1.4, 0.35",
    unit="customers per customer",
)
def VIRAL_COEFFICIENT(referral_rate: Any, referrals_per_referrer: Any, conversion_rate: Any) -> float:
    rate = number(referral_rate, "referral_rate", 0, 1)
    per = number(referrals_per_referrer, "referrals_per_referrer", 0, 100)
    conv = number(conversion_rate, "conversion_rate", 0, 1)
    return m.viral_coefficient(rate, per, conv)


@worksheet_function(
    CATEGORY,
    "Customers reached by referral chains: customers / (1 - K) when K < 1.",
    {
        "customers": "Customers today, e.g. 1000.",
        "k": "Viral coefficient K (from VIRAL_COEFFICIENT), below 1.",
    },
    example="1000, 0.0392",
    unit="customers",
)
def REFERRAL_REACH(customers: Any, k: Any) -> float:
    n = number(customers, "customers", 0, 1e9)
    kk = number(k, "k", 0, 0.999999)
    return m.total_reach(n, kk)


@worksheet_function(
    CATEGORY,
    "Spills month, customers, new from referrals, lost, other new: N = N x monthly retention + "
    "N x K/12 + other new, month by month.",
    {
        "customers": "Customers at the start, e.g. 1000.",
        "k": "Yearly viral coefficient K, e.g. 0.0392.",
        "months": "Months to project, 1 to 120.",
        "monthly_retention": "Optional. Share of customers kept each month, e.g. 0.991. Default 1.",
        "other_new_per_month": "Optional. New customers a month from other sources. Default 0.",
    },
    example="1000, 0.0392, 12, 0.9909",
    returns="table",
    unit="table",
)
def REFERRAL_PROJECTION(customers: Any, k: Any, months: Any, monthly_retention: Any = None,
                        other_new_per_month: Any = None) -> list[list[Any]]:
    n = number(customers, "customers", 0, 1e9)
    kk = number(k, "k", 0, 10)
    mm = integer(months, "months", 1, 120)
    keep = number(monthly_retention, "monthly_retention", 0, 1, default=1.0)
    other = number(other_new_per_month, "other_new_per_month", 0, 1e7, default=0.0)
    t = m.referral_projection(n, kk, mm, keep, other)
    header = ["Month", "Customers", "New from referrals", "Lost", "Other new"]
    return [header] + [[int(r[0]), *map(float, r[1:])] for r in t.itertuples(index=False, name=None)]
