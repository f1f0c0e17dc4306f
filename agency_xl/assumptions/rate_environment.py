"""Settings of the rate environment model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class RateEnvironmentSettings(SettingsGroup):
    pass
