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

from typing import Any

_NUMBER = (int, float)  # bool is an int; numpy's float64 is a float


def plain(*values: Any) -> bool:
    """True when every value is a plain Python number (int, float or bool)."""
    return all(isinstance(v, _NUMBER) for v in values)
