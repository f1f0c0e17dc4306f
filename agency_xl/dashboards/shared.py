"""Figures several dashboard sheets start from, computed once per refresh.

The Segments, Cross-Sell, Leads and Referrals sheets all start from the household table of the
book and from retention by product count, and three of them from the measured commission rate.
``build_model_sheets`` builds the sheets inside ``once_per_refresh()``: there, the first sheet to
ask for a figure computes it and the others get the same result. Outside that scope (a sheet
built on its own, as in the tests) every call computes afresh. Nothing outlives the scope, so a
later refresh never sees an earlier one's figures and no memory is held between refreshes.

Each figure is the models' own function of the same arguments; this module only remembers it.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

import pandas as pd

from agency_xl.ams import AmsData
from agency_xl.assumptions import Assumptions
from agency_xl.models import households as hh
from agency_xl.figures import common
from agency_xl.models import ltv
from agency_xl.models.segments import RetentionUsed

# key -> (the table the figure was computed from, the figure). Keeping the table alive keeps its
# id() from being reused by another table within the scope.
_MEMO: ContextVar[dict[tuple[Any, ...], tuple[Any, Any]] | None] = ContextVar("agency_xl_shared", default=None)


@contextmanager
def once_per_refresh(seed: Any = None) -> Iterator[None]:
    """Within this block, each figure of this module is computed once per table and arguments.
    ``seed``: the refresh's ``figures.Figures``, whose common figures are not computed again."""
    if _MEMO.get() is not None:  # already inside one: share its figures
        yield
        return
    memo: dict[tuple[Any, ...], tuple[Any, Any]] = {}
    pol = seed.data.policies if seed is not None else None
    if pol is not None:
        memo[("household_table", id(pol), seed.data.as_of)] = (pol, seed.common.household_table)
        memo[("retention_by_product_count", id(pol), seed.data.window_end("policies"), 12)] = (
            pol, seed.common.retention_by_count)
    token = _MEMO.set(memo)
    try:
        yield
    finally:
        _MEMO.reset(token)


def _once(name: str, table: pd.DataFrame, args: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    memo = _MEMO.get()
    if memo is None:
        return compute()
    key = (name, id(table), *args)
    if key not in memo:
        memo[key] = (table, compute())
    return memo[key][1]


def household_table(policies: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``households.household_table(policies, as_of)``. A new frame on every call (sharing the
    columns, copied on write), so a sheet may add columns to it without touching the others'."""
    table = _once("household_table", policies, (as_of,), lambda: hh.household_table(policies, as_of))
    return table.copy(deep=False)


def retention_by_product_count(policies: pd.DataFrame, through: dt.date, months: int = 12) -> pd.DataFrame:
    """``households.retention_by_product_count(policies, through, months)`` (a new frame each call)."""
    table = _once("retention_by_product_count", policies, (through, months),
                  lambda: hh.retention_by_product_count(policies, through, months))
    return table.copy(deep=False)


def measured_commission_rate(commissions: pd.DataFrame, through: dt.date | None = None,
                             months: int | None = 12) -> float:
    """``ltv.measured_commission_rate(commissions, through, months)``."""
    return _once("measured_commission_rate", commissions, (through, months),
                 lambda: ltv.measured_commission_rate(commissions, through, months))


def commission_rate(data: AmsData, settings: Assumptions) -> tuple[float, str, bool]:
    """``figures.common.commission_rate`` with the measured rate remembered for the refresh."""
    measured = (None if data.commissions is None else
                measured_commission_rate(data.commissions, data.window_end("commissions"), 12))
    c = common.commission_rate(data, settings, measured)
    return c.rate, c.source, c.measured


def retention_used(data: AmsData, settings: Assumptions) -> RetentionUsed:
    """``figures.common.retention_used`` with the retention table remembered for the refresh."""
    table = None if data.policies is None else retention_by_product_count(
        data.policies, data.window_end("policies"), 12)
    return common.retention_used(data, settings, table)
