"""Settings of the seasonality model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class SeasonalitySettings(SettingsGroup):
    pass
