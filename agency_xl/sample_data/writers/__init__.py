"""Writing the simulated agency as the messy files an AMS and a CRM export.

Every quirk here is one ../shared/AMS_EXPORTS.md says the reader must cope with: title rows
(a merged agency-name cell, "Run Date: 10/31/2025", the agency code) and a blank row above the
header, header aliases, product names as the AMS spells them, status variants, amounts as text
("$1,234.56", "-$12.00", "(1,234.56)", "—"), dates as text or bare serial numbers, IDs written as
numbers, policy numbers with leading zeros kept as text, stray spaces in keys, blank rows and
"Total"/"Grand Total"/"*** End of Report ***" rows inside and below the data, a CSV in
Windows-1252 and one in UTF-8 with a BOM. Which rows carry a quirk is drawn from the seed, so
the files are byte-identical for the same arguments (the workbooks' creation time is derived
from the as-of date, never the clock).

Here: every file's name and writing them all. The cells in ``cells``, the workbooks in
``sheets``, the reports in ``policies`` (book, growth, new business), ``claims``, ``commissions``
and ``crm`` (lead log, referral log).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from agency_xl.sample_data.agency import SampleAgency, simulate_agency
from agency_xl.sample_data.writers.cells import (
    BOOK_NAME_OF,
    DASH,
    TEXT_NUMBER_STYLES,
    product_names,
)
from agency_xl.sample_data.writers.claims import write_claims
from agency_xl.sample_data.writers.commissions import write_commission_csv, write_commission_xlsx
from agency_xl.sample_data.writers.crm import write_leads, write_referrals
from agency_xl.sample_data.writers.policies import write_book, write_growth, write_sales
from agency_xl.sample_data.writers.sheets import Formats, Sheet

__all__ = [
    "BOOK_NAME_OF", "DASH", "TEXT_NUMBER_STYLES", "Formats", "Sheet", "export_file_names",
    "product_names", "write_book", "write_claims", "write_commission_csv", "write_commission_xlsx",
    "write_growth", "write_leads", "write_referrals", "write_sales", "write_sample_exports",
]


def export_file_names(a: SampleAgency) -> dict[str, str]:
    """The file name of each export (claims: the earlier and the final month)."""
    year_split = _commission_split(a)
    return {
        "policies": f"All_Purpose_Audit_{a.as_of:%Y-%m-%d}.xlsx",
        "growth": f"Policy_Growth_Retention_{a.as_of:%Y-%m}.xlsx",
        "claims_previous": f"{a.previous_claims_date:%Y-%m}_Claims_Detail_Report.xlsx",
        "claims": f"{a.as_of:%Y-%m}_Claims_Detail_Report.xlsx",
        "commissions_csv": f"commission statements {year_split[0]:%Y}.csv",
        "commissions_xlsx": f"Agent_Transaction_Detail_{year_split[1]:%Y}.xlsx",
        "sales": f"New_Business_Report_{a.as_of:%Y-%m}.xlsx",
        "leads": "lead_log_export.xlsx",
        "referrals": "Referral_Log.csv",
    }


def _commission_split(a: SampleAgency) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last statement date of the first year and of the second."""
    stmts = sorted(a.commissions["statement_date"].unique())
    first_year = stmts[: len(stmts) // 2] or stmts
    return pd.Timestamp(first_year[-1]), pd.Timestamp(stmts[-1])


def write_sample_exports(out: Path, households: int = 1000, seed: int = 7,
                         as_of: dt.date = dt.date(2025, 10, 31)) -> list[Path]:
    """Simulate the agency and write its seven reports (nine files) into ``out``.

    Returns the paths written. Same arguments, byte-identical files.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    a = simulate_agency(households=households, seed=seed, as_of=as_of)
    rng = np.random.default_rng([seed, 20251031])  # which rows carry which quirk
    names = product_names(a.policies, rng)
    files = export_file_names(a)
    paths = {k: out / v for k, v in files.items()}
    write_book(a, paths["policies"], rng, names)
    write_growth(a, paths["growth"], rng)
    write_claims(a, a.claims_previous, a.previous_claims_date, paths["claims_previous"], names,
                 final=False)
    write_claims(a, a.claims, a.as_of, paths["claims"], names, final=True)
    split = _commission_split(a)[0]
    first = a.commissions["statement_date"] <= split
    write_commission_csv(a, a.commissions[first].reset_index(drop=True),
                         paths["commissions_csv"], rng, names)
    write_commission_xlsx(a, a.commissions[~first].reset_index(drop=True),
                          paths["commissions_xlsx"], rng, names)
    write_sales(a, paths["sales"], rng, names)
    write_leads(a, paths["leads"], rng)
    write_referrals(a, paths["referrals"], rng)
    return list(paths.values())
