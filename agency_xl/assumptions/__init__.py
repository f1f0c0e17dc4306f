"""The owner's settings (assumptions) as one pydantic model, one group per model.

Each group lives in its own module; ``Assumptions`` collects them. The Settings sheet lists every
setting as ``group.field`` with its default, unit and explanation (``settings_rows``), and
``agency_xl.assumptions.sheet`` reads them back from a workbook.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from agency_xl.assumptions.accuracy import AccuracySettings
from agency_xl.assumptions.base import SettingsGroup
from agency_xl.assumptions.cash_flow import CashFlowSettings
from agency_xl.assumptions.cross_sell import CrossSellSettings
from agency_xl.assumptions.general import GeneralSettings
from agency_xl.assumptions.leads import LeadsSettings
from agency_xl.assumptions.producers import TABLE, ProducersSettings
from agency_xl.assumptions.profitability import ProfitabilitySettings
from agency_xl.assumptions.rate_environment import RateEnvironmentSettings
from agency_xl.assumptions.referrals import ReferralsSettings
from agency_xl.assumptions.seasonality import SeasonalitySettings
from agency_xl.assumptions.segments import SegmentsSettings
from agency_xl.assumptions.targets import TargetsSettings


class Assumptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    general: GeneralSettings = GeneralSettings()
    profitability: ProfitabilitySettings = ProfitabilitySettings()
    rate_environment: RateEnvironmentSettings = RateEnvironmentSettings()
    cash_flow: CashFlowSettings = CashFlowSettings()
    segments: SegmentsSettings = SegmentsSettings()
    seasonality: SeasonalitySettings = SeasonalitySettings()
    cross_sell: CrossSellSettings = CrossSellSettings()
    leads: LeadsSettings = LeadsSettings()
    referrals: ReferralsSettings = ReferralsSettings()
    accuracy: AccuracySettings = AccuracySettings()
    targets: TargetsSettings = TargetsSettings()
    producers: ProducersSettings = ProducersSettings()


def settings_rows(assumptions: Assumptions | None = None) -> list[tuple[str, str, Any, str, str]]:
    """(key, label, value, unit, explanation) for every setting, in sheet order; settings kept
    in a table of their own on the sheet (unit ``table``: producer pay) are not rows."""
    a = assumptions or Assumptions()
    rows = []
    for group_name in Assumptions.model_fields:
        group: SettingsGroup = getattr(a, group_name)
        for name, info in type(group).model_fields.items():
            extra = info.json_schema_extra or {}
            if extra.get("unit") == TABLE:  # kept in its own table on Settings (producer pay)
                continue
            label = name.replace("_", " ").capitalize()
            rows.append(
                (f"{group_name}.{name}", label, getattr(group, name), extra.get("unit", ""),
                 info.description or "")
            )
    return rows


def with_values(values: dict[str, Any], base: Assumptions | None = None) -> Assumptions:
    """A copy of ``base`` with ``{"group.field": value}`` applied, validated (pydantic raises a
    ValidationError naming the setting when a value is out of range or of the wrong type)."""
    data = (base or Assumptions()).model_dump()
    for key, value in values.items():
        group, _, name = key.partition(".")
        if group not in data or name not in data[group]:
            raise KeyError(f"unknown setting {key!r}")
        data[group][name] = value
    return Assumptions.model_validate(data)


__all__ = ["Assumptions", "settings_rows", "with_values"]
