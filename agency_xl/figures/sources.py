"""Where a figure's input came from: measured on the exports, a Settings default, or a value the
owner set on Settings himself.

Every sheet marks a figure computed from a Settings DEFAULT (a placeholder: the plan's example or
the sample agency's value) with a cell style and the note ``DEFAULT_NOTE``, so the owner can tell
his numbers from placeholders. A value the owner typed on Settings that differs from the default is
his own, not a default: ``SETTINGS_OWNER``, not marked. (A value typed equal to the default cannot
be told from the default and is marked: the note then asks for nothing wrong.)
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

from pydantic import BaseModel

DEFAULT_NOTE = "from Settings default — set your own"


class Source(str, Enum):
    """Where a figure's input came from."""

    MEASURED = "measured"  # from the exports
    SETTINGS_DEFAULT = "settings-default"  # a Settings value the owner has not changed
    SETTINGS_OWNER = "settings-owner"  # a Settings value the owner set himself

    @property
    def is_default(self) -> bool:
        return self is Source.SETTINGS_DEFAULT


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, float) and isinstance(default, (int, float)) and not isinstance(default, bool):
        return math.isclose(value, default, rel_tol=1e-12, abs_tol=1e-15)
    return value == default


def is_default(group: BaseModel, name: str) -> bool:
    """True when the setting ``name`` of the Settings ``group`` still holds its default."""
    return _same(getattr(group, name), type(group).model_fields[name].default)


def setting_source(group: BaseModel, *names: str) -> Source:
    """The source of a figure computed from the settings ``names`` of ``group``: a default when
    any of them still holds its default, else the owner's."""
    if any(is_default(group, n) for n in names):
        return Source.SETTINGS_DEFAULT
    return Source.SETTINGS_OWNER


def measured_or_setting(measured: bool, group: BaseModel, *names: str) -> Source:
    """MEASURED when the exports gave the figure, else the source of the settings it fell back to."""
    return Source.MEASURED if measured else setting_source(group, *names)


def weakest(*sources: Source) -> Source:
    """The source of a figure computed from several inputs: a default when any input is one, else
    the owner's setting when any is one, else measured."""
    if Source.SETTINGS_DEFAULT in sources:
        return Source.SETTINGS_DEFAULT
    if Source.SETTINGS_OWNER in sources:
        return Source.SETTINGS_OWNER
    return Source.MEASURED


def value_source(measured: bool, group: type[BaseModel] | BaseModel, name: str, value: Any) -> Source:
    """MEASURED when the exports gave the figure; else ``value`` is the Settings value ``name`` of
    ``group`` (a settings class or instance): a default when it equals that setting's default."""
    if measured:
        return Source.MEASURED
    cls = group if isinstance(group, type) else type(group)
    return Source.SETTINGS_DEFAULT if _same(value, cls.model_fields[name].default) else Source.SETTINGS_OWNER


RETENTION_SETTINGS = {"1": "retention_1_product", "2": "retention_2_products", "3+": "retention_3_products"}


def retention_source(retention: Any, segments: BaseModel, label: str | None = None) -> Source:
    """Where the household retention every LTV uses came from (``retention``: a
    models.segments.RetentionUsed; ``label`` one product-count group, else all): measured on the
    book, or the growth & retention report (measured too), else the Segments settings' fallbacks."""
    labels = [label] if label else list(retention.retention)
    if all(retention.measured[lb] for lb in labels) or retention.fallback_source != "Settings":
        return Source.MEASURED
    return weakest(*(value_source(retention.measured[lb], segments, RETENTION_SETTINGS[lb],
                                  retention.retention[lb]) for lb in labels))
