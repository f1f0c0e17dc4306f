"""Values as a cell (and JSON) holds them: the one conversion the figures, the metrics and the sheets
share, so a number on a sheet and in `agency-xl metrics` is the same number."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def clean(value: Any) -> Any:
    """A value as a cell holds it: NaN/NaT -> blank, numpy -> Python, Timestamp -> datetime."""
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value
