"""Settings of the profitability model (loss ratio, combined ratio, carrier bonus)."""

from agency_xl.assumptions.base import SettingsGroup, setting


class ProfitabilitySettings(SettingsGroup):
    expense_ratio: float = setting(
        0.25, "ratio", "Carrier expense ratio added to the loss ratio to give the combined ratio.",
        ge=0, le=1,
    )
    bonus_full_threshold: float = setting(
        0.95, "ratio", "Combined ratio below this earns the full profit-sharing bonus.", gt=0, le=2
    )
    bonus_partial_threshold: float = setting(
        1.00, "ratio", "Combined ratio below this (but above the full threshold) earns a reduced bonus.",
        gt=0, le=2,
    )
    bonus_full_rate: float = setting(
        0.01, "% of premium", "Full bonus as a share of written premium in force.", ge=0, le=0.2
    )
    bonus_partial_rate: float = setting(
        0.005, "% of premium", "Reduced bonus as a share of written premium in force.", ge=0, le=0.2
    )
    bonus_watch_margin: float = setting(
        0.03, "ratio", "Within this distance below a threshold the bonus is shown as at risk (yellow).",
        ge=0, le=0.5,
    )
    profit_gap_warning: float = setting(
        0.05, "ratio", "Warn when revenue growth exceeds profit growth by more than this.", ge=0, le=1
    )
