"""Shared machinery for the owner's settings: every setting has a default, a unit and a one-line
explanation, so the Settings sheet can list them all and read them back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def setting(default: Any, unit: str, explanation: str, **limits: Any) -> Any:
    """A setting with its default, unit ("%", "$", "days", "months", "ratio", "x", "text", ...) and
    the sentence shown beside it on the Settings sheet. ``limits`` are pydantic bounds (ge, le, ...)."""
    return Field(default, description=explanation, json_schema_extra={"unit": unit}, **limits)


class SettingsGroup(BaseModel):
    """One model's settings. Unknown keys are refused so a typo on the sheet is reported."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def text_list(text: str) -> tuple[str, ...]:
    """A comma-separated Settings value as a tuple of trimmed, non-empty names ("Life, Boat")."""
    return tuple(p.strip() for p in str(text or "").split(",") if p.strip())
