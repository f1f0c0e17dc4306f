"""Reading the AMS exports folder: ``read_exports(folder) -> AmsData``."""

from agency_xl.ams.data import AmsData, DataHealth, FileHealth, Mappings
from agency_xl.ams.errors import NoReportsFound
from agency_xl.ams.reports import PRODUCTS, REPORTS

__all__ = [
    "AmsData", "DataHealth", "FileHealth", "Mappings", "NoReportsFound", "PRODUCTS", "REPORTS",
    "read_exports", "require_reports",
]


def read_exports(folder, mappings=None, as_of=None, progress=None) -> AmsData:  # noqa: ANN001
    """Read every export in ``folder``; see ``agency_xl.ams.reader.read_exports``."""
    from agency_xl.ams.reader import read_exports as _read

    return _read(folder, mappings=mappings, as_of=as_of, progress=progress)


def require_reports(data: AmsData) -> AmsData:
    """``data`` when a report was read, else ``NoReportsFound``; see
    ``agency_xl.ams.reader.require_reports``. Call it before writing a refresh's results."""
    from agency_xl.ams.reader import require_reports as _require

    return _require(data)
