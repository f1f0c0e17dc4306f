"""Settings of the leads model (vendor ROI, lead score, CAC by segment, the call queue).

The lifetime value of a household uses the Segments settings (commission-rate fallback, retention
fallbacks, discount rate, tier thresholds), so a household has the same LTV and tier on both sheets."""

from agency_xl.assumptions.base import SettingsGroup, setting


class LeadsSettings(SettingsGroup):
    window_months: int = setting(
        12, "months", "Vendor efficiency and CAC by segment count the leads dated in this many complete "
                      "months up to the data date.", ge=1, le=120,
    )
    roi_excellent: float = setting(
        5.0, "ratio", "A vendor with ROI at or above this is EXCELLENT (5.0 = 500%).", ge=0, le=1000,
    )
    roi_good: float = setting(
        2.0, "ratio", "A vendor with ROI at or above this is GOOD, below it UNDERPERFORMING "
                      "(2.0 = 200%, an LTV:CAC of 3).", ge=-1, le=1000,
    )
    reallocation_share: float = setting(
        0.25, "ratio", "Share of the lowest-ROI vendor's spend the recommendation moves to the "
                       "highest-ROI vendor.", ge=0, le=1,
    )
    reallocation_trigger: float = setting(
        0.75, "ratio", "Recommend a shift when the lowest-ROI vendor returns less than this share of "
                       "the lifetime value per dollar the highest-ROI vendor returns.", ge=0, le=1,
    )
    min_decided_leads: int = setting(
        20, "leads", "A vendor needs this many decided leads (sold, lost or bad) in the window to be "
                     "rated and to be named in the reallocation advice; below it the rating says TOO NEW "
                     "(most leads still open) or TOO FEW TO JUDGE.", ge=1, le=100_000,
    )
    ltv_cac_warning: float = setting(
        3.0, "x", "LTV:CAC below this is flagged on CAC by segment.", ge=0, le=100,
    )
    score_l2: float = setting(
        1.0, "penalty", "L2 penalty of the lead-score regression (keeps coefficients finite when a "
                        "vendor or feature predicts perfectly).", ge=0, le=1000,
    )
    score_reference_percentile: float = setting(
        0.90, "ratio", "A lead as likely to buy as this percentile of past leads scores 100 (one half "
                       "as likely scores 50); 1.0 = the best past lead.", ge=0.5, le=1,
    )
    stale_after_days: int = setting(
        90, "days", "Open leads older than this are left out of the call queue (gone cold).",
        ge=1, le=3650,
    )
    urgent_score: float = setting(
        90, "score", "Open leads scoring at or above this are URGENT: contact within 24 hours.",
        ge=0, le=100,
    )
    high_score: float = setting(
        70, "score", "Open leads scoring at or above this are HIGH: contact within 3 days "
                     "(others NORMAL: 1 week).", ge=0, le=100,
    )
