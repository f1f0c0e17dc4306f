"""Plain-number paths for the models' single-value calls.

The models take numpy arrays and single numbers alike. A worksheet function calls them with single
numbers, thousands of times in one recalculation, and there numpy's fixed cost (about a
microsecond per array made or operation, more for ``np.where``/``np.select`` and ``np.errstate``)
is most of the time. A model checks ``plain(...)`` and, for plain Python numbers, does the same
arithmetic on Python floats: IEEE double precision like numpy's float64, operation for operation,
so the result is the same number. Functions whose numpy routine may round differently from
Python's (``np.power``, ``np.exp``) keep numpy for that step.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_NUMBER = (int, float)  # bool is an int; numpy's float64 is a float


def plain(*values: Any) -> bool:
    """True when every value is a plain Python number (int, float or bool)."""
    return all(isinstance(v, _NUMBER) for v in values)


def safe_ratio(numerator, denominator):  # noqa: ANN001, ANN201
    """numerator / denominator, NaN (not an error) where the denominator is 0 or not finite.

    Like empyrical's metrics: an empty or undefined ratio is NaN, never an exception. Scalars and
    numpy arrays alike; plain numbers take the plain path.
    """
    if plain(numerator, denominator):
        d = float(denominator)
        return float(numerator) / d if d != 0 and math.isfinite(d) else math.nan
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    ok = np.isfinite(den) & (den != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
    return out if out.ndim else float(out)
