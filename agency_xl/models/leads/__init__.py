"""Lead vendors and lead scoring: what each vendor's leads cost and bring in, which open leads to
call first.

Inputs are measured from the exports: the lead log (one row per lead: vendor, cost, status, the
household a sold lead became), the book of business (what those households hold now) and the
commission statements (the commission rate). Everything else is a setting.

Vendor efficiency, per vendor over a window of lead dates (12 complete months):
    spend = sum of lead costs;  conversion = sold / decided (sold + lost + bad lead: open leads
    are left out until they are decided, the same definition as referrals' conversion);
    CAC = spend / sold (every lead bought costs, decided or not);
    average LTV = mean lifetime value of the households its sold leads became;
    ROI = (sold x average LTV - spend) / spend  (= LTV:CAC - 1 when CAC is spend / sold).
The household LTV and tier are the Segments model's (``segments.segment_households``):
``agency_xl.models.ltv.lifetime_value`` on the household's annual premium in force, the measured
commission rate and the retention measured on the book for its product count; tiers Elite 3+
products, Premium 2, Standard 1, Low-Value one product with a low premium (``segments.segment``).

Lead score: a logistic regression of "sold" on homeowner, vehicles, products quoted and the vendor
(one-hot, the vendor with the most closed leads as the baseline), fitted by Newton's method
(iteratively reweighted least squares) with a small L2 penalty on every coefficient but the
intercept, on closed leads only (Sold = 1; Lost and Bad Lead = 0). The score of a lead is
100 x p / p_ref, rounded and capped at 100, where p is its predicted probability of a sale and p_ref
a high percentile (Settings, default the 90th) of the probabilities of the leads the model was
fitted on: a lead as likely to buy as the best tenth of past leads scores 100, one half as likely
scores 50. (With the maximum as p_ref, nearly every lead would score below 50: sale probabilities
are skewed, a few lead profiles are far better than the rest.)
References: Hosmer, Lemeshow & Sturdivant, "Applied Logistic Regression" (3rd ed., 2013), ch. 1-2
(the model, Newton-Raphson fitting); Hastie, Tibshirani & Friedman, "The Elements of Statistical
Learning" (2nd ed., 2009), sec. 4.4.1 (IRLS) and 4.4.4 (L2-penalised logistic regression).

Like the other models: functions take scalars or numpy arrays, and return NaN (not an error) where
a ratio has no denominator.

The model in five modules, one job each:

- ``arithmetic``: conversion, acquisition cost, ROI, LTV:CAC and the vendor rating;
- ``lead_values``: the households the leads became, and what each is worth;
- ``vendors``: vendor efficiency, the spend to shift, CAC and LTV:CAC by tier;
- ``score``: the lead score (fit, predict, score, band, conversion by band);
- ``open_leads``: the queue of open leads to call, with priority and estimated LTV.

Everything is imported from here (``from agency_xl.models import leads``).
"""

from agency_xl.models.leads.arithmetic import (
    CLOSED_STATUSES,
    EXCELLENT,
    GOOD,
    NOT_RATED,
    OPEN_STATUSES,
    SOLD,
    TOO_FEW,
    TOO_NEW,
    UNDERPERFORMING,
    acquisition_cost,
    conversion_rate,
    decided_conversion,
    ltv_to_cac,
    vendor_rating,
    vendor_roi,
)
from agency_xl.models.leads.lead_values import (
    TIERS,
    TierRule,
    in_window,
    new_customer_ltv,
    sold_lead_values,
)
from agency_xl.models.leads.open_leads import (
    CONTACT_WITHIN,
    HIGH,
    NORMAL,
    URGENT,
    lead_queue,
    priority,
    tier_ltv,
)
from agency_xl.models.leads.score import (
    BANDS,
    NUMERIC_FEATURES,
    ScoreModel,
    band_distribution,
    fit_lead_score,
    fit_logistic,
    lead_scores,
    predict_probability,
    score_band,
    score_from_probability,
    score_one,
)
from agency_xl.models.leads.vendors import (
    Reallocation,
    cac_by_segment,
    reallocation,
    vendor_efficiency,
)

__all__ = [
    "BANDS", "CLOSED_STATUSES", "CONTACT_WITHIN", "EXCELLENT", "GOOD", "HIGH", "NORMAL",
    "NOT_RATED", "NUMERIC_FEATURES", "OPEN_STATUSES", "SOLD", "TIERS", "TOO_FEW", "TOO_NEW",
    "UNDERPERFORMING", "URGENT", "Reallocation", "ScoreModel", "TierRule", "acquisition_cost",
    "band_distribution", "cac_by_segment", "conversion_rate", "decided_conversion",
    "fit_lead_score", "fit_logistic", "in_window", "lead_queue", "lead_scores", "ltv_to_cac",
    "new_customer_ltv", "predict_probability", "priority", "reallocation", "score_band",
    "score_from_probability", "score_one", "sold_lead_values", "tier_ltv", "vendor_efficiency",
    "vendor_rating", "vendor_roi",
]
