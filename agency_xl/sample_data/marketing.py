"""Leads from vendors and referrals from customers: where new households come from.

Leads: each vendor sends a number of leads a year, spread with the spring peak. A lead says
whether the prospect owns a home, how many vehicles they have and how many products were quoted;
homeowners, more vehicles and more products quoted close more often (a logistic model whose
intercept per vendor is solved so the vendor's conversion lands on its target: one good vendor
near 15%, one poor near 6%). Bad leads never close. A sold lead becomes a new household.

Referrals: about 8% of households refer someone (households with more products refer more),
1.4 referrals each on average; about 35% are sold and become new households, and the referrer is
paid an incentive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.dates import seasonal_days
from agency_xl.sample_data.households import PLAN_LEN, lead_plans


@dataclass
class Leads:
    """The lead log before household IDs are known; one array element per lead."""

    lead_id: np.ndarray  # int
    date: np.ndarray  # day received
    vendor: np.ndarray  # index into profile.LEAD_VENDORS
    cost: np.ndarray
    homeowner: np.ndarray  # bool
    vehicles: np.ndarray
    products_quoted: np.ndarray
    plan: np.ndarray  # the bundle the prospect would buy
    carrier: np.ndarray  # index into profile.CARRIERS
    zip: np.ndarray  # index into profile.ZIPS
    status: np.ndarray  # object: New, Contacted, Quoted, Sold, Lost, Bad Lead
    sold_date: np.ndarray  # day sold, or -1
    quoted: np.ndarray  # bool: a quote was given (Quoted Premium known)
    probability: np.ndarray  # the model's chance of a sale (kept for checks)


def _logit_intercept(x: np.ndarray, target: float) -> float:
    """The intercept a for which mean(sigmoid(a + x)) equals ``target`` (bisection)."""
    lo, hi = -15.0, 15.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(mid + x)))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def simulate_leads(rng: np.random.Generator, households: int, first: int, last: int) -> Leads:
    """Leads received between days ``first`` and ``last`` (inclusive) for an agency of
    ``households`` households."""
    years = (last - first + 1) / 365.25
    parts = []
    for v, (_, per_year, cost, target, homeowner_share, bad_share) in enumerate(pf.LEAD_VENDORS):
        n = int(round(per_year * years * households / 1000))
        date = seasonal_days(rng, n, first, last, pf.SALES_SEASON)
        homeowner = rng.random(n) < homeowner_share
        vehicles = np.where(homeowner, 1 + rng.binomial(3, 0.35, n), 1 + rng.binomial(2, 0.3, n))
        vehicles[rng.random(n) < 0.06] = 0
        pq = 1 + rng.binomial(2, np.where(homeowner, 0.45, 0.2))
        plan = lead_plans(rng, homeowner, vehicles)
        pq = np.minimum(pq, np.maximum(PLAN_LEN[plan], 1))
        bad = rng.random(n) < bad_share
        s = pf.LEAD_SCORE
        x = s["homeowner"] * homeowner + s["vehicle"] * (np.minimum(vehicles, 4) - 1) \
            + s["product"] * (pq - 1)
        # Bad leads never close, so the good ones carry the vendor's whole conversion.
        a = _logit_intercept(x[~bad], target / max(1 - bad.mean(), 1e-9))
        prob = np.where(bad, 0.0, 1 / (1 + np.exp(-(a + x))))
        parts.append(dict(date=date, vendor=np.full(n, v), cost=np.full(n, cost),
                          homeowner=homeowner, vehicles=vehicles, products_quoted=pq, plan=plan,
                          bad=bad, probability=prob))
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(cat["date"], kind="stable")
    cat = {k: v[order] for k, v in cat.items()}
    n = len(order)
    lead_id = 4_100_000 + np.cumsum(1 + rng.geometric(0.6, n))  # CRM ids; deleted leads leave gaps

    sold = rng.random(n) < cat["probability"]
    sold_date = cat["date"] + 1 + np.floor(rng.gamma(1.5, 5.0, n)).astype(np.int64)
    pending = sold & (sold_date > last)  # would close, but not yet: still quoted
    sold &= ~pending
    age = last - cat["date"]
    bad = cat["bad"]
    fresh = (age < 7) & ~sold & ~pending & ~bad
    contacted = rng.random(n) < 0.75
    quoted = sold | pending | (contacted & (rng.random(n) < 0.7) & ~bad & ~fresh)
    status = np.full(n, "Contacted", dtype=object)  # reached but never quoted
    status[~contacted & (age > 30)] = "Lost"  # never reached
    status[quoted] = np.where(age[quoted] > 30, "Lost", "Quoted")
    status[pending] = "Quoted"
    status[fresh] = np.where(rng.random(int(fresh.sum())) < 0.5, "New", "Contacted")
    status[bad] = "Bad Lead"
    status[sold] = "Sold"
    return Leads(
        lead_id=lead_id, date=cat["date"], vendor=cat["vendor"], cost=cat["cost"],
        homeowner=cat["homeowner"], vehicles=cat["vehicles"],
        products_quoted=cat["products_quoted"], plan=cat["plan"],
        carrier=rng.choice(len(pf.CARRIERS), size=n, p=_carrier_weights()),
        zip=rng.choice(len(pf.ZIPS), size=n, p=np.array([w for _, w in pf.ZIPS])),
        status=status, sold_date=np.where(sold, sold_date, -1), quoted=quoted,
        probability=cat["probability"],
    )


def _carrier_weights() -> np.ndarray:
    w = np.array([0.18, 0.17, 0.16, 0.09, 0.07, 0.10, 0.06, 0.05, 0.04, 0.08])
    return w / w.sum()


@dataclass
class Referrals:
    """The referral log before household IDs are known; one array element per referral."""

    date: np.ndarray
    referrer: np.ndarray  # household index of the referrer
    status: np.ndarray  # object: Quoted, Sold, Lost
    sold_date: np.ndarray  # day sold, or -1


def simulate_referrals(rng: np.random.Generator, households: int, first_day: np.ndarray,
                       last_day: np.ndarray, products: np.ndarray, window_start: int,
                       as_of: int) -> Referrals:
    """Referrals made by existing households while they were customers.

    ``first_day``/``last_day``: when each candidate household was a customer (last_day > as_of
    for those still in force); ``products``: its most products at once (more products, more
    likely to refer, as the plan's Elite customers are the best referral sources).
    """
    lo = np.maximum(first_day, window_start)
    hi = np.minimum(last_day, as_of)
    eligible = np.flatnonzero(hi > lo + 14)
    n_referrers = min(int(round(pf.REFERRER_SHARE * households)), len(eligible))
    weight = (1.0 + 1.5 * (np.minimum(products[eligible], 3) - 1)).astype(float)
    referrer = rng.choice(eligible, size=n_referrers, replace=False, p=weight / weight.sum())
    count = 1 + rng.poisson(pf.EXTRA_REFERRALS, size=n_referrers)
    who = np.repeat(referrer, count)
    date = lo[who] + np.floor(rng.random(len(who)) * (hi[who] - lo[who])).astype(np.int64)
    order = np.argsort(date, kind="stable")
    who, date = who[order], date[order]
    sold_date = date + 3 + np.floor(rng.gamma(2.0, 5.0, len(who))).astype(np.int64)
    closes = rng.random(len(who)) < pf.REFERRAL_CLOSE
    sold = closes & (sold_date <= as_of)
    status = np.where(sold, "Sold", np.where(as_of - date > 45, "Lost", "Quoted")).astype(object)
    return Referrals(date=date, referrer=who, status=status,
                     sold_date=np.where(sold, sold_date, -1))
