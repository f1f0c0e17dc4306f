"""Settings of the referral growth model."""

from agency_xl.assumptions.base import SettingsGroup, setting


class ReferralsSettings(SettingsGroup):
    incentive_levels: str = setting(
        "50, 100, 150", "$ list", "Incentives per sold referral to compare in the scenario table.")
    incentive_response: float = setting(
        0.35, "elasticity", "How strongly the referral rate answers the incentive: rate x (new / current "
        "incentive) ^ this. 0 = not at all.", ge=0, le=3)
    current_incentive: float = setting(
        100.0, "$", "Incentive per sold referral today; used when the referral log shows none paid.", ge=0)
    high_propensity_lift: float = setting(
        1.5, "x", "A household group refers 'highly' when its referral rate is at least this many times "
        "the agency's.", ge=1, le=10)
