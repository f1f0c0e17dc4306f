"""Settings of the profitability model (loss ratio, combined ratio, carrier bonus)."""

from agency_xl.assumptions.base import SettingsGroup, setting, text_list


class ProfitabilitySettings(SettingsGroup):
    expense_ratio: float = setting(
        0.25, "ratio", "Carrier expense ratio added to the loss ratio to give the combined ratio. The default is "
        "the plan's example: set your carrier's.",
        ge=0, le=1,
    )
    bonus_full_threshold: float = setting(
        0.95, "ratio", "Combined ratio below this earns the full profit-sharing bonus. The default is the plan's "
        "example band: set your carrier's (your agency agreement).", gt=0, le=2
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
    lines_outside_bonus: str = setting(
        "Life", "text", "Lines left out of the loss ratio, combined ratio and bonus, comma-separated "
        "(the carrier's profit-sharing is on P&C lines): shown apart. Blank = every line counts.",
    )
    min_claims_by_line: int = setting(
        10, "claims", "A line's loss ratio from fewer claims than this is marked 'too few to judge' "
        "(one large claim moves it by tens of points).", ge=1, le=100_000,
    )
    profit_growth_min_months: int = setting(
        6, "months", "Fewest months the exports must cover in both years before profit growth is "
        "compared with revenue growth (else the sheet says there is too little history).", ge=1, le=12,
    )

    def outside_lines(self) -> tuple[str, ...]:
        """``lines_outside_bonus`` as a tuple of trimmed names."""
        return text_list(self.lines_outside_bonus)
