"""Seasonality: the monthly pattern of sales, when renewals fall, when to spend on marketing and how
many staff each month needs.

Seasonal index (method of simple averages, ratio to each year's monthly mean):
    index_y(m) = 100 x sales in month m of year y / mean monthly sales of year y
    index(m)   = mean over the years used of index_y(m)
Each year's index averages 100 over its 12 months, so their mean does too; year-to-year growth drops
out because each year is measured against its own mean. A "year" here is 12 consecutive months
counted back from the last complete month of the history (the calendar year when the history ends
in December): an AMS export usually holds the last 24 months, and counting back uses all of them,
where whole calendar years would leave out the current year's months. The most recent ``years``
such years are averaged; an older remainder shorter than 12 months is left out.
Source: Croxton, Cowden & Klein, "Applied General Statistics" (3rd ed., 1967), ch. 14, seasonal
variation, the method of simple averages; the ratio-to-moving-average alternative (classical
multiplicative decomposition, Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
3rd ed., sec. 3.4) needs 13+ months before it gives any index and loses 6 months at each end, too
much for an agency's two or three years of sales.

Renewal concentration = renewals in a month / average renewals per month (the plan: 325 renewals
against an average of 229 is 1.42; 145 is 0.63). Renewals are the expiration dates of the book's
in-force policies, rolled forward by the policy term, in the 12 calendar months after the data date.

Functions accept numpy arrays, pandas Series or lists; they return NaN (not an error) where a
ratio has no denominator or the history is too short.

The model in four modules, one job each:

- ``index``: sales per calendar month and the seasonal index;
- ``renewals``: the renewals of the next 12 months and their concentration;
- ``marketing``: the marketing timing by month and its effect;
- ``staffing``: the staff each month needs.

Everything is imported from here (``from agency_xl.models import seasonality``).
"""

from agency_xl.models.periods import last_complete_month  # noqa: F401 (part of this module's API)
from agency_xl.models.scalars import safe_ratio as _ratio  # noqa: F401 (tests read seasonality._ratio)
from agency_xl.models.seasonality.index import (
    MONTHS,
    SeasonalIndex,
    average_monthly_sales,
    cash_flow_seasonality,
    index_from_history,
    monthly_history,
    sales_index,
    seasonal_index,
    seasonality_factors,
    year_label,
    yearly_index,
)
from agency_xl.models.seasonality.marketing import (
    INCREASE,
    KEEP,
    REDUCE,
    MarketingPlanEffect,
    marketing_action,
    marketing_plan_effect,
    marketing_timing,
    spend_change,
    timing_advice,
    timing_label,
)
from agency_xl.models.seasonality.renewals import (
    DAYS_PER_MONTH,
    add_months,
    policy_terms,
    renewal_concentration,
    renewal_window,
    renewals_by_month,
    renewals_per_month,
    upcoming_renewals,
)
from agency_xl.models.seasonality.staffing import expected_sales, staff_needed, staffing_plan

__all__ = [
    "DAYS_PER_MONTH", "INCREASE", "KEEP", "MONTHS", "REDUCE", "MarketingPlanEffect",
    "SeasonalIndex", "add_months", "average_monthly_sales", "cash_flow_seasonality",
    "expected_sales", "index_from_history", "last_complete_month", "marketing_action",
    "marketing_plan_effect", "marketing_timing", "monthly_history", "policy_terms",
    "renewal_concentration", "renewal_window", "renewals_by_month", "renewals_per_month", "sales_index",
    "seasonal_index", "seasonality_factors", "spend_change", "staff_needed", "staffing_plan", "timing_advice",
    "timing_label", "upcoming_renewals", "year_label", "yearly_index",
]
