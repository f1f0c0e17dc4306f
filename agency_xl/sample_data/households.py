"""Households as the simulation starts them: when they became customers, from which source,
which bundle of products they will buy over time, and the policies that bundle plans.

A household's plan is an ordered product bundle (``profile.HOUSEHOLD_PLANS``). Its first product
is written on the day it becomes a customer; each added product follows 0-400 days later
(some on the same day, as a bundle). Whether a planned policy is ever written is decided later,
in ``book.run_book``: an added product is only sold while the household still has a policy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.dates import seasonal_days

# Every bundle the simulation knows, general and lead-specific, as one table of product indexes.
PLANS: tuple[tuple[str, ...], ...] = tuple(dict.fromkeys(
    [p for p, _ in pf.HOUSEHOLD_PLANS]
    + [p for plans in pf.LEAD_PLANS.values() for p, _ in plans]
))
PLAN_ID = {p: i for i, p in enumerate(PLANS)}
PLAN_LEN = np.array([len(p) for p in PLANS])
PLAN_PRODUCTS = np.full((len(PLANS), max(PLAN_LEN)), -1)
for _i, _p in enumerate(PLANS):
    PLAN_PRODUCTS[_i, : len(_p)] = [pf.PRODUCT_INDEX[name] for name in _p]

KIND_INITIAL, KIND_LEAD, KIND_WALK_IN, KIND_REFERRAL = 0, 1, 2, 3


@dataclass
class Households:
    """Households to simulate, one array element each."""

    since: np.ndarray  # day the first policy is written
    plan: np.ndarray  # index into PLANS
    day_one: np.ndarray  # products written on the first day (>= 1)
    vehicles: np.ndarray
    source: np.ndarray  # lead source (object array of str)
    producer: np.ndarray  # index into profile.PRODUCERS
    zip: np.ndarray  # index into profile.ZIPS
    first: np.ndarray  # first name (object)
    last: np.ndarray  # last name (object)
    lead: np.ndarray  # row of the lead table the household came from, or -1
    kind: np.ndarray  # KIND_*

    def __len__(self) -> int:
        return len(self.since)

    @staticmethod
    def concat(parts: list[Households]) -> Households:
        return Households(**{
            f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Households)
        })


def choose(rng: np.random.Generator, options: tuple, n: int) -> np.ndarray:
    """``n`` draws from ((value, weight), ...); returns the indexes of the values."""
    w = np.array([o[1] for o in options], dtype=float)
    return rng.choice(len(options), size=n, p=w / w.sum())


def general_plans(rng: np.random.Generator, n: int) -> np.ndarray:
    idx = choose(rng, pf.HOUSEHOLD_PLANS, n)
    ids = np.array([PLAN_ID[p] for p, _ in pf.HOUSEHOLD_PLANS])
    return ids[idx]


def lead_plans(rng: np.random.Generator, homeowner: np.ndarray, vehicles: np.ndarray) -> np.ndarray:
    """A plan for each lead, from what the lead says about home and vehicles."""
    out = np.empty(len(homeowner), dtype=np.int64)
    for key, options in pf.LEAD_PLANS.items():
        mask = (homeowner == key[0]) & ((vehicles > 0) == key[1])
        ids = np.array([PLAN_ID[p] for p, _ in options])
        out[mask] = ids[choose(rng, options, int(mask.sum()))]
    return out


def names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.array(pf.FIRST_NAMES, dtype=object)[rng.integers(len(pf.FIRST_NAMES), size=n)]
    last = np.array(pf.LAST_NAMES, dtype=object)[rng.integers(len(pf.LAST_NAMES), size=n)]
    return first, last


def general_vehicles(rng: np.random.Generator, n: int) -> np.ndarray:
    return 1 + rng.binomial(3, 0.3, size=n)


def make_households(rng: np.random.Generator, since: np.ndarray, plan: np.ndarray,
                    day_one: np.ndarray, vehicles: np.ndarray, source: np.ndarray,
                    lead: np.ndarray, kind: int) -> Households:
    """Households with the given facts; producer, ZIP and names drawn here."""
    n = len(since)
    first, last = names(rng, n)
    return Households(
        since=np.asarray(since, dtype=np.int64), plan=np.asarray(plan, dtype=np.int64),
        day_one=np.asarray(day_one, dtype=np.int64), vehicles=np.asarray(vehicles, dtype=np.int64),
        source=np.asarray(source, dtype=object),
        producer=choose(rng, tuple(zip(pf.PRODUCERS, pf.PRODUCER_WEIGHTS)), n),
        zip=choose(rng, pf.ZIPS, n), first=first, last=last,
        lead=np.asarray(lead, dtype=np.int64), kind=np.full(n, kind, dtype=np.int8),
    )


def initial_households(rng: np.random.Generator, n: int, window_start: int) -> Households:
    """The book at the start of the history: customers for up to 20 years, fewer of the older
    ones (they have had longer to leave), written more in spring than in July."""
    years = np.minimum(np.floor(rng.exponential(pf.CUSTOMER_AGE_YEARS, size=n)), 20).astype(int)
    since = seasonal_days(rng, n, window_start - 365, window_start - 1, pf.BOOK_SEASON)
    since = since - np.round(years * 365.25).astype(np.int64)
    plan = general_plans(rng, n)
    source = np.array([s for s, _ in pf.HISTORIC_SOURCES], dtype=object)[
        choose(rng, pf.HISTORIC_SOURCES, n)]
    return make_households(rng, since, plan, np.ones(n, dtype=np.int64), general_vehicles(rng, n),
                           source, np.full(n, -1), KIND_INITIAL)


def walk_in_households(rng: np.random.Generator, n: int, first: int, last: int) -> Households:
    """New customers who came in without a lead or a referral, with the spring sales peak."""
    since = seasonal_days(rng, n, first, last, pf.SALES_SEASON)
    source = np.array([s for s, _ in pf.WALK_IN_SOURCES], dtype=object)[
        choose(rng, pf.WALK_IN_SOURCES, n)]
    return make_households(rng, since, general_plans(rng, n), np.ones(n, dtype=np.int64),
                           general_vehicles(rng, n), source, np.full(n, -1), KIND_WALK_IN)


@dataclass
class PlannedPolicies:
    """Every policy a household's plan could write, one array element each."""

    hh: np.ndarray  # household index
    product: np.ndarray  # index into profile.PRODUCT_PROFILES
    date: np.ndarray  # day it would be written
    seq: np.ndarray  # 0 = the household's first policy
    same_day: np.ndarray  # written on the household's first day (bundle at sale)
    start_premium: np.ndarray  # annual premium at the rates of the first day of the history
    pay_plan: np.ndarray  # index into profile.PAY_PLANS
    producer: np.ndarray
    source: np.ndarray


