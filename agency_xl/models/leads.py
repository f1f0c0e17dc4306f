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
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.models import segments
from agency_xl.models.periods import window
from agency_xl.models.scalars import safe_ratio as _ratio

SOLD = "Sold"
CLOSED_STATUSES = ("Sold", "Lost", "Bad Lead")
OPEN_STATUSES = ("New", "Contacted", "Quoted")

EXCELLENT, GOOD, UNDERPERFORMING, NOT_RATED = "EXCELLENT", "GOOD", "UNDERPERFORMING", "NOT RATED"
TOO_NEW, TOO_FEW = "TOO NEW", "TOO FEW TO JUDGE"  # ratings resting on fewer decided leads than the minimum
TIERS = segments.TIERS  # Elite, Premium, Standard, Low-Value
BANDS = ("90-100", "70-89", "50-69", "<50")
URGENT, HIGH, NORMAL = "URGENT", "HIGH", "NORMAL"
CONTACT_WITHIN = {URGENT: "24 hours", HIGH: "3 days", NORMAL: "1 week"}


# --- vendor arithmetic -------------------------------------------------------------------------

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


# --- the households the leads became --------------------------------------------------------

@dataclass(frozen=True)
class TierRule:
    """The Segments model's tier rule (``segments.segment``) with the owner's thresholds: Elite
    3+ products, Premium 2, Standard 1, Low-Value one product below ``low_value_premium`` a year."""

    low_value_premium: float = 700.0
    elite_min_products: int = 3
    premium_min_products: int = 2

    def __call__(self, products, premium=np.nan):  # noqa: ANN001, ANN204
        return segments.segment(products, premium, self.low_value_premium, self.elite_min_products,
                                self.premium_min_products)


def in_window(leads: pd.DataFrame, through: dt.date, months: int | None) -> pd.DataFrame:
    """Leads dated in the ``months`` complete months ending at ``through`` (``periods.window``;
    all leads when months is None)."""
    if months is None:
        return leads
    return leads[window(through, months).contains(leads["lead_date"])]


def new_customer_ltv(households: pd.DataFrame, through: dt.date, months: int = 12) -> float:
    """The lifetime value a newly won household is worth, estimated from the book: the average LTV
    of the households in force whose first policy was written in the ``months`` complete months
    ending at ``through`` (all households when none was). NaN for an empty book."""
    if not len(households):
        return math.nan
    new = households[window(through, months).contains(households["first_date"])]
    part = new if len(new) else households
    return float(pd.to_numeric(part["ltv"], errors="coerce").mean())


def sold_lead_values(leads: pd.DataFrame, policies: pd.DataFrame, households: pd.DataFrame,
                     tier_rule: TierRule = TierRule(), estimate: float = math.nan) -> pd.DataFrame:
    """One row per lead with its outcome and, for sold leads, the value of the household it became.

    ``households``: the book's households in force with products, premium, tier and ltv
    (``segments.segment_households``). Adds columns sold (bool), in_book (the sold lead's household
    is in the book), products, tier, premium, ltv, ltv_estimated. A sold household that has left
    the book (its policies are in the book, none in force) has premium 0 and LTV 0 - it brings
    nothing from now on - and the tier of the products and premium it had. A sold lead without a
    household ID (the column is optional), or with one the book does not know, is valued at
    ``estimate`` (``new_customer_ltv``: what a new household is worth on the book) with
    ``ltv_estimated`` True: never at 0.
    """
    out = leads.copy()
    out["sold"] = (out["status"].astype(str) == SOLD).to_numpy(bool)
    hh = out["household_id"].astype(object).where(out["sold"])
    by_household = policies.groupby("household_id")
    ever_products = by_household["product"].nunique()
    ever_premium = by_household["annual_premium"].sum()
    h = households.set_index("household_id")
    out["in_book"] = (out["sold"] & hh.isin(ever_products.index)).to_numpy(bool)
    in_force = hh.isin(h.index).to_numpy(bool)
    left = out["in_book"].to_numpy(bool) & ~in_force
    products = np.where(in_force, hh.map(h["products"]), np.nan).astype(float)
    products[left] = hh[left].map(ever_products).to_numpy(float)
    tier = np.where(in_force, hh.map(h["tier"]), None).astype(object)
    if left.any():
        tier[left] = tier_rule(products[left], hh[left].map(ever_premium).to_numpy(float))
    out["products"] = products
    out["tier"] = tier
    out["premium"] = np.where(in_force, hh.map(h["premium"]), np.where(left, 0.0, np.nan)).astype(float)
    out["ltv"] = np.where(in_force, hh.map(h["ltv"]), np.where(left, 0.0, np.nan)).astype(float)
    unknown = out["sold"].to_numpy(bool) & ~out["in_book"].to_numpy(bool)
    out["ltv_estimated"] = unknown & np.isfinite(estimate)
    out.loc[out["ltv_estimated"].to_numpy(bool), "ltv"] = float(estimate)
    return out


