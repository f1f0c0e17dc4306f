"""Settings of the cross-sell model (product sequence, timing windows, fallbacks).

Measured on the exports when they hold it, these are only the fallback or the owner's choice:
conversion rates and timing come from the book of business (and the sales report), retention by
product count from the book, the commission rate from the commission statements. The commission
rate fallback and the discount rate are the shared ones in ``general``; the retention fallback by
product count is the segments model's (one set of numbers for the whole workbook).
"""

from pydantic import field_validator

from agency_xl.assumptions.base import SettingsGroup, setting


class CrossSellSettings(SettingsGroup):
    product_sequence: str = setting(
        "Auto, Home/Condo/Renters, Umbrella, Life", "text",
        "Order in which to offer products, comma-separated; a/b/c = any of these fills that step "
        "(a renter is not offered Home).",
    )
    conversion_window_months: int = setting(
        12, "months", "A household 'converted' when it added the product within this many months.",
        ge=1, le=60,
    )
    default_conversion_rate: float = setting(
        0.15, "%", "Conversion rate used for a product combination with too few households to "
        "measure one.", ge=0, le=1,
    )
    min_households: int = setting(
        20, "households", "Fewest households a rate is measured on before it is trusted (below: the "
        "default rate, and the timing window cannot be 'best').", ge=1, le=100_000,
    )
    min_conversions: int = setting(
        10, "households", "A timing window whose conversion rests on fewer households that added a "
        "product than this is marked 'too few to judge' and cannot be 'best'.", ge=1, le=100_000,
    )
    history_months: int = setting(
        36, "months", "Timing and conversion are measured on customers won (or products added) in "
        "the last this-many months: recent selling, and the book's older history is incomplete.",
        ge=12, le=240,
    )
    timing_last_day: int = setting(
        365, "days", "The last timing window '120+' runs from day 121 to this day after the first "
        "policy.", ge=150, le=3650,
    )

    @field_validator("product_sequence")
    @classmethod
    def _known_products(cls, value: str) -> str:
        # Imported here: the model imports nothing from assumptions, so no cycle, but keep the
        # settings module light to import.
        from agency_xl.models.cross_sell import parse_sequence

        parse_sequence(value)  # raises ValueError naming the unknown product
        return value
