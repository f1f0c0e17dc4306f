"""The catalogue of worksheet functions, one module per model. Importing this package registers
every function in ``agency_xl.excel.catalog.CATALOG``."""

from agency_xl.excel.catalog import CATALOG
from agency_xl.excel.functions import profitability  # noqa: F401

__all__ = ["CATALOG"]
