"""Writing the sample exports, part 6: what a CRM and a spreadsheet export. The lead log (header
in row 1, timestamps) and the referral log saved as CSV (UTF-8 with a BOM)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.agency import SampleAgency
from agency_xl.sample_data.writers.cells import _money_text, _numbers, _pick, _serials
from agency_xl.sample_data.writers.sheets import Formats, Sheet, _workbook


def write_leads(a: SampleAgency, path: Path, rng: np.random.Generator) -> None:
    """A CRM's lead export: the header in row 1, no title rows, timestamps on Created."""
    L = a.leads
    n = len(L)
    hh_names = a.policies.drop_duplicates("household_id").set_index("household_id")["insured_name"]
    first = np.array(pf.FIRST_NAMES, dtype=object)[rng.integers(len(pf.FIRST_NAMES), size=n)]
    last = np.array(pf.LAST_NAMES, dtype=object)[rng.integers(len(pf.LAST_NAMES), size=n)]
    person = []
    for i, h in enumerate(L["household_id"].tolist()):
        if isinstance(h, str) and h in hh_names.index:
            surname, _, given = hh_names[h].partition(", ")
            person.append(f"{given} {surname}".strip())
        else:
            person.append(f"{first[i]} {last[i]}")
    minutes = rng.integers(8 * 60, 20 * 60, size=n) / (24 * 60)
    created = [v + m for v, m in zip(_serials(L["lead_date"]), minutes.tolist())]
    columns = [
        [float(x) for x in L["lead_id"].tolist()], created, L["vendor"].tolist(),
        _numbers(L["cost"]), L["status"].tolist(), _serials(L["sold_date"]),
        [None if pd.isna(x) else float(x) for x in L["household_id"].tolist()],
        _numbers(L["quoted_premium"]), [float(x) for x in L["products_quoted"].tolist()],
        ["Y" if x else "N" for x in L["homeowner"].tolist()],
        [float(x) for x in L["vehicles"].tolist()], L["current_carrier"].tolist(),
        L["zip"].tolist(), person,
        [f"(973) 555-01{int(x):02d}" for x in rng.integers(0, 100, size=n)],
    ]
    wb = _workbook(path, a.as_of, "Lead Export")
    f = Formats(wb)
    formats = [f.id, f.datetime, None, f.dollars, None, f.date, f.id, f.dollars, None, None, None,
               None, None, None, None]
    sheet = Sheet(wb, "Leads", [10, 16, 18, 10, 12, 12, 13, 14, 15, 11, 9, 15, 7, 22, 15])
    sheet.header(["Lead ID", "Created", "Lead Vendor", "Lead Cost", "Disposition", "Sold Date",
                  "Household ID", "Quoted Premium", "Products Quoted", "Homeowner", "Vehicles",
                  "Current Carrier", "ZIP", "Name", "Phone"])
    sheet.rows(columns, formats)
    wb.close()


def write_referrals(a: SampleAgency, path: Path, rng: np.random.Generator) -> None:
    """The referral log kept in a spreadsheet and saved as CSV (UTF-8 with a BOM)."""
    r = a.referrals
    as_float = set(_pick(rng, len(r), 0.1).tolist())  # ids Excel turned into numbers
    out = [["Referral Date", "Referrer Household ID", "Referred Name", "Status", "Sold Date",
            "Household ID", "Incentive Paid", "Notes"]]
    for i, row in enumerate(r.itertuples(index=False)):
        referrer = f"{row.referrer_household_id}.0" if i in as_float else row.referrer_household_id
        sold = row.status == "Sold"
        out.append([
            f"{row.referral_date:%Y-%m-%d}", referrer, row.referred_name, row.status,
            f"{row.sold_date:%Y-%m-%d}" if sold else "", row.household_id if sold else "",
            _money_text(row.incentive_paid) if sold else "",
            ("Gift card" if row.incentive_paid < 100 else "Gift card + dinner voucher") if sold
            else "",
        ])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(out)
