"""Settings of the referrals model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class ReferralsSettings(SettingsGroup):
    pass