def vendor_efficiency(values: pd.DataFrame, through: dt.date, window_months: int | None = 12,
                      excellent: float = 5.0, good: float = 2.0, min_decided: int = 0) -> pd.DataFrame:
    """Per vendor over the leads dated in the window: spend, leads, sold, open (not yet closed),
    decided (sold + lost + bad lead), conversion (sold / decided), CAC, avg_ltv (of its sold
    households: found in the book, or estimated), roi, ltv_cac, rating (``vendor_rating``, with
    fewer than ``min_decided`` decided leads TOO NEW or TOO FEW TO JUDGE). ``values`` is
    ``sold_lead_values``. Sorted by ROI, best first (unrated vendors last)."""
    w = in_window(values, through, window_months)
    cols = ["vendor", "spend", "leads", "sold", "open", "decided", "conversion", "cac", "avg_ltv", "roi",
            "ltv_cac", "rating"]
    if w.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("vendor", "rating") else float) for c in cols})
    g = w.assign(cost=pd.to_numeric(w["cost"], errors="coerce").fillna(0.0).astype(float),
                 is_open=w["status"].isin(OPEN_STATUSES),
                 is_decided=w["status"].isin(CLOSED_STATUSES),
                 ltv=pd.to_numeric(w["ltv"], errors="coerce").astype(float)).groupby("vendor")
    t = pd.DataFrame({
        "spend": g["cost"].sum(),
        "leads": g.size(),
        "sold": g["sold"].sum().astype(int),
        "open": g["is_open"].sum().astype(int),
        "decided": g["is_decided"].sum().astype(int),
        "avg_ltv": g["ltv"].mean(),  # NaN-skipping: sold households valued (in the book or estimated)
    })
    t["conversion"] = conversion_rate(t["sold"].to_numpy(), t["decided"].to_numpy())
    t["cac"] = acquisition_cost(t["spend"].to_numpy(), t["sold"].to_numpy())
    avg = t["avg_ltv"].fillna(0.0).where(t["sold"] == 0, t["avg_ltv"])  # nothing sold: value 0
    t["roi"] = vendor_roi(t["spend"].to_numpy(), t["sold"].to_numpy(), avg.to_numpy())
    t["ltv_cac"] = ltv_to_cac(t["avg_ltv"].to_numpy(), t["cac"].to_numpy())
    t["rating"] = vendor_rating(t["roi"].to_numpy(), excellent, good, t["decided"].to_numpy(),
                                t["open"].to_numpy(), min_decided)
    t = t.rename_axis("vendor").reset_index()
    t = t.sort_values(["roi", "spend"], ascending=[False, False], na_position="last")
    return t.reset_index(drop=True)[cols]


@dataclass
class Reallocation:
    amount: float  # $ to move (0 when no shift is recommended)
    from_vendor: str | None
    to_vendor: str | None
    ltv_gain: float  # expected extra lifetime value, $, at the vendors' measured returns
    action: str  # what to do, in one sentence
    rule: str  # the rule that produced it, in one sentence

    @property
    def sentence(self) -> str:
        return f"{self.action} {self.rule}"