def premium_draw(rng: np.random.Generator, product: np.ndarray, vehicles: np.ndarray) -> np.ndarray:
    """Annual premium at start-of-history rates: lognormal around the product's mean, auto
    scaled by the number of vehicles."""
    base = np.array([p.premium for p in pf.PRODUCT_PROFILES])[product]
    sigma = np.array([p.premium_sigma for p in pf.PRODUCT_PROFILES])[product]
    noise = np.exp(sigma * rng.standard_normal(len(product)) - sigma**2 / 2)
    v = np.maximum(vehicles, 1)
    vehicle_factor = np.where(product == pf.PRODUCT_INDEX["Auto"], (0.5 + 0.5 * v) / 1.45, 1.0)
    return base * noise * vehicle_factor


def plan_policies(rng: np.random.Generator, hh: Households) -> PlannedPolicies:
    """Explode each household's plan into dated policies (days after ``since``: 0 for the first
    ``day_one`` products, then sorted gamma-distributed delays capped at 400 days)."""
    length = PLAN_LEN[hh.plan]
    owner = np.repeat(np.arange(len(hh)), length)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(length) - length, length)
    product = PLAN_PRODUCTS[hh.plan[owner], pos]
    shape, scale = pf.CROSS_SELL_DAYS
    delay = 1 + np.minimum(np.floor(rng.gamma(shape, scale, size=len(owner))), 399).astype(np.int64)
    # A lead's household buys what was quoted on the day; others sometimes bundle at sale.
    bundled = (pos < hh.day_one[owner]) | (
        (rng.random(len(owner)) < pf.BUNDLE_AT_SALE) & (hh.lead[owner] < 0))
    delay[bundled] = 0
    delay[pos == 0] = -1  # keeps the first product first when sorting
    order = np.lexsort((delay, owner))  # rows are grouped by household, so this sorts within each
    delay = np.maximum(delay[order], 0)
    n = len(owner)
    pay = choose(rng, tuple((p[0], p[2]) for p in pf.PAY_PLANS), n)
    producer = hh.producer[owner].copy()
    moved = (pos > 0) & (rng.random(n) < 0.2)  # an added product is sometimes another producer's
    producer[moved] = choose(rng, tuple(zip(pf.PRODUCERS, pf.PRODUCER_WEIGHTS)), int(moved.sum()))
    source = hh.source[owner].copy()
    source[delay > 0] = "Existing Customer"
    return PlannedPolicies(
        hh=owner, product=product, date=hh.since[owner] + delay, seq=pos, same_day=delay == 0,
        start_premium=premium_draw(rng, product, hh.vehicles[owner]), pay_plan=pay,
        producer=producer, source=source,
    )
