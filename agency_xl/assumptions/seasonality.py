"""Settings of the seasonality model (seasonal index, renewal concentration, marketing timing,
staffing).

The seasonal index, the renewals per month and the average monthly sales are MEASURED from the
sales export (or the book of business) and the book's expiration dates; these settings are the
owner's rules and workloads. The flat monthly marketing spend is the Segments sheet's marketing
budget / 12 (segments.marketing_budget), so the agency has one budget figure.
"""

from agency_xl.assumptions.base import SettingsGroup, setting, text_list


class SeasonalitySettings(SettingsGroup):
    history_years: int = setting(
        3, "years", "Most recent years of sales averaged into the seasonal index (12-month years ending "
        "with the last complete month; the chart shows each).", ge=1, le=3,
    )
    sales_measure: str = setting(
        "policies", "text", "What the seasonal index counts: policies (policies sold) or premium "
        "(premium sold).", pattern="^(policies|premium)$",
    )
    high_season_index: float = setting(
        110.0, "index", "Months with a seasonal index at or above this are high season: spend more.",
        ge=100, le=500,
    )
    low_season_index: float = setting(
        90.0, "index", "Months with a seasonal index at or below this are low season: spend less.",
        ge=0, le=100,
    )
    high_season_increase: float = setting(
        0.25, "%", "Raise marketing spend by this share in high-season months.", ge=0, le=5
    )
    low_season_decrease: float = setting(
        0.15, "%", "Cut marketing spend by this share in low-season months.", ge=0, le=1
    )
    average_marketing_roi: float = setting(
        8.5, "x", "Return of a marketing dollar in an average month (8.5 = 850%, the plan's example "
        "blended ROI, not yours; compare the Leads sheet). Each month's expected ROI scales it by the index.",
        ge=-1, le=1000,
    )
    renewals_per_staff_month: float = setting(
        80.0, "renewals", "Renewals one staff member handles in a month besides the service work "
        "(reviews, calls, paperwork). Your own figure; the default is a placeholder.",
        gt=0, le=10_000,
    )
    new_sales_per_staff_month: float = setting(
        20.0, "policies", "New policies one staff member quotes and writes in a month. Your own "
        "figure; the default is a placeholder.", gt=0, le=10_000,
    )
    current_staff: float = setting(
        3.0, "people", "Staff today (full-time equivalents) who handle renewals and new sales. The default is a "
        "placeholder: set your own.",
        ge=0, le=1000,
    )
    default_term_months: int = setting(
        12, "months", "Policy term used when the book gives no effective and expiration dates to "
        "measure it.", ge=1, le=24,
    )
    renewal_excluded_products: str = setting(
        "Life", "text", "Products without a renewal to service, comma-separated (e.g. Life).",
    )

    def excluded_products(self) -> tuple[str, ...]:
        """``renewal_excluded_products`` as a tuple of trimmed names."""
        return text_list(self.renewal_excluded_products)