def reallocation(vendors: pd.DataFrame, share: float = 0.25, min_decided: int = 20,
                 trigger: float = 0.75) -> Reallocation:
    """Shift ``share`` of the worst vendor's spend to the best one.

    Rule: among vendors with at least ``min_decided`` decided leads (sold, lost or bad: no advice
    rests on a vendor whose leads have not had time to close), spend and a known ROI, the best has
    the highest ROI and the worst the lowest. A shift is recommended when the worst returns less than
    ``trigger`` times what the best returns per dollar of leads: (1 + ROI worst) < trigger x
    (1 + ROI best), where 1 + ROI = lifetime value bought per dollar (= LTV:CAC). Vendors that
    return nearly the same are left alone. Amount = share x the worst vendor's spend, rounded to
    $100. Expected LTV gain = amount x (ROI best - ROI worst), assuming the next dollar buys leads
    as good as the last (a vendor's best leads may run out; treat it as an upper bound).
    """
    rule = (f"Rule: when the lowest-ROI vendor returns less than {trigger:.0%} of the highest-ROI "
            f"vendor's lifetime value per dollar, move {share:.0%} of its spend there (vendors with "
            f"{min_decided}+ decided leads in the window).")
    decided = vendors["decided"] if "decided" in vendors else vendors["leads"]
    v = vendors[(decided >= min_decided) & vendors["roi"].notna() & (vendors["spend"] > 0)]
    if len(v) < 2:
        return Reallocation(0.0, None, None, 0.0, f"No shift recommended: fewer than two vendors with "
                            f"{min_decided}+ decided leads to compare.", rule)
    best = v.loc[v["roi"].idxmax()]
    worst = v.loc[v["roi"].idxmin()]
    per_dollar = (1 + worst["roi"]) / (1 + best["roi"]) if best["roi"] > -1 else 1.0
    if per_dollar >= trigger:
        return Reallocation(0.0, None, None, 0.0,
                            f"No shift recommended: the weakest vendor ({worst['vendor']}, ROI "
                            f"{worst['roi']:,.0%}) returns {per_dollar:.0%} of what the best "
                            f"({best['vendor']}, ROI {best['roi']:,.0%}) returns per dollar.", rule)
    amount = float(round(share * worst["spend"] / 100.0) * 100.0)
    gain = amount * float(best["roi"] - worst["roi"])
    action = (
        f"Shift ${amount:,.0f} from {worst['vendor']} (ROI {worst['roi']:,.0%}, {worst['rating']}) "
        f"to {best['vendor']} (ROI {best['roi']:,.0%}, {best['rating']}): about ${gain:,.0f} more "
        f"lifetime value if the extra leads convert like the current ones."
    )
    return Reallocation(amount, str(worst["vendor"]), str(best["vendor"]), gain, action, rule)


# --- CAC by segment ---------------------------------------------------------------------------

