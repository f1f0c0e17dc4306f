"""Settings of forecast accuracy: how the forecasts are backtested on the owner's own history and
the plan's accuracy target.

Each forecast (the cash projection, seasonal sales, the renewal calendar, retention, new customers
from referrals) is rerun as of past month-ends using only the rows dated by then, and compared
with what the exports show happened (``agency_xl.figures.backtest``).
"""

from pydantic import field_validator

from agency_xl.assumptions.base import SettingsGroup, setting, text_list

MAX_HORIZON = 12  # the forecasts look 12 months ahead


class AccuracySettings(SettingsGroup):
    backtest_month_ends: int = setting(
        6, "months", "How many past month-ends each forecast is rerun from, for each horizon: the "
        "latest month-ends whose forecast month the exports already cover.", ge=1, le=24,
    )
    horizons: str = setting(
        "1, 3, 6", "months list", "How far ahead each backtested forecast is checked, comma-separated "
        "(1 = the month after the month-end it was made at; at most 12).",
    )
    tolerance: float = setting(
        0.10, "%", "Accuracy target: a forecast within +/-10% of what happened (mean absolute percentage "
        "error). The default is the plan's example target: set your own.", gt=0, le=1,
    )
    before: float = setting(
        0.30, "%", "The accuracy the plan starts from (+/-30% before the models), shown beside the "
        "target as its example.", gt=0, le=5,
    )

    @field_validator("horizons", mode="before")
    @classmethod
    def _whole_months(cls, value: object) -> str:
        # One horizon typed in a cell arrives as a number (6.0): the same as the text "6".
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            value = str(int(value))
        months = text_list(str(value))
        if not months:
            raise ValueError("give at least one horizon in months, e.g. 1, 3, 6")
        for m in months:
            if not m.isdigit() or not 1 <= int(m) <= MAX_HORIZON:
                raise ValueError(f"{m!r} is not a whole number of months from 1 to {MAX_HORIZON}")
        return value

    def horizon_months(self) -> tuple[int, ...]:
        """``horizons`` as sorted distinct whole months: "6, 1, 3" -> (1, 3, 6)."""
        return tuple(sorted({int(m) for m in text_list(self.horizons)}))
