"""Worksheet functions of the profitability model."""

from __future__ import annotations

from typing import Any

import numpy as np

from agency_xl.functions.catalog import ArgError, number, numbers, texts, worksheet_function
from agency_xl.models import profitability as m

CATEGORY = "Agency - Profitability"


@worksheet_function(
    CATEGORY,
    "Loss ratio = incurred losses / earned premium. Ranges are summed first.",
    {
        "incurred_losses": "Incurred losses in $ (paid + reserves): a cell or a range to add up.",
        "earned_premium": "Earned premium in $ for the same period: a cell or a range to add up.",
    },
    example="68000, 100000",
    unit="ratio",
    kinds={"incurred_losses": "range", "earned_premium": "range"},
)
def LOSS_RATIO(incurred_losses: Any, earned_premium: Any) -> float:
    losses = numbers(incurred_losses, "incurred_losses", lo=-1e12, hi=1e12).sum()
    premium = numbers(earned_premium, "earned_premium", lo=0, hi=1e12).sum()
    if premium == 0:
        raise ArgError("earned_premium adds up to 0; a loss ratio needs premium")
    return m.loss_ratio(losses, premium)


@worksheet_function(
    CATEGORY,
    "Combined ratio = loss ratio + expense ratio. Below 95% earns the full bonus (plan default).",
    {
        "loss_ratio": "Loss ratio as a decimal, e.g. 0.68 for 68%.",
        "expense_ratio": "Expense ratio as a decimal, e.g. 0.25 for 25%.",
    },
    example="0.68, 0.25",
    unit="ratio",
)
def COMBINED_RATIO(loss_ratio: Any, expense_ratio: Any) -> float:
    lr = number(loss_ratio, "loss_ratio", 0, 5)
    er = number(expense_ratio, "expense_ratio", 0, 1)
    return m.combined_ratio(lr, er)


@worksheet_function(
    CATEGORY,
    "Bonus band for a combined ratio: FULL_BONUS, REDUCED_BONUS or NO_BONUS.",
    {
        "combined_ratio": "Combined ratio as a decimal, e.g. 0.88.",
        "full_threshold": "Optional. Below this the full bonus is earned. Default 0.95.",
        "partial_threshold": "Optional. Below this a reduced bonus is earned. Default 1.00.",
    },
    example="0.88, 0.95",
    returns="text",
    unit="text",
)
def BONUS_STATUS(combined_ratio: Any, full_threshold: Any = None, partial_threshold: Any = None) -> str:
    cr = number(combined_ratio, "combined_ratio", 0, 5)
    full = number(full_threshold, "full_threshold", 0, 2, default=0.95)
    partial = number(partial_threshold, "partial_threshold", 0, 2, default=max(1.0, full))
    if partial < full:
        raise ArgError("partial_threshold must not be below full_threshold")
    return m.bonus_status(cr, full, partial)


@worksheet_function(
    CATEGORY,
    "Estimated bonus in $ = premium x the bonus rate of the band the combined ratio falls in.",
    {
        "premium": "Written premium in force, in $.",
        "combined_ratio": "Combined ratio as a decimal, e.g. 0.88.",
        "full_rate": "Optional. Full bonus as a share of premium. Default 0.01 (1%).",
        "partial_rate": "Optional. Reduced bonus as a share of premium. Default 0.005.",
        "full_threshold": "Optional. Full-bonus threshold. Default 0.95.",
        "partial_threshold": "Optional. Reduced-bonus threshold. Default 1.00.",
    },
    example="3680000, 0.88",
    unit="$",
)
def ESTIMATED_BONUS(premium: Any, combined_ratio: Any, full_rate: Any = None, partial_rate: Any = None,
                    full_threshold: Any = None, partial_threshold: Any = None) -> float:
    p = number(premium, "premium", 0, 1e11)
    cr = number(combined_ratio, "combined_ratio", 0, 5)
    fr = number(full_rate, "full_rate", 0, 0.5, default=0.01)
    pr = number(partial_rate, "partial_rate", 0, 0.5, default=0.005)
    ft = number(full_threshold, "full_threshold", 0, 2, default=0.95)
    pt = number(partial_threshold, "partial_threshold", 0, 2, default=max(1.0, ft))
    return m.estimated_bonus(p, cr, ft, pt, fr, pr)


PRODUCT_TABLE_HEADER = ["Product", "Earned premium", "Incurred losses", "Loss ratio",
                        "Combined ratio", "Underwriting profit"]


@worksheet_function(
    CATEGORY,
    "Spills a table by product: earned premium, losses, loss ratio, combined ratio, profit.",
    {
        "products": "Range of product names, one per row.",
        "earned_premium": "Range of earned premium in $, same rows as products.",
        "incurred_losses": "Range of incurred losses in $, same rows as products.",
        "expense_ratio": "Optional. Expense ratio as a decimal. Default 0.25.",
    },
    example='{"Auto";"Home";"Umbrella"}, {100000;100000;100000}, {68000;62000;45000}, 0.25',
    returns="table",
    unit="table",
    kinds={"products": "range", "earned_premium": "range", "incurred_losses": "range"},
)
def PRODUCT_PROFITABILITY(products: Any, earned_premium: Any, incurred_losses: Any,
                          expense_ratio: Any = None) -> list[list[Any]]:
    names = texts(products, "products")
    prem = numbers(earned_premium, "earned_premium", 0, 1e12, skip_blank=False) if any(names) else None
    loss = numbers(incurred_losses, "incurred_losses", -1e12, 1e12, skip_blank=False)
    er = number(expense_ratio, "expense_ratio", 0, 1, default=0.25)
    if prem is None or not (len(names) == len(prem) == len(loss)):
        raise ArgError("products, earned_premium and incurred_losses must be ranges of the same size")
    totals: dict[str, list[float]] = {}
    for name, p, l in zip(names, prem, loss):
        if name is None:
            raise ArgError("products has a blank cell")
        t = totals.setdefault(name, [0.0, 0.0])
        t[0] += p
        t[1] += l
    rows: list[list[Any]] = [list(PRODUCT_TABLE_HEADER)]
    for name, (p, l) in totals.items():
        lr = m.loss_ratio(l, p)
        cr = m.combined_ratio(lr, er)
        rows.append([name, p, l, lr, cr, m.underwriting_profit(p, cr)])
    p_all, l_all = float(np.sum(prem)), float(np.sum(loss))
    lr = m.loss_ratio(l_all, p_all)
    cr = m.combined_ratio(lr, er)
    rows.append(["Total", p_all, l_all, lr, cr, m.underwriting_profit(p_all, cr)])
    return rows
