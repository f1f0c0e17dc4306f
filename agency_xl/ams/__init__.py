"""Reading the AMS exports folder: ``read_exports(folder) -> AmsData``."""

from agency_xl.ams.data import AmsData, DataHealth, FileHealth, Mappings
from agency_xl.ams.reports import PRODUCTS, REPORTS

__all__ = ["AmsData", "DataHealth", "FileHealth", "Mappings", "PRODUCTS", "REPORTS", "read_exports"]


def read_exports(folder, mappings=None, as_of=None, progress=None) -> AmsData:  # noqa: ANN001
    """Read every export in ``folder``; see ``agency_xl.ams.reader.read_exports``."""
    from agency_xl.ams.reader import read_exports as _read

    return _read(folder, mappings=mappings, as_of=as_of, progress=progress)
