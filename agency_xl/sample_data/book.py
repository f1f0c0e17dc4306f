"""The book of business over time: a day-by-day simulation of writing, renewing and cancelling.

Each day, in this order: policies reaching their anniversary are offered renewal and kept with a
probability set by the product and by how many policies the household has at that moment;
policies due to cancel mid-term are cancelled; planned policies are written (a household's
first policy always, an added product only while the household still has a policy). All terms
are twelve months. The state is plain numpy arrays over all planned policies, so a day is a few
vectorised comparisons even for a 25,000-household agency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.dates import NEVER, add_months
from agency_xl.sample_data.households import PlannedPolicies

PLANNED, IN_FORCE, CANCELLED, EXPIRED, DROPPED, PENDING = 0, 1, 2, 3, 4, 5
PENDING_DAYS = 45  # planned policies effective this soon after the as-of date show as Pending

RETENTION = np.array([p.retention for p in pf.PRODUCT_PROFILES])  # [product, min(count,3)-1]
TREND = np.array([p.rate_trend for p in pf.PRODUCT_PROFILES])
AUTO = pf.PRODUCT_INDEX["Auto"]


@dataclass
class BookRun:
    """What happened to every planned policy, and the logs of terms and renewals."""

    status: np.ndarray
    start: np.ndarray  # day written (original effective date); planned day if never written
    end: np.ndarray  # day cancelled or expired; NEVER while in force
    term_eff: np.ndarray  # start of the current (or last) term
    term_k: np.ndarray  # anniversaries passed
    premium: np.ndarray  # current (or last) annual premium
    first_premium: np.ndarray  # premium of the first term
    # one row per term written: policy, term start, annual premium, first term of the policy
    term_policy: np.ndarray
    term_start: np.ndarray
    term_premium: np.ndarray
    term_new: np.ndarray
    # one row per renewal offered
    renewal_policy: np.ndarray
    renewal_day: np.ndarray
    renewal_count: np.ndarray  # the household's policies in force when it was offered
    renewal_premium: np.ndarray  # premium of the new term (when kept)
    renewal_kept: np.ndarray


def premium_at(start_premium: np.ndarray, product: np.ndarray, day: np.ndarray,
               window_start: int) -> np.ndarray:
    """Rates move with the product's yearly trend; a premium written at ``day``."""
    return start_premium * (1 + TREND[product]) ** ((day - window_start) / 365.25)


def _last_anniversary_before(orig: np.ndarray, day: int) -> np.ndarray:
    """Number of anniversaries k with orig + k years < day."""
    months = (np.asarray(day).astype("M8[D]").astype("M8[M]").astype(np.int64)
              - orig.astype("M8[D]").astype("M8[M]").astype(np.int64))
    k = months // 12
    k = np.where(add_months(orig, 12 * k) >= day, k - 1, k)
    return np.maximum(k, 0)


