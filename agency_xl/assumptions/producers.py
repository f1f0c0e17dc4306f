"""Settings of the producer table: each producer's pay, the figure his commissions are checked
against (the owner's test of a producer: does the commission his policies bring in cover his pay?).

Pay is not a single value but one per producer, so it is a table on the Settings sheet ("Producer
pay (annual $)": producer name, annual pay), read back by ``agency_xl.assumptions.sheet``; it is not
one of the setting rows (``TABLE`` unit).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from agency_xl.assumptions.base import SettingsGroup

TABLE = "table"  # the unit of a setting kept in its own table on Settings, not in a setting row


def producer_name(name: object) -> str:
    """A producer's name as the table matches it: spaces trimmed and runs of spaces made one;
    "" for a blank. Matching ignores case (``producer_key``)."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return " ".join(str(name).split())


def producer_key(name: object) -> str:
    """The key two spellings of one producer share: ``producer_name`` without case."""
    return producer_name(name).casefold()


class ProducersSettings(SettingsGroup):
    pay: dict[str, float] = Field(
        default_factory=dict,
        description="Each producer's pay for a year in $ (salary, commission paid to him and bonus), "
                    "from the Settings table \"Producer pay (annual $)\"; the Producers sheet sets it "
                    "against the commission his policies brought in over the last 12 complete months.",
        json_schema_extra={"unit": TABLE},
    )

    @field_validator("pay")
    @classmethod
    def _names_and_amounts(cls, value: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, pay in value.items():
            clean = producer_name(name)
            if not clean:
                raise ValueError("a producer's pay needs the producer's name")
            if not (pay == pay) or pay < 0:
                raise ValueError(f"{clean}: pay must be a dollar amount of 0 or more, not {pay!r}")
            out[clean] = float(pay)
        return out

    def pay_of(self, name: str) -> float | None:
        """The annual pay entered for ``name`` (case and spaces ignored), None when none is."""
        want = producer_key(name)
        return next((pay for who, pay in self.pay.items() if producer_key(who) == want), None)