def cac_by_segment(values: pd.DataFrame, through: dt.date, window_months: int | None = 12,
                   warning: float = 3.0) -> pd.DataFrame:
    """CAC and LTV:CAC by the tier of the household each sold lead became (rows Elite, Premium,
    Standard, Low-Value, All; ``values`` is ``sold_lead_values``).

    Spend allocation: each sold lead carries its own price plus an equal share of the price of
    its vendor's leads that did not sell (lost, bad or still open) in the window, so a vendor's
    whole spend is spread over its customers. CAC = allocated spend / sold; avg_ltv of the tier's
    sold households; ltv_cac = avg_ltv / CAC; max_cac = avg_ltv / warning (the most a customer of
    the tier may cost before LTV:CAC falls below the warning); status ALERT below the warning,
    else OK. The All row takes the whole spend (vendors without a sale included) over all sales.
    """
    w = in_window(values, through, window_months).copy()
    # Numbers as floats even when the window is empty (an empty text column must not make pandas
    # add text to numbers: issue 10.1).
    w["cost"] = pd.to_numeric(w["cost"], errors="coerce").fillna(0.0).astype(float)
    w["ltv"] = pd.to_numeric(w["ltv"], errors="coerce").astype(float)
    is_sold = w["sold"].astype(bool)
    unsold = w["cost"].where(~is_sold, 0.0).groupby(w["vendor"]).sum().astype(float)
    sold_n = is_sold.groupby(w["vendor"]).sum().astype(float)
    spread = (unsold / sold_n.where(sold_n > 0)).astype(float)  # each sale's share of the unsold leads
    sold = w[is_sold]
    allocated = sold["cost"].to_numpy(float) + sold["vendor"].map(spread).astype(float).fillna(0.0).to_numpy(float)
    rows = []
    tiers = sold["tier"].astype(object).to_numpy()
    ltv = sold["ltv"].to_numpy(float)
    for tier in TIERS:
        part = tiers == tier
        rows.append([tier, int(part.sum()), float(allocated[part].sum()),
                     float(np.nanmean(ltv[part])) if np.isfinite(ltv[part]).any() else np.nan])
    rows.append(["All", len(sold), float(w["cost"].sum()),
                 float(np.nanmean(ltv)) if np.isfinite(ltv).any() else np.nan])
    t = pd.DataFrame(rows, columns=["tier", "sold", "spend", "avg_ltv"])
    t["cac"] = acquisition_cost(t["spend"].to_numpy(), t["sold"].to_numpy())
    t["ltv_cac"] = ltv_to_cac(t["avg_ltv"].to_numpy(), t["cac"].to_numpy())
    t["max_cac"] = _ratio(t["avg_ltv"].to_numpy(), warning)
    t["warning"] = warning
    t["status"] = np.where(t["ltv_cac"].isna(), "", np.where(t["ltv_cac"] < warning, "ALERT", "OK"))
    return t


# --- lead score -------------------------------------------------------------------------------

NUMERIC_FEATURES = ("homeowner", "vehicles", "products_quoted")


@dataclass
class ScoreModel:
    """A fitted lead score. ``coefficients`` are in the order of ``names``: intercept, homeowner,
    vehicles, products_quoted, then one per vendor other than ``baseline_vendor``."""

    names: list[str]
    coefficients: list[float]
    baseline_vendor: str | None
    vendors: list[str]  # the vendors with a coefficient (baseline excluded)
    means: dict[str, float]  # training means, used for a missing homeowner/vehicles/products value
    vendor_mix: dict[str, float]  # share of training leads per vendor (baseline included)
    p_ref: float  # the probability that scores 100
    reference_quantile: float = 0.9  # p_ref is this percentile of the training leads' probabilities
    n_train: int = 0
    n_sold: int = 0
    l2: float = 1.0
    iterations: int = 0
    converged: bool = True
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # answers the log does not hold (no effect on the score)

    def vendor_effect(self, vendor: str | None) -> float:
        """The vendor's coefficient (0 for the baseline); an unknown or blank vendor gets the
        training-mix average of the vendor effects."""
        coef = dict(zip(self.names, self.coefficients))
        if vendor is not None and vendor == self.baseline_vendor:
            return 0.0
        if vendor is not None and f"vendor={vendor}" in coef:
            return coef[f"vendor={vendor}"]
        return float(sum(share * coef.get(f"vendor={v}", 0.0) for v, share in self.vendor_mix.items()))


def _as_float(values: pd.Series) -> np.ndarray:
    """Yes/no or numbers as floats (True 1, False 0), missing as NaN."""
    if values.dtype.kind in "biuf":  # already numbers or booleans: no text to translate
        return values.to_numpy(dtype=float, na_value=np.nan)
    s = values.map(lambda v: {"y": 1.0, "yes": 1.0, "n": 0.0, "no": 0.0}.get(v.strip().lower(), np.nan)
                   if isinstance(v, str) else v)
    return pd.to_numeric(s.astype(object).where(s.notna(), np.nan), errors="coerce").to_numpy(float)


