"""A tiny hand-made agency (a few policies and claims) for tests that must not depend on the
reader or the sample generator."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from agency_xl.ams import AmsData, DataHealth, FileHealth

AS_OF = dt.date(2025, 10, 31)


def tiny_agency() -> AmsData:
    ts = pd.Timestamp
    policies = pd.DataFrame({
        "policy_number": ["0001", "0002", "0003", "0004", "0005", "0006"],
        "household_id": ["H1", "H1", "H2", "H3", "H3", "H3"],
        "insured_name": ["=Smith", "Smith", "+Jones", "@Lee", "Lee", "Lee"],
        "product": ["Auto", "Home", "Auto", "Auto", "Home", "Umbrella"],
        "status": ["In Force", "In Force", "Cancelled", "In Force", "In Force", "In Force"],
        "original_effective_date": [ts("2022-01-15"), ts("2023-03-01"), ts("2023-06-01"),
                                    ts("2021-05-01"), ts("2021-05-01"), ts("2024-02-01")],
        "effective_date": pd.NaT, "expiration_date": pd.NaT,
        "cancel_date": [pd.NaT, pd.NaT, ts("2025-04-01"), pd.NaT, pd.NaT, pd.NaT],
        "annual_premium": [2400.0, 1800.0, 2000.0, 3000.0, 2200.0, 400.0],
        "producer": "Ann", "lead_source": "Referral", "zip": "60601",
    })
    claims = pd.DataFrame({
        "claim_number": ["C1", "C2", "C3", "C4"],
        "policy_number": ["0001", "0002", "0004", "0005"],
        "product": ["Auto", "Home", "Auto", "Home"],
        "loss_date": [ts("2025-02-10"), ts("2025-07-04"), ts("2024-11-20"), ts("2024-03-01")],
        "reported_date": pd.NaT, "claim_status": ["Closed", "Open", "Closed", "Closed"],
        "paid_loss": [1500.0, 800.0, 900.0, 5000.0], "reserve": [0.0, 1200.0, 0.0, 0.0],
        "incurred_loss": [1500.0, 2000.0, 900.0, 5000.0], "lae": 0.0, "cause_of_loss": "Collision",
    })
    health = DataHealth(folder="tiny", files=[
        FileHealth("book.xlsx", "policies", "Sheet1", 5, AS_OF, "title row", rows_read=6),
        FileHealth("claims.xlsx", "claims", "Sheet1", 4, AS_OF, "title row", rows_read=4),
        FileHealth("notes.txt", skipped="not a spreadsheet (.txt)"),
    ])
    return AmsData(policies=policies, claims=claims, as_of=AS_OF, health=health)
