"""The worksheet functions the owner types into his own sheets (=COMBINED_RATIO(...), =AMS_METRIC(...)):
the catalogue, its argument converters and one module per model. Importing this package registers
every function in ``agency_xl.functions.catalog.CATALOG``.

Knows no xlwings and no Excel: ``agency_xl.excel.udfs`` registers the catalogue with xlwings, and the
What-If sheet (``agency_xl.dashboards.whatif``) shows a worked example of each."""

from agency_xl.functions.catalog import CATALOG
from agency_xl.functions import (  # noqa: F401  (imported to register their functions)
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