def _numeric_matrix(leads: pd.DataFrame, means: dict[str, float]) -> np.ndarray:
    cols = []
    for name in NUMERIC_FEATURES:
        x = _as_float(leads[name]) if name in leads else np.full(len(leads), np.nan)
        cols.append(np.where(np.isnan(x), means.get(name, 0.0), x))
    return np.column_stack(cols) if cols else np.empty((len(leads), 0))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, max_iter: int = 100,
                 tol: float = 1e-9) -> tuple[np.ndarray, int, bool]:
    """Penalised logistic regression by Newton's method (IRLS).

    Minimises -loglik(b) + l2/2 * sum(b[1:]^2) (the intercept, column 0 of ``x``, is not
    penalised). Gradient g = X'(y - p) - l2 * b, Hessian H = X'WX + l2 * I with W = p(1-p);
    b += H^-1 g until the largest step is below ``tol``. Returns (coefficients, iterations,
    converged). Source: Hastie, Tibshirani & Friedman (2009), sec. 4.4.1 and 4.4.4.
    """
    n, k = x.shape
    b = np.zeros(k)
    mean = float(np.clip(y.mean(), 1e-6, 1 - 1e-6)) if n else 0.5
    b[0] = np.log(mean / (1 - mean))  # start at the base rate: fewer steps, no overshoot
    penalty = np.full(k, l2)
    penalty[0] = 0.0
    for it in range(1, max_iter + 1):
        p = 1.0 / (1.0 + np.exp(-(x @ b)))
        grad = x.T @ (y - p) - penalty * b
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-12 * np.eye(k)
        step = np.linalg.solve(hess, grad)
        b = b + step
        if np.max(np.abs(step)) < tol:
            return b, it, True
    return b, max_iter, False


def fit_lead_score(leads: pd.DataFrame, l2: float = 1.0, min_closed: int = 20,
                   reference_quantile: float = 0.9) -> ScoreModel | None:
    """Fit the lead score on the closed leads (Sold / Lost / Bad Lead) of the lead log.

    p_ref (the probability that scores 100) is the ``reference_quantile`` of the fitted leads'
    predicted probabilities (1.0 = the best of them).

    Features: homeowner (1/0), vehicles, products quoted (missing values take the training mean)
    and the vendor one-hot, with the vendor that has the most closed leads as the baseline (its
    effect is 0, the others are read against it). Returns None when there are fewer than
    ``min_closed`` closed leads or they are all sold or all lost (nothing to learn from).
    """
    closed = leads[leads["status"].isin(CLOSED_STATUSES)]
    y = (closed["status"] == SOLD).to_numpy(float)
    if len(closed) < min_closed or y.sum() == 0 or y.sum() == len(y):
        return None
    means = {}
    missing = []
    for name in NUMERIC_FEATURES:
        x = _as_float(closed[name]) if name in closed else np.full(len(closed), np.nan)
        means[name] = float(np.nanmean(x)) if np.isfinite(x).any() else 0.0
        if len(np.unique(x[np.isfinite(x)])) < 2:
            # The log does not hold this answer (an optional column; a missing yes/no reads as
            # "no" for everyone): nothing to learn from, the score does without it.
            missing.append(name)
    vendor = closed["vendor"].astype(str)
    counts = vendor.value_counts()
    ranked = sorted(counts.index, key=lambda v: (-counts[v], v))
    baseline, others = ranked[0], sorted(ranked[1:])
    dummies = np.column_stack([(vendor == v).to_numpy(float) for v in others]) if others else np.empty((len(closed), 0))
    answers = _numeric_matrix(closed, means)
    for i, name in enumerate(NUMERIC_FEATURES):
        if name in missing:
            answers[:, i] = 0.0  # no signal: its coefficient is exactly 0
    x = np.column_stack([np.ones(len(closed)), answers, dummies])
    b, iterations, converged = fit_logistic(x, y, l2)
    p = 1.0 / (1.0 + np.exp(-(x @ b)))
    names = ["intercept", *NUMERIC_FEATURES, *[f"vendor={v}" for v in others]]
    notes = [] if converged else [f"Newton's method stopped after {iterations} steps without converging."]
    return ScoreModel(
        names=names, coefficients=[float(c) for c in b], baseline_vendor=baseline, vendors=others,
        means=means, vendor_mix={v: float(counts[v] / len(closed)) for v in ranked},
        p_ref=float(np.quantile(p, reference_quantile)), reference_quantile=reference_quantile,
        n_train=len(closed), n_sold=int(y.sum()), l2=l2,
        iterations=iterations, converged=converged, notes=notes, missing=missing,
    )


