"""Profitability, part 1: the ratios and the bonus. Loss ratio, combined ratio, underwriting profit,
and the carrier's profit-sharing bonus band, risk and estimate."""

from __future__ import annotations

import numpy as np

from agency_xl.models.scalars import safe_ratio as _ratio

FULL_BONUS = "FULL_BONUS"
REDUCED_BONUS = "REDUCED_BONUS"
NO_BONUS = "NO_BONUS"


def loss_ratio(incurred_losses, earned_premium):  # noqa: ANN001, ANN201
    """Loss ratio = incurred losses / earned premium.

    Units: both in dollars over the same period; result a ratio (0.68 = 68%).
    Incurred losses = paid + case reserves (LAE excluded, as in the carrier's agency reports).
    Returns NaN where earned premium is 0.

    >>> loss_ratio(68_000, 100_000)
    0.68
    """
    return _ratio(incurred_losses, earned_premium)


def combined_ratio(loss_ratio, expense_ratio):  # noqa: ANN001, ANN201
    """Combined ratio = loss ratio + expense ratio.

    Units: ratios. Below 1.0 the carrier makes an underwriting profit on the book.
    Source: NAIC statutory definitions. Plan examples: 0.68 + 0.25 = 0.93; 0.62 -> 0.87; 0.45 -> 0.70.

    >>> round(combined_ratio(0.68, 0.25), 10)
    0.93
    """
    out = np.asarray(loss_ratio, dtype=float) + np.asarray(expense_ratio, dtype=float)
    return out if out.ndim else float(out)


def bonus_status(
    combined_ratio: float, full_threshold: float = 0.95, partial_threshold: float = 1.00
) -> str:
    """The bonus band the combined ratio falls in.

    FULL_BONUS when combined ratio < full_threshold; REDUCED_BONUS when below partial_threshold;
    NO_BONUS otherwise (and when the ratio is unknown). Thresholds are the carrier's, set on the
    Settings sheet; the plan's default is a full bonus below 95%.

    >>> bonus_status(0.88, 0.95)
    'FULL_BONUS'
    """
    if combined_ratio is None or np.isnan(combined_ratio):
        return NO_BONUS
    if combined_ratio < full_threshold:
        return FULL_BONUS
    if combined_ratio < partial_threshold:
        return REDUCED_BONUS
    return NO_BONUS


def bonus_risk(
    combined_ratio: float,
    full_threshold: float = 0.95,
    partial_threshold: float = 1.00,
    watch_margin: float = 0.03,
) -> str:
    """LOW / MEDIUM / HIGH risk of dropping a bonus band.

    LOW: the ratio is more than ``watch_margin`` below the full-bonus threshold. MEDIUM: within the
    margin of it, or in the reduced band but more than the margin below the partial threshold.
    HIGH: within the margin of losing the bonus altogether, or already without one.
    """
    if combined_ratio is None or np.isnan(combined_ratio) or combined_ratio >= partial_threshold:
        return "HIGH"
    if combined_ratio < full_threshold - watch_margin:
        return "LOW"
    if combined_ratio < full_threshold:
        return "MEDIUM"
    return "HIGH" if combined_ratio >= partial_threshold - watch_margin else "MEDIUM"


def estimated_bonus(
    premium: float,
    combined_ratio: float,
    full_threshold: float = 0.95,
    partial_threshold: float = 1.00,
    full_rate: float = 0.01,
    partial_rate: float = 0.005,
) -> float:
    """Estimated bonus in dollars = premium x the bonus rate of the band the combined ratio is in.

    A simplification of carrier profit-sharing grids (which also scale with growth): the rates are
    Settings inputs, the premium is the written premium in force.
    """
    status = bonus_status(combined_ratio, full_threshold, partial_threshold)
    rate = {FULL_BONUS: full_rate, REDUCED_BONUS: partial_rate}.get(status, 0.0)
    return float(premium) * rate


def underwriting_profit(earned_premium, combined_ratio):  # noqa: ANN001, ANN201
    """Underwriting profit in dollars = earned premium x (1 - combined ratio)."""
    out = np.asarray(earned_premium, dtype=float) * (1.0 - np.asarray(combined_ratio, dtype=float))
    return out if out.ndim else float(out)