def _early_cancel_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days from writing to an early cancellation; they cluster in the first weeks
    (non-payment, the customer rewrote elsewhere)."""
    lo, hi = pf.EARLY_CANCEL_DAYS
    return (lo + np.minimum(np.floor(rng.exponential((hi - lo) / 3, n)), hi - lo)).astype(np.int64)


def run_book(rng: np.random.Generator, pol: PlannedPolicies, n_households: int,
             window_start: int, as_of: int) -> BookRun:
    """Simulate every planned policy from ``window_start`` to ``as_of`` (inclusive)."""
    n = len(pol.hh)
    hh, product = pol.hh, pol.product
    status = np.full(n, PLANNED, dtype=np.int8)
    start = pol.date.copy()
    end = np.full(n, NEVER, dtype=np.int64)
    term_eff = np.full(n, NEVER, dtype=np.int64)
    term_k = np.zeros(n, dtype=np.int64)
    next_anniv = np.full(n, NEVER, dtype=np.int64)
    cancel_at = np.full(n, NEVER, dtype=np.int64)
    plan_day = np.where(pol.date >= window_start, pol.date, NEVER)
    premium = np.zeros(n)
    first_premium = np.zeros(n)
    terms: list[tuple[np.ndarray, ...]] = []
    renewals: list[tuple[np.ndarray, ...]] = []

    # Policies already written before the history starts are in force on its first day.
    init = np.flatnonzero(pol.date < window_start)
    k = _last_anniversary_before(pol.date[init], window_start)
    status[init] = IN_FORCE
    term_k[init] = k
    term_eff[init] = add_months(pol.date[init], 12 * k)
    next_anniv[init] = add_months(pol.date[init], 12 * (k + 1))
    premium[init] = premium_at(pol.start_premium[init], product[init], term_eff[init], window_start)
    first_premium[init] = premium_at(pol.start_premium[init], product[init], pol.date[init],
                                     window_start)
    left = next_anniv[init] - window_start
    cancels = rng.random(len(init)) < pf.MID_TERM_CANCEL * left / 365
    cancel_at[init[cancels]] = window_start + np.floor(rng.random(cancels.sum()) * left[cancels])
    # New business written shortly before the history may still cancel early within it.
    early_day = pol.date[init] + _early_cancel_days(rng, len(init))
    early = (k == 0) & (rng.random(len(init)) < pf.EARLY_CANCEL) & (early_day >= window_start)
    cancel_at[init[early]] = early_day[early]
    terms.append((init, term_eff[init], premium[init], k == 0))
    active = np.bincount(hh[init], minlength=n_households)

    for d in range(window_start, as_of + 1):
        # 1. renewals offered today
        r = np.flatnonzero(next_anniv == d)
        if len(r):
            count = active[hh[r]]
            p = RETENTION[product[r], np.minimum(count, 3) - 1]
            # Part of the decisions are made for the whole household at once (they leave together).
            uniq, inv = np.unique(hh[r], return_inverse=True)
            shared = rng.random(len(uniq))[inv]
            u = np.where(rng.random(len(r)) < pf.HOUSEHOLD_SHOCK, shared, rng.random(len(r)))
            kept = u < p
            new_premium = premium[r] * (1 + TREND[product[r]] + 0.03 * rng.standard_normal(len(r)))
            renewals.append((r, np.full(len(r), d), count, np.where(kept, new_premium, 0.0), kept))
            rk, rl = r[kept], r[~kept]
            term_k[rk] += 1
            term_eff[rk] = d
            next_anniv[rk] = add_months(start[rk], 12 * (term_k[rk] + 1))
            premium[rk] = new_premium[kept]
            mid = rng.random(len(rk)) < pf.MID_TERM_CANCEL
            cancel_at[rk[mid]] = d + rng.integers(15, 350, size=mid.sum())
            terms.append((rk, np.full(len(rk), d), premium[rk], np.zeros(len(rk), dtype=bool)))
            status[rl] = EXPIRED
            end[rl] = d
            next_anniv[rl] = NEVER
            active -= np.bincount(hh[rl], minlength=n_households)
        # 2. cancellations effective today
        c = np.flatnonzero(cancel_at == d)
        if len(c):
            status[c] = CANCELLED
            end[c] = d
            next_anniv[c] = NEVER
            cancel_at[c] = NEVER
            active -= np.bincount(hh[c], minlength=n_households)
        # 3. policies written today: first policies, then products added by existing households
        w = np.flatnonzero(plan_day == d)
        if len(w):
            plan_day[w] = NEVER
            first = w[pol.seq[w] == 0]
            active += np.bincount(hh[first], minlength=n_households)
            added = w[pol.seq[w] > 0]
            ok = active[hh[added]] > 0
            status[added[~ok]] = DROPPED
            new = np.concatenate([first, added[ok]])
            active += np.bincount(hh[added[ok]], minlength=n_households)
            status[new] = IN_FORCE
            term_eff[new] = d
            next_anniv[new] = add_months(np.full(len(new), d), 12)
            premium[new] = premium_at(pol.start_premium[new], product[new], np.full(len(new), d),
                                      window_start)
            first_premium[new] = premium[new]
            early = rng.random(len(new)) < pf.EARLY_CANCEL
            cancel_at[new[early]] = d + _early_cancel_days(rng, int(early.sum()))
            terms.append((new, np.full(len(new), d), premium[new], np.ones(len(new), dtype=bool)))

    # Products planned for the coming weeks of households still with us are already bound.
    future = np.flatnonzero(plan_day < NEVER)
    soon = (pol.date[future] <= as_of + PENDING_DAYS) & (active[hh[future]] > 0)
    status[future[soon]] = PENDING
    premium[future[soon]] = premium_at(pol.start_premium[future[soon]], product[future[soon]],
                                       pol.date[future[soon]], window_start)
    first_premium[future[soon]] = premium[future[soon]]
    status[future[~soon]] = DROPPED

    def cat(i: int, log: list[tuple[np.ndarray, ...]]) -> np.ndarray:
        return np.concatenate([t[i] for t in log]) if log else np.zeros(0)

    return BookRun(
        status=status, start=start, end=end, term_eff=term_eff, term_k=term_k, premium=premium,
        first_premium=first_premium,
        term_policy=cat(0, terms).astype(np.int64), term_start=cat(1, terms).astype(np.int64),
        term_premium=cat(2, terms), term_new=cat(3, terms).astype(bool),
        renewal_policy=cat(0, renewals).astype(np.int64),
        renewal_day=cat(1, renewals).astype(np.int64),
        renewal_count=cat(2, renewals).astype(np.int64), renewal_premium=cat(3, renewals),
        renewal_kept=cat(4, renewals).astype(bool),
    )
