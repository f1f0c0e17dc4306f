"""Leads, part 1: the plan's lead arithmetic. Conversion (sold / decided, the one definition on every
sheet), acquisition cost, ROI on lead spend, LTV:CAC and the vendor rating."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.models.scalars import safe_ratio as _ratio

SOLD = "Sold"
CLOSED_STATUSES = ("Sold", "Lost", "Bad Lead")
OPEN_STATUSES = ("New", "Contacted", "Quoted")

EXCELLENT, GOOD, UNDERPERFORMING, NOT_RATED = "EXCELLENT", "GOOD", "UNDERPERFORMING", "NOT RATED"
TOO_NEW, TOO_FEW = "TOO NEW", "TOO FEW TO JUDGE"  # ratings resting on fewer decided leads than the minimum


def vendor_roi(spend, conversions, avg_ltv):  # noqa: ANN001, ANN201
    """Return on lead spend = (conversions x average LTV - spend) / spend, as a ratio (17.6 = 1,760%).

    spend in $, conversions a count of leads sold, avg_ltv the mean lifetime value in $ of the
    households sold. The value bought is the customers' lifetime value, so ROI = LTV:CAC - 1 when
    CAC = spend / conversions. NaN where spend is 0. Source: the plan (REFERENCE_POINTS.md, "Lead
    vendor ROI"); the plan's 1,860% and 97% are not computed this way (docs/models/leads.md).

    >>> vendor_roi(12_000, 36, 6_200)
    17.6
    """
    value = np.asarray(conversions, dtype=float) * np.asarray(avg_ltv, dtype=float)
    return _ratio(value - np.asarray(spend, dtype=float), spend)


def acquisition_cost(spend, sold):  # noqa: ANN001, ANN201
    """Customer acquisition cost (CAC) in $ = lead spend / leads sold; NaN when nothing sold."""
    return _ratio(spend, sold)


def conversion_rate(sold, decided):  # noqa: ANN001, ANN201
    """Conversion = sold / decided (sold + lost + bad lead for leads, sold + lost for referrals):
    open leads are left out until they are decided, so a young lead does not count as lost.
    The one definition of conversion on every sheet. NaN when none is decided."""
    return _ratio(sold, decided)


def decided_conversion(status: pd.Series) -> tuple[int, int, float]:
    """(sold, decided, conversion) of a Status column (leads or referrals): decided = Sold, Lost
    and Bad Lead; conversion = sold / decided (``conversion_rate``)."""
    s = status.astype(object)
    sold = int((s == SOLD).sum())
    decided = int(s.isin(CLOSED_STATUSES).sum())
    return sold, decided, float(conversion_rate(sold, decided))


def ltv_to_cac(ltv, cac):  # noqa: ANN001, ANN201
    """LTV:CAC = lifetime value / acquisition cost, a multiple (3.0 is the usual floor for a healthy
    channel). Plan examples: 18,000 / 1,350 = 13.3; 9,000 / 820 = 11.0; 4,500 / 520 = 8.7;
    1,800 / 280 = 6.4. NaN where CAC is 0.

    >>> round(ltv_to_cac(18_000, 1_350), 1)
    13.3
    """
    return _ratio(ltv, cac)


def vendor_rating(roi, excellent: float = 5.0, good: float = 2.0, decided=None, open_leads=None,  # noqa: ANN001, ANN201
                  min_decided: int = 0):
    """EXCELLENT when ROI >= ``excellent``, GOOD when ROI >= ``good``, else UNDERPERFORMING;
    NOT RATED when ROI is unknown (no spend or no LTV). Thresholds are ratios from Settings (the
    default GOOD of 2.0 = 200% ROI is an LTV:CAC of 3.0).

    Minimum evidence: with ``decided`` (decided leads) below ``min_decided`` the ROI rests on too
    few outcomes to rate: TOO NEW when most of the vendor's leads are still open (too young to
    have closed), else TOO FEW TO JUDGE. Never UNDERPERFORMING on leads that had no chance yet.
    """
    r = np.asarray(roi, dtype=float)
    out = np.where(np.isnan(r), NOT_RATED,
                   np.where(r >= excellent, EXCELLENT, np.where(r >= good, GOOD, UNDERPERFORMING)))
    if decided is not None and min_decided > 0:
        d = np.asarray(decided, dtype=float)
        o = np.asarray(open_leads if open_leads is not None else np.zeros_like(d), dtype=float)
        out = np.where(d < min_decided, np.where(o > d, TOO_NEW, TOO_FEW), out)
    return out if out.ndim else str(out)