def predict_probability(model: ScoreModel, leads: pd.DataFrame) -> np.ndarray:
    """Predicted probability of a sale for each lead (columns homeowner, vehicles, products_quoted,
    vendor; missing values take the training means, unknown vendors the mix-average effect)."""
    coef = np.asarray(model.coefficients, dtype=float)
    z = coef[0] + _numeric_matrix(leads, model.means) @ coef[1:1 + len(NUMERIC_FEATURES)]
    vendors = leads["vendor"] if "vendor" in leads else pd.Series([None] * len(leads))
    effects = {v: model.vendor_effect(v) for v in pd.unique(vendors.astype(object))}
    z = z + vendors.astype(object).map(effects).to_numpy(float)
    return 1.0 / (1.0 + np.exp(-z))


def score_from_probability(p, p_ref):  # noqa: ANN001, ANN201
    """Score 0-100 = round(100 x p / p_ref), capped at 100: a lead with probability p_ref or more
    scores 100, one half as likely 50. Monotone in p, so in each coefficient's direction."""
    s = np.clip(np.rint(100.0 * np.asarray(p, dtype=float) / float(p_ref)), 0, 100)
    return s if s.ndim else float(s)


def lead_scores(model: ScoreModel, leads: pd.DataFrame) -> np.ndarray:
    """Score 0-100 of each lead (see ``score_from_probability``)."""
    return score_from_probability(predict_probability(model, leads), model.p_ref)


def score_one(model: ScoreModel, homeowner: float, vehicles: float, products_quoted: float,
              vendor: str | None = None) -> float:
    """The score of one lead described by its answers (the LEAD_SCORE worksheet function): the
    arithmetic of ``lead_scores`` on one row, without building a table (numbers, NaN = unknown,
    which takes the training mean)."""
    answers = [float(v) for v in (homeowner, vehicles, products_quoted)]
    x = [model.means.get(n, 0.0) if math.isnan(v) else v for n, v in zip(NUMERIC_FEATURES, answers)]
    coef = model.coefficients
    # The weighted sum and exp stay numpy's (a BLAS dot product and numpy's exp may round the
    # last bit differently from Python's); the rest is plain float arithmetic, as in lead_scores.
    z = coef[0] + np.array([x]) @ np.asarray(coef[1:1 + len(NUMERIC_FEATURES)], dtype=float)
    p = float((1.0 / (1.0 + np.exp(-(z + model.vendor_effect(vendor)))))[0])
    score = 100.0 * p / float(model.p_ref)
    if math.isnan(score):
        return math.nan
    return float(min(max(round(score) if math.isfinite(score) else score, 0), 100))  # np.rint: halves to even


def score_band(score):  # noqa: ANN001, ANN201
    """Band of a 0-100 score: "90-100", "70-89", "50-69" or "<50"."""
    s = np.asarray(score, dtype=float)
    out = np.where(s >= 90, BANDS[0], np.where(s >= 70, BANDS[1], np.where(s >= 50, BANDS[2], BANDS[3])))
    return out if out.ndim else str(out)


