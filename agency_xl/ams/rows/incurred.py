"""Rows, part 4: the claims report's Incurred = Paid + Reserve, filled in where it is absent and
checked where it is stated."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.ams.rows.build import FileTable, Problem

INCURRED_TOLERANCE = 0.01  # dollars: a cent of rounding is not a disagreement


def check_incurred(ft: FileTable) -> None:
    """Claims: Incurred = Paid + Reserve where it is absent; report a stated one that differs.

    A blank Paid or Reserve is nothing paid or reserved; both blank gives a blank Incurred. A
    stated Incurred can only be checked when the file has a Reserve column.
    """
    t = ft.table
    paid = t["paid_loss"]
    reserve = t["reserve"] if "reserve" in t else pd.Series(np.nan, index=t.index)
    computed = (paid.fillna(0) + reserve.fillna(0)).where(paid.notna() | reserve.notna())
    if "incurred_loss" not in t:
        t["incurred_loss"] = computed
        return
    stated = t["incurred_loss"]
    if "reserve" in t:
        differs = (
            stated.notna() & computed.notna() & (stated - computed).abs().gt(INCURRED_TOLERANCE)
        )
        col = ft.columns["incurred_loss"]
        rows = zip(
            t["_row"][differs], stated[differs], paid[differs].fillna(0), reserve[differs].fillna(0)
        )
        for row, s, p, r in rows:
            ft.problems.append(
                Problem(
                    int(row),
                    col,
                    f"Incurred Loss {s:,.2f} differs from Paid Loss + Reserve = {p:,.2f} + "
                    f"{r:,.2f} = {p + r:,.2f} (the stated Incurred is kept)",
                )
            )
    t["incurred_loss"] = stated.fillna(computed)
