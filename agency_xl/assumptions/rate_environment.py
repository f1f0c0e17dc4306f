"""Settings of the rate environment model (retention response to a rate increase, scenarios,
revenue decomposition, LTV with premium inflation).

Current retention, policy growth, premium in force, households and the commission rate are
MEASURED from the exports; the ``fallback_*`` settings are used only when the export that holds
them is missing (the sheet says so).
"""

from typing import Any, Literal

from pydantic import field_validator

from agency_xl.assumptions.base import SettingsGroup, setting

MARKETS = ("hard", "moderate", "soft")


def _sensitivity(default: float, market: str, example: str) -> float:
    return setting(
        default, "x", f"Retention sensitivity to a rate increase in a {market} market: the drop in "
        "the log-odds of renewing per squared increase above the tolerance. Hard < moderate < soft: "
        f"in a hard market competitors raise too, so customers react least. {example}", ge=0, le=200,
    )


class RateEnvironmentSettings(SettingsGroup):
    planned_rate_increase: float = setting(
        0.10, "%", "The carrier's planned rate increase: the calculator's starting value.",
        ge=-0.5, le=1,
    )
    market: Literal["hard", "moderate", "soft"] = setting(
        "hard", "text", "Market today (hard, moderate or soft): picks the sensitivity below for "
        "the calculator's starting value and the KPIs.",
    )
    sensitivity_hard: float = _sensitivity(
        13.5, "hard", "13.5 reproduces the plan's example: 89.64% -> 89.1% after +10%.")
    sensitivity_moderate: float = _sensitivity(22.0, "moderate", "22 lies between hard and soft (judgment).")
    sensitivity_soft: float = _sensitivity(
        36.0, "soft", "36 loses about 3 points of 89.6% retention for +12.5% (one agent's forecast).")
    rate_tolerance: float = setting(
        0.035, "%", "Increases up to this (about inflation) cost no retention; above it, lost "
        "retention grows with the square of the excess.", ge=0, le=0.5,
    )
    ltv_premium_growth: float = setting(
        0.08, "%", "Annual premium growth (rate increases) expected in later years, for the "
        "lifetime value with inflation (the plan's example: 8%).", ge=-0.5, le=1,
    )
    severity_low_below: float = setting(
        0.005, "ratio", "Added churn (retention points lost) below this is LOW severity.",
        ge=0, le=1,
    )
    severity_moderate_below: float = setting(
        0.02, "ratio", "Added churn below this (and not LOW) is MODERATE; the plan's 0.0054 is MODERATE.",
        ge=0, le=1,
    )
    severity_high_below: float = setting(
        0.05, "ratio", "Added churn below this (and not MODERATE) is HIGH; at or above it, SEVERE.",
        ge=0, le=1,
    )
    fallback_retention: float = setting(
        0.8964, "%", "Current retention used only without the policy growth & retention export "
        "(measured: renewals retained / offered, last 12 months).", ge=0, le=1,
    )
    fallback_policy_growth: float = setting(
        0.05, "%", "Annual policy growth used only without the policy growth & retention export.",
        ge=-1, le=10,
    )
    fallback_book_premium: float = setting(
        3_680_000.0, "$", "Annual premium in force used only without the book of business export.",
        ge=0, le=1e11,
    )
    fallback_households: int = setting(
        1000, "households", "Households in force used only without the book of business export.",
        ge=1, le=10_000_000,
    )

    @field_validator("market", mode="before")
    @classmethod
    def _market_lower(cls, value: Any) -> Any:
        # The owner may type "Hard" or " soft " on the Settings sheet.
        return value.strip().lower() if isinstance(value, str) else value

    def sensitivity(self, market: str) -> float:
        """The sensitivity setting of ``market`` (hard, moderate or soft)."""
        if market not in MARKETS:
            raise ValueError(f"market must be one of {', '.join(MARKETS)}, not {market!r}")
        return float(getattr(self, f"sensitivity_{market}"))

    def severity_thresholds(self) -> tuple[float, float, float]:
        return self.severity_low_below, self.severity_moderate_below, self.severity_high_below
