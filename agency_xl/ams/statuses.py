"""Status values as the AMS writes them -> the canonical statuses of a report.

The built-in names are each report's ``Report.status_values``; the owner's status mapping table
(``Mappings.statuses``, on the Settings sheet) adds his own, e.g. "Pending Cancel" -> "In Force"
for the book of business. A status neither knows is left out with its rows and reported, so the
owner can map it.
"""

from __future__ import annotations

from agency_xl.ams.data import Mappings
from agency_xl.ams.reports import Report


def owner_statuses(report: Report, mappings: Mappings | None) -> dict[str, str]:
    """The owner's names for ``report``'s statuses: his name -> canonical status. A mapping for
    another report, or to a status this report does not have, is not used here."""
    canonical = {s.lower(): s for s in report.status_values}
    out: dict[str, str] = {}
    for (report_key, name), target in (mappings.statuses if mappings else {}).items():
        if report_key in ("", report.key) and target.strip().lower() in canonical:
            out[name] = canonical[target.strip().lower()]
    return out
