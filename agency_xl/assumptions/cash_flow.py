"""Settings of the cash flow model (commission lag, chargebacks, working capital).

The commission lag, the reversals (cancellations and chargebacks), the monthly commission, the
growth rate and the cost of winning a household are MEASURED from the exports; the ``fallback_*``
settings are used only when the export that holds them is missing (the sheet says so).
"""

from agency_xl.assumptions.base import SettingsGroup, setting


class CashFlowSettings(SettingsGroup):
    monthly_expenses: float = setting(
        42_000.0, "$", "Operating expenses paid each month (payroll, rent, leads, everything). The default is the plan's "
        "example agency's, not yours: set your own.",
        ge=0, le=1e9,
    )
    cash_on_hand: float = setting(
        150_000.0, "$", "Cash in the agency's accounts today: the projection's starting cash. The default is a "
        "placeholder: set your own.",
        ge=-1e9, le=1e10,
    )
    buffer_months: float = setting(
        3.0, "months", "Months of expenses to hold as the base working-capital buffer.", ge=0, le=36
    )
    monthly_growth_rate: float | None = setting(
        None, "%", "Growth of commission earned per month in the projection. Blank: measured from "
        "the growth & retention report (policy growth of the last 12 complete months, per month). "
        "The plan's 8% a month is 152% a year: its example, not a default.", ge=-0.5, le=1,
    )
    fallback_lag_days: float = setting(
        48.0, "days", "Commission lag used only when no commission statement export is found.",
        ge=0, le=365,
    )
    fallback_reversal_share: float = setting(
        0.02, "%", "Cancellations and chargebacks as a share of commission DOLLARS; used only "
        "without the commission statement export (8% of new policies charged back x new business's "
        "25% of commission = 2%).", ge=0, le=1,
    )
    fallback_cost_per_new_household: float = setting(
        520.0, "$", "Up-front cost to win one new household (leads, marketing), for the growth "
        "buffer; used only when the lead log cannot measure it (lead spend / leads sold).",
        ge=0, le=1e6,
    )
    fallback_chargeback_delay_days: float = setting(
        120.0, "days", "Days from a sale to its chargeback on a statement; used only when no "
        "chargeback can be matched in the commission statements.", ge=0, le=730,
    )
    fallback_monthly_commission: float = setting(
        21_500.0, "$", "Commission per month used only without the commission statement export "
        "(the plan's example: ~$258k a year).", ge=0, le=1e9,
    )
    fallback_new_business_share: float = setting(
        0.25, "%", "New business's share of commission; used only without the commission "
        "statement export.", ge=0, le=1,
    )
