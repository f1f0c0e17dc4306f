"""Settings of the leads model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class LeadsSettings(SettingsGroup):
    pass
