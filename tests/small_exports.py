"""Exports folders unlike the sample, written by hand in a test: a small book of business and a
lead log from one vendor or from many. Vendor names that look like formulas ("=2+3", "+Plus",
"-Direct-", "@Home") must reach the sheets as text."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

AS_OF = dt.date(2025, 10, 31)
BOOK_HEADER = ["Policy Number", "Household ID", "Insured Name", "Product", "Status",
               "Original Effective Date", "Expiration Date", "Annual Premium", "Lead Source", "ZIP"]
LEADS_HEADER = ["Lead ID", "Lead Date", "Vendor", "Cost", "Status", "Sold Date", "Household ID",
                "Quoted Premium", "Products Quoted", "Homeowner", "Vehicles", "Current Carrier", "ZIP"]
ONE_VENDOR = ["=2+3"]
MANY_VENDORS = ["=2+3", "+Plus Leads", "-Direct-", "@Home Leads", "Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_folder(folder: Path, vendors: list[str], leads_per_vendor: int = 12) -> Path:
    """A book of business (one policy per household) and a lead log: each vendor sends
    ``leads_per_vendor`` leads over the last year, every third one sold (and in the book), every
    third one lost, the rest open. Returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    book, leads = [], []
    n = 0
    for v, vendor in enumerate(vendors):
        for i in range(leads_per_vendor):
            n += 1
            day = AS_OF - dt.timedelta(days=10 + 29 * i + v)
            status = ("Sold", "Lost", "Quoted")[i % 3]
            household = f"H{n:03d}" if status == "Sold" else ""
            leads.append([f"L{n:04d}", day.isoformat(), vendor, 20 + 5 * v, status,
                          (day + dt.timedelta(days=9)).isoformat() if status == "Sold" else "",
                          household, 900 + 40 * i, 1 + i % 2, "Y" if i % 2 else "N", 1 + i % 3, "GEICO",
                          f"0{6600 + i}"])
            if status == "Sold":
                book.append([f"P{n:05d}", household, f"Customer {n}", ("Auto", "Home")[i % 2], "In Force",
                             (day + dt.timedelta(days=9)).isoformat(),
                             (day + dt.timedelta(days=9 + 365)).isoformat(), 1100 + 50 * i, vendor,
                             f"0{6600 + i}"])
    # Households that came from elsewhere, so the book is not only the leads sold.
    for k in range(12):
        start = AS_OF - dt.timedelta(days=400 + 30 * k)
        book.append([f"Q{k:05d}", f"W{k:03d}", f"Walk-in {k}", ("Auto", "Home", "Umbrella")[k % 3], "In Force",
                     start.isoformat(), (start + dt.timedelta(days=365 * 2)).isoformat(), 800 + 90 * k,
                     "Walk-in", f"0{6700 + k}"])
    write_csv(folder / f"book_{AS_OF:%Y-%m-%d}.csv", BOOK_HEADER, book)
    write_csv(folder / f"leads_{AS_OF:%Y-%m-%d}.csv", LEADS_HEADER, leads)
    return folder
