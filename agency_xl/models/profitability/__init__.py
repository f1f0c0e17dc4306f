"""Profitability: loss ratio, combined ratio and the carrier's profit-sharing bonus.

A captive agent's bonus depends on the carrier's underwriting result on the agent's book, measured
by the combined ratio. Everything here is plain arithmetic on premiums and losses; the functions
accept scalars or numpy arrays alike (like numpy-financial), and return NaN where a ratio has no
denominator (like empyrical) instead of raising.

Data conventions (tables use the field names of the AMS reports):
- policies: product, status, original_effective_date, expiration_date, cancel_date, annual_premium
- claims: product, loss_date, incurred_loss

References: NAIC, "Statutory accounting: loss ratio, expense ratio, combined ratio" (combined ratio =
loss ratio + expense ratio); CAS, "Basic Ratemaking" (Werner & Modlin 2016), ch. 4 (earned premium
by pro-rata earning, accident-period losses, frequency = claims / exposure, severity = losses /
claims).

The model in three modules, one job each:

- ``ratios``: loss ratio, combined ratio, underwriting profit and the bonus band, risk and estimate;
- ``book``: earned premium and losses over a window, per product, of the book and by month;
- ``growth``: profit growth against revenue growth, year over year.

Everything is imported from here (``from agency_xl.models import profitability``).
"""

from agency_xl.models.profitability.book import (
    DAYS_PER_YEAR,
    ProfitabilitySummary,
    book_summary,
    exposure_by_month,
    in_lines,
    losses_by_month,
    month_starts,
    monthly_trend,
    product_profitability,
)
from agency_xl.models.profitability.growth import (
    GrowthGap,
    YearOverYear,
    claims_cover_from,
    earned_premium_by_month,
    growth_rate,
    losses_for_comparison,
    months_from,
    profit_vs_revenue_growth,
    written_premium_by_month,
    year_over_year,
)
from agency_xl.models.profitability.ratios import (
    FULL_BONUS,
    NO_BONUS,
    REDUCED_BONUS,
    bonus_risk,
    bonus_status,
    combined_ratio,
    estimated_bonus,
    loss_ratio,
    underwriting_profit,
)

__all__ = [
    "DAYS_PER_YEAR", "FULL_BONUS", "NO_BONUS", "REDUCED_BONUS", "GrowthGap", "ProfitabilitySummary",
    "YearOverYear", "bonus_risk", "bonus_status", "book_summary", "claims_cover_from",
    "combined_ratio", "earned_premium_by_month", "estimated_bonus", "exposure_by_month",
    "growth_rate", "in_lines", "loss_ratio", "losses_by_month", "losses_for_comparison",
    "month_starts", "monthly_trend", "months_from", "product_profitability",
    "profit_vs_revenue_growth", "underwriting_profit", "written_premium_by_month", "year_over_year",
]
