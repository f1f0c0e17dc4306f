"""The leads model: the plan's exact LTV:CAC points, the laws of ROI and the lead score, the
vendor and segment tables on a hand-made agency, the Leads sheet (with data and without), and the
worksheet functions with good and bad arguments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.models import households as hh
from agency_xl.models import leads as m
from agency_xl.models import segments as seg

AS_OF = dt.date(2025, 10, 31)
VENDORS = {  # name: (cost, homeowner share, vendor effect on the log-odds)
    "Alpha Leads": (50.0, 0.65, 0.6),
    "Beta Quotes": (25.0, 0.35, -0.6),
    "Gamma Direct": (35.0, 0.50, 0.0),
}
TRUE_COEF = {"intercept": -3.2, "homeowner": 0.9, "vehicles": 0.35, "products_quoted": 0.45}
PRODUCTS = ("Auto", "Home", "Umbrella", "Life")


def lead_agency(seed: int = 3, n_leads: int = 900, n_book: int = 300) -> AmsData:
    """A hand-made agency: a book of households (some cancelled in the last year, so retention by
    product count can be measured), a two-year lead log from three vendors whose sales follow a
    known logistic model, and commission statements at 8% / 10% of premium."""
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp
    pol_rows: list[dict] = []

    def add_household(hid: str, n_products: int, start: pd.Timestamp, cancel_p: float) -> None:
        for k in range(n_products):
            cancelled = rng.random() < cancel_p
            pol_rows.append({
                "policy_number": f"{hid}-{k}", "household_id": hid, "product": PRODUCTS[k],
                "status": "Cancelled" if cancelled else "In Force",
                "original_effective_date": start,
                "expiration_date": pd.NaT,
                "cancel_date": ts(AS_OF) - pd.Timedelta(days=int(rng.integers(10, 300))) if cancelled else pd.NaT,
                "annual_premium": float(rng.choice([400.0, 1200.0, 1800.0, 2600.0])),
            })

    for i in range(n_book):
        n = int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))
        add_household(f"B{i}", n, ts("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 1500))),
                      {1: 0.25, 2: 0.10, 3: 0.04}[n])
    lead_rows = []
    names = list(VENDORS)
    for i in range(n_leads):
        vendor = names[int(rng.integers(0, len(names)))]
        cost, home_share, effect = VENDORS[vendor]
        date = ts(AS_OF) - pd.Timedelta(days=int(rng.integers(0, 730)))
        homeowner = bool(rng.random() < home_share)
        vehicles = int(rng.integers(0, 4))
        quoted = int(rng.integers(1, 4))
        z = (TRUE_COEF["intercept"] + TRUE_COEF["homeowner"] * homeowner + TRUE_COEF["vehicles"] * vehicles
             + TRUE_COEF["products_quoted"] * quoted + effect)
        sold = rng.random() < 1 / (1 + np.exp(-z))
        recent = (ts(AS_OF) - date).days < 45
        if recent and rng.random() < 0.7:
            status = str(rng.choice(["New", "Contacted", "Quoted"]))
        elif sold:
            status = "Sold"
        else:
            status = "Bad Lead" if rng.random() < 0.15 else "Lost"
        hid = None
        if status == "Sold":
            hid = f"L{i}"
            add_household(hid, max(1, quoted - int(rng.random() < 0.3)), date + pd.Timedelta(days=7), 0.08)
        lead_rows.append({
            "lead_id": f"LEAD-{i:04d}", "lead_date": date, "vendor": vendor, "cost": cost, "status": status,
            "sold_date": date + pd.Timedelta(days=7) if status == "Sold" else pd.NaT, "household_id": hid,
            "quoted_premium": 1500.0 * quoted, "products_quoted": float(quoted), "homeowner": homeowner,
            "vehicles": float(vehicles), "current_carrier": "GEICO", "zip": "07052",
        })
    policies = pd.DataFrame(pol_rows)
    leads = pd.DataFrame(lead_rows)
    nb = policies.assign(transaction_type="New Business", premium=policies["annual_premium"])
    commissions = pd.DataFrame({
        "statement_date": ts(AS_OF) - pd.Timedelta(days=40), "policy_number": nb["policy_number"],
        "product": nb["product"], "transaction_type": np.where(np.arange(len(nb)) % 2, "Renewal", "New Business"),
        "transaction_effective_date": ts(AS_OF) - pd.Timedelta(days=90), "premium": nb["premium"],
        "commission_rate": np.nan, "commission_amount": nb["premium"] * np.where(np.arange(len(nb)) % 2, 0.08, 0.10),
    })
    return AmsData(policies=policies, leads=leads, commissions=commissions, as_of=AS_OF)
