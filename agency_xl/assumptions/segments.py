"""Settings of the segments model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class SegmentsSettings(SettingsGroup):
    pass