def band_distribution(values: pd.DataFrame, scores: np.ndarray) -> pd.DataFrame:
    """Per score band (all four, fixed order): leads, closed, sold, conversion (sold / closed),
    avg_ltv (of the sold households found in the book) and open leads now. ``values`` is
    ``sold_lead_values`` and ``scores`` its leads' scores. The counts add up to the leads given."""
    t = values.assign(band=score_band(scores), closed=values["status"].isin(CLOSED_STATUSES),
                      is_open=values["status"].isin(OPEN_STATUSES))
    rows = []
    for band in BANDS:
        part = t[t["band"] == band]
        rows.append([band, len(part), int(part["closed"].sum()), int(part["sold"].sum()),
                     float(part["ltv"].mean()) if part["ltv"].notna().any() else np.nan,
                     int(part["is_open"].sum())])
    out = pd.DataFrame(rows, columns=["band", "leads", "closed", "sold", "avg_ltv", "open"])
    out["conversion"] = conversion_rate(out["sold"].to_numpy(), out["closed"].to_numpy())
    return out[["band", "leads", "closed", "sold", "conversion", "avg_ltv", "open"]]


# --- the queue of open leads -------------------------------------------------------------------

def priority(score, urgent: float = 90, high: float = 70):  # noqa: ANN001, ANN201
    """URGENT at or above ``urgent``, HIGH at or above ``high``, else NORMAL (thresholds on Settings)."""
    s = np.asarray(score, dtype=float)
    out = np.where(s >= urgent, URGENT, np.where(s >= high, HIGH, NORMAL))
    return out if out.ndim else str(out)


def tier_ltv(households: pd.DataFrame) -> dict[str, float]:
    """Average LTV of the book's households per tier (the estimated LTV of a lead of that tier)."""
    g = households.groupby("tier")["ltv"].mean()
    return {tier: float(g.get(tier, np.nan)) for tier in TIERS}


def lead_queue(leads: pd.DataFrame, scores: np.ndarray, tier_values: dict[str, float],
               urgent: float = 90, high: float = 70, n: int | None = 25,
               tier_rule: TierRule = TierRule(), as_of: dt.date | None = None,
               max_age_days: int | None = None) -> pd.DataFrame:
    """Open leads (New / Contacted / Quoted) to call, best first. With ``as_of`` and
    ``max_age_days``, open leads dated more than that many days before ``as_of`` are left out:
    a lead still "Contacted" after months has gone cold, calling it first would waste the day.

    Columns: lead_id, lead_date, vendor, zip, status, score, predicted_tier (the tier rule on the
    products quoted: 3+ Elite, 2 Premium, 1 or unknown Standard), estimated_ltv (the book's
    average for that tier), priority (by score) and contact_within (URGENT 24 hours, HIGH 3 days,
    NORMAL 1 week). Order: score, then estimated LTV, highest first, then the oldest lead first.
    """
    t = leads.assign(score=scores)
    t = t[t["status"].isin(OPEN_STATUSES)].copy()
    if as_of is not None and max_age_days is not None:
        age = (pd.Timestamp(as_of) - pd.to_datetime(t["lead_date"])).dt.days
        t = t[age <= max_age_days].copy()
    quoted = _as_float(t["products_quoted"]) if "products_quoted" in t else np.full(len(t), np.nan)
    premium = (pd.to_numeric(t["quoted_premium"], errors="coerce").to_numpy(float)
               if "quoted_premium" in t else np.full(len(t), np.nan))
    t["predicted_tier"] = tier_rule(np.nan_to_num(quoted, nan=1.0), premium) if len(t) else []
    t["estimated_ltv"] = t["predicted_tier"].map(tier_values).astype(float)
    t["priority"] = priority(t["score"].to_numpy(), urgent, high)
    t["contact_within"] = t["priority"].map(CONTACT_WITHIN)
    t["lead_date"] = pd.to_datetime(t["lead_date"])
    t = t.sort_values(["score", "estimated_ltv", "lead_date"], ascending=[False, False, True])
    cols = ["lead_id", "lead_date", "vendor", "zip", "status", "score", "predicted_tier",
            "estimated_ltv", "priority", "contact_within"]
    t = t.reindex(columns=cols)
    return (t.head(n) if n is not None else t).reset_index(drop=True)
