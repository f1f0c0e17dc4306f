"""Settings of the cash flow model."""

from agency_xl.assumptions.base import SettingsGroup, setting  # noqa: F401


class CashFlowSettings(SettingsGroup):
    pass
