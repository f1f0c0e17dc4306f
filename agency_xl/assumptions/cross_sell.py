"""Settings of the cross sell model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class CrossSellSettings(SettingsGroup):
    pass
