"""Leads, part 4: the lead score. A penalised logistic regression of "sold" fitted on the closed
leads, each lead's score 0-100 against a high percentile of the fitted probabilities, its band,
and conversion by band."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agency_xl.models.leads.arithmetic import CLOSED_STATUSES, OPEN_STATUSES, SOLD, conversion_rate

BANDS = ("90-100", "70-89", "50-69", "<50")

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
