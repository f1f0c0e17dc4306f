"""The plan's targets, shown against the agency on the Scorecard sheet.

The defaults are the plan's example targets ("Success Metrics"): products per household 1.3 -> 1.8,
40% of households in the Elite and Premium tiers, referral CAC under $200, 10-15% annual policy
growth. Two more targets live where their number is already set, so it is never typed twice:
forecast accuracy (``accuracy.tolerance``, the plan's +/-10%) and the combined ratio (under
``profitability.bonus_full_threshold``, the carrier's full-bonus threshold).
"""

from agency_xl.assumptions.base import SettingsGroup, setting

EXAMPLE = "The plan's example target; set your own."


class TargetsSettings(SettingsGroup):
    products_per_household: float = setting(
        1.8, "products", f"Average products in force per household to reach (the plan: 1.3 today, 1.8 or more). "
        f"{EXAMPLE}", gt=0, le=20,
    )
    elite_and_premium_share: float = setting(
        0.40, "%", "Share of households in the Elite and Premium tiers to reach (the plan: about 30% today, 40% "
        f"or more). {EXAMPLE}", ge=0, le=1,
    )
    referral_cac: float = setting(
        200.0, "$", "Referral cost per customer won, at most (incentives paid / referrals sold; the plan: under "
        f"$200, against $400-1,200 for paid leads). {EXAMPLE}", gt=0, le=100_000,
    )
    policy_growth_low: float = setting(
        0.10, "%", "Annual policy growth: below this the Scorecard says behind (the plan: 10-15% a year, "
        f"sustainable with cash-flow management). {EXAMPLE}", ge=-1, le=10,
    )
    policy_growth_high: float = setting(
        0.15, "%", "Annual policy growth: above this the Scorecard says ahead (growth faster than the cash "
        f"flow may carry); between the two, on track. {EXAMPLE} The forecast-accuracy target is "
        "accuracy.tolerance, the combined-ratio target profitability.bonus_full_threshold.", ge=-1, le=10,
    )

    def policy_growth_range(self) -> tuple[float, float]:
        """(low, high) annual policy growth. The two are set one cell at a time, so the lower of
        them is the low end whichever cell holds it."""
        return (min(self.policy_growth_low, self.policy_growth_high),
                max(self.policy_growth_low, self.policy_growth_high))
