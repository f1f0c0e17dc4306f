"""The catalogue of worksheet functions, one module per model. Importing this package registers
every function in ``agency_xl.excel.catalog.CATALOG``."""

from agency_xl.excel.catalog import CATALOG
from agency_xl.excel.functions import (  # noqa: F401  (imported to register their functions)
    ams,
    cash_flow,
    cross_sell,
    leads,
    profitability,
    rate_environment,
    referrals,
    seasonality,
    segments,
)

__all__ = ["CATALOG"]
