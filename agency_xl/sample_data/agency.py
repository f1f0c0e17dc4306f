"""The simulated agency as clean truth tables: ``simulate_agency(...) -> SampleAgency``.

The history is the 24 calendar months ending with the as-of date's month. The agency starts
with a book of households written over the previous years; leads, walk-ins and referrals bring
new households; households add products; policies renew, lapse and cancel
(``book.run_book``); claims and commission statements follow from the policies. The tables use
the snake_case field names of ``agency_xl.ams.reports`` and the types the AMS reader hands on
(ids as text, money as float, dates as datetime64[ns], canonical products and statuses), so a
test can compare what the reader makes of the messy export files against them.

One job, and long for it: the drawing itself is done by ``book``, ``households``, ``marketing``,
``claims`` and ``commissions``; this module runs them in order and lays their arrays out as the
truth tables, every table keyed by the same household ids and policy numbers drawn here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.book import (
    CANCELLED,
    DROPPED,
    EXPIRED,
    IN_FORCE,
    PENDING,
    BookRun,
    premium_at,
    run_book,
)
from agency_xl.sample_data.claims import ClaimState, claim_state, simulate_claims
from agency_xl.sample_data.commissions import BONUS, commission_rows, policy_terms
from agency_xl.sample_data.dates import (
    NEVER,
    add_months,
    datetime64,
    day,
    month_number,
    month_start,
)
from agency_xl.sample_data.households import (
    KIND_LEAD,
    KIND_REFERRAL,
    PLAN_LEN,
    PLAN_PRODUCTS,
    Households,
    PlannedPolicies,
    general_plans,
    general_vehicles,
    initial_households,
    make_households,
    names,
    plan_policies,
    premium_draw,
    walk_in_households,
)
from agency_xl.sample_data.marketing import (
    Leads,
    Referrals,
    simulate_leads,
    simulate_referrals,
)

PRODUCT_NAMES = np.array([p.name for p in pf.PRODUCT_PROFILES] + ["Other"], dtype=object)
STATUS_NAMES = {IN_FORCE: "In Force", CANCELLED: "Cancelled", EXPIRED: "Expired",
                PENDING: "Pending"}
BONUS_POLICY = "AGENCY BONUS"


@dataclass
class SampleAgency:
    """The truth behind the sample exports.

    The seven export tables (``policies`` ... ``referrals``) hold what a perfect reader would get
    from the files: ``claims`` is the final state on ``as_of``. Four more tables are not exports
    but help checks: ``claims_previous`` (the claims on the earlier report's run date,
    ``previous_claims_date``), ``terms`` (every policy term written, with its pay plan),
    ``renewals`` (every renewal offered, with the household's policy count at that moment).
    """

    as_of: dt.date
    households: int
    seed: int
    history_start: dt.date
    previous_claims_date: dt.date
    policies: pd.DataFrame
    growth: pd.DataFrame
    claims: pd.DataFrame
    commissions: pd.DataFrame
    sales: pd.DataFrame
    leads: pd.DataFrame
    referrals: pd.DataFrame
    claims_previous: pd.DataFrame
    terms: pd.DataFrame
    renewals: pd.DataFrame


def _concat_runs(a: BookRun, b: BookRun, offset: int) -> BookRun:
    out = {}
    for f in fields(BookRun):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in ("term_policy", "renewal_policy"):
            y = y + offset
        out[f.name] = np.concatenate([x, y])
    return BookRun(**out)


def _concat_policies(a: PlannedPolicies, b: PlannedPolicies, hh_offset: int) -> PlannedPolicies:
    out = {}
    for f in fields(PlannedPolicies):
        x, y = getattr(a, f.name), getattr(b, f.name)
        out[f.name] = np.concatenate([x, y + hh_offset if f.name == "hh" else y])
    return PlannedPolicies(**out)


def _policy_numbers(rng: np.random.Generator, product: np.ndarray) -> np.ndarray:
    """Policy numbers by product style; "0" + 8 digits keeps a leading zero (text in Excel)."""
    out = np.empty(len(product), dtype=object)
    styles: dict[str, list[int]] = {}
    for i, p in enumerate(pf.PRODUCT_PROFILES):
        styles.setdefault(p.number_style, []).append(i)
    for style, members in styles.items():
        idx = np.flatnonzero(np.isin(product, members))
        digits = 8 if style in ("zero", "nine") else (7 if style == "LF" else 6)
        low = 10 ** (digits - 1)
        numbers = low + rng.choice(9 * low, size=len(idx), replace=False)
        prefix = {"zero": "0", "nine": "9"}.get(style, style)
        out[idx] = [f"{prefix}{n}" for n in numbers]
    return out


def _ids(rng: np.random.Generator, n: int, first: int) -> np.ndarray:
    """Increasing numeric ids with small gaps (records deleted over the years)."""
    return first + np.cumsum(rng.geometric(0.7, n))


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object)).astype("str")


def simulate_agency(households: int = 1000, seed: int = 7,
                    as_of: dt.date = dt.date(2025, 10, 31)) -> SampleAgency:
    """Simulate a personal-lines agency of about ``households`` households in force on
    ``as_of`` over the 24 months ending with ``as_of``'s month; deterministic from ``seed``."""
    if households < 50:
        raise ValueError(f"households must be at least 50 (got {households})")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(10)]
    (rng_leads, rng_hh, rng_book, rng_ref, rng_ref_hh, rng_ref_book, rng_comm, rng_claims,
     rng_ids, rng_quotes) = streams
    end = day(as_of)
    start = int(add_months(month_start(end), -23))
    years = (end - start + 1) / 365.25

    # Households: the initial book, sold leads, walk-ins.
    leads = simulate_leads(rng_leads, households, start, end)
    sold = np.flatnonzero(leads.status == "Sold")
    vendor_names = np.array([v[0] for v in pf.LEAD_VENDORS], dtype=object)
    lead_hh = make_households(rng_hh, leads.sold_date[sold], leads.plan[sold],
                              leads.products_quoted[sold], leads.vehicles[sold],
                              vendor_names[leads.vendor[sold]], sold, KIND_LEAD)
    lead_hh.zip = leads.zip[sold]
    hh_a = Households.concat([
        initial_households(rng_hh, int(round(pf.INITIAL_HOUSEHOLDS * households)), start),
        lead_hh,
        walk_in_households(rng_hh, int(round(pf.WALK_IN_PER_YEAR * years * households / 1000)),
                           start, end),
    ])
    pol_a = plan_policies(rng_hh, hh_a)
    run_a = run_book(rng_book, pol_a, len(hh_a), start, end)

    # Referrals from the households of that book, and the households they bring.
    written = np.isin(run_a.status, (IN_FORCE, CANCELLED, EXPIRED))
    first_day = np.full(len(hh_a), NEVER)
    np.minimum.at(first_day, pol_a.hh[written], run_a.start[written])
    last_day = np.zeros(len(hh_a), dtype=np.int64)
    np.maximum.at(last_day, pol_a.hh[written], run_a.end[written])
    n_products = np.bincount(pol_a.hh[written], minlength=len(hh_a))
    refs = simulate_referrals(rng_ref, households, first_day, last_day, n_products, start, end)
    ref_sold = np.flatnonzero(refs.status == "Sold")
    n_b = len(ref_sold)
    hh_b = make_households(rng_ref_hh, refs.sold_date[ref_sold], general_plans(rng_ref_hh, n_b),
                           np.ones(n_b, dtype=np.int64), general_vehicles(rng_ref_hh, n_b),
                           np.full(n_b, "Referral", dtype=object), np.full(n_b, -1),
                           KIND_REFERRAL)
    pol_b = plan_policies(rng_ref_hh, hh_b)
    run_b = run_book(rng_ref_book, pol_b, n_b, start, end)

    hh = Households.concat([hh_a, hh_b])
    pol = _concat_policies(pol_a, pol_b, len(hh_a))
    run = _concat_runs(run_a, run_b, len(pol_a.hh))

    # Ids: households numbered in the order they became customers; one named like a business
    # whose name starts with "@" (it must stay text in Excel, never become a formula).
    order = np.argsort(hh.since, kind="stable")
    hh_id = np.empty(len(hh), dtype=np.int64)
    hh_id[order] = _ids(rng_ids, len(hh), 100_000)
    insured = np.array([f"{last}, {first}" for first, last in zip(hh.first, hh.last)],
                       dtype=object)
    business = np.concatenate([np.flatnonzero(pol.product == pf.PRODUCT_INDEX[p])
                               for p in ("Commercial", "Landlord")])
    if len(business):
        insured[pol.hh[business[0]]] = "@Home Properties LLC"
    policy_no = _policy_numbers(rng_ids, pol.product)
    in_book = np.flatnonzero(np.isin(run.status, (IN_FORCE, CANCELLED, EXPIRED, PENDING)))

    policies = _policies_table(run, pol, hh, in_book, policy_no, hh_id, insured)
    sales_idx = in_book[(run.start[in_book] >= start) & (run.start[in_book] <= end)
                        & (run.status[in_book] != PENDING)]
    lead_ids = np.where(hh.lead >= 0, leads.lead_id[np.maximum(hh.lead, 0)], -1)
    sale_lead = np.where(pol.same_day[sales_idx], lead_ids[pol.hh[sales_idx]], -1)
    sales = pd.DataFrame({
        "policy_number": _text(policy_no[sales_idx]),
        "household_id": _text(hh_id[pol.hh[sales_idx]].astype(str)),
        "product": _text(PRODUCT_NAMES[pol.product[sales_idx]]),
        "issue_date": datetime64(run.start[sales_idx]),
        "premium": np.round(run.first_premium[sales_idx], 2),
        "producer": _text(np.array(pf.PRODUCERS, dtype=object)[pol.producer[sales_idx]]),
        "lead_source": _text(pol.source[sales_idx]),
        "lead_id": pd.Series([str(x) if x >= 0 else np.nan for x in sale_lead], dtype="str"),
    }).sort_values(["issue_date", "policy_number"], kind="stable", ignore_index=True)

    growth = _growth_table(run, pol, start, end)
    terms = policy_terms(run, pol)
    comm = commission_rows(rng_comm, terms, pol, start, end)
    is_bonus = comm.policy == BONUS
    commissions = pd.DataFrame({
        "statement_date": datetime64(comm.statement),
        "policy_number": _text(np.where(is_bonus, BONUS_POLICY,
                                        policy_no[np.maximum(comm.policy, 0)])),
        "product": _text(PRODUCT_NAMES[comm.product]),
        "transaction_type": _text(comm.kind),
        "transaction_effective_date": datetime64(comm.effective),
        "premium": comm.premium,
        "commission_rate": comm.rate,
        "commission_amount": comm.amount,
    })
    pay_names = np.array([p[0] for p in pf.PAY_PLANS], dtype=object)
    terms_table = pd.DataFrame({
        "policy_number": _text(policy_no[terms.policy]),
        "household_id": _text(hh_id[pol.hh[terms.policy]].astype(str)),
        "product": _text(PRODUCT_NAMES[pol.product[terms.policy]]),
        "term_effective_date": datetime64(terms.start),
        "term_end_date": datetime64(terms.end),
        "premium": np.round(terms.premium, 2),
        "new_business": terms.new,
        "cancelled": terms.cancelled,
        "commission_rate": terms.rate,
        "pay_plan": _text(pay_names[pol.pay_plan[terms.policy]]),
    })
    rp = run.renewal_policy
    renewals = pd.DataFrame({
        "policy_number": _text(policy_no[rp]),
        "household_id": _text(hh_id[pol.hh[rp]].astype(str)),
        "product": _text(PRODUCT_NAMES[pol.product[rp]]),
        "renewal_date": datetime64(run.renewal_day),
        "household_products": run.renewal_count,
        "retained": run.renewal_kept,
        "renewal_premium": np.round(run.renewal_premium, 2),
    })

    claims_sim = simulate_claims(rng_claims, pol.product, np.where(
        np.isin(run.status, (IN_FORCE, CANCELLED, EXPIRED)), run.start, NEVER), run.end, start, end)
    claim_no = np.array([f"0{n}" for n in _ids(rng_ids, len(claims_sim.policy), 700_000_000)],
                        dtype=object)
    previous = int(month_start(end)) - 1

    def claims_table(state: ClaimState) -> pd.DataFrame:
        i = state.index
        return pd.DataFrame({
            "claim_number": _text(claim_no[i]),
            "policy_number": _text(policy_no[claims_sim.policy[i]]),
            "product": _text(PRODUCT_NAMES[claims_sim.product[i]]),
            "loss_date": datetime64(claims_sim.loss[i]),
            "reported_date": datetime64(claims_sim.reported[i]),
            "claim_status": _text(state.status),
            "paid_loss": state.paid,
            "reserve": state.reserve,
            "incurred_loss": np.round(state.paid + state.reserve, 2),
            "lae": state.lae,
            "cause_of_loss": _text(claims_sim.cause[i]),
        })

    leads_table = _leads_table(rng_quotes, leads, hh, pol, run, hh_id, start)
    referred = np.array([f"{first} {last}" for first, last in
                         zip(*_referred_names(rng_ref, refs, hh, len(hh_a)))], dtype=object)
    day_one = np.bincount(pol.hh[pol.same_day & (run.status != DROPPED)], minlength=len(hh))
    ref_hh = np.full(len(refs.date), -1)
    ref_hh[ref_sold] = len(hh_a) + np.arange(n_b)
    incentive = np.where(day_one[np.maximum(ref_hh, 0)] >= 2, pf.REFERRAL_INCENTIVE[1],
                         pf.REFERRAL_INCENTIVE[0])
    referrals = pd.DataFrame({
        "referral_date": datetime64(refs.date),
        "referrer_household_id": _text(hh_id[refs.referrer].astype(str)),
        "referred_name": _text(referred),
        "status": _text(refs.status),
        "sold_date": datetime64(np.where(refs.sold_date >= 0, refs.sold_date, NEVER)),
        "household_id": pd.Series([str(hh_id[h]) if h >= 0 else np.nan for h in ref_hh],
                                  dtype="str"),
        "incentive_paid": np.where(ref_hh >= 0, incentive, np.nan),
    })

    return SampleAgency(
        as_of=as_of, households=households, seed=seed,
        history_start=dt.date(1970, 1, 1) + dt.timedelta(days=start),
        previous_claims_date=dt.date(1970, 1, 1) + dt.timedelta(days=previous),
        policies=policies, growth=growth, claims=claims_table(claim_state(claims_sim, end)),
        commissions=commissions, sales=sales, leads=leads_table, referrals=referrals,
        claims_previous=claims_table(claim_state(claims_sim, previous)), terms=terms_table,
        renewals=renewals,
    )


def _referred_names(rng: np.random.Generator, refs: Referrals, hh: Households,
                    offset: int) -> tuple[np.ndarray, np.ndarray]:
    """The referred person's name: the new household's for sold referrals, else drawn."""
    first, last = names(rng, len(refs.date))
    sold = np.flatnonzero(refs.status == "Sold")
    first[sold] = hh.first[offset + np.arange(len(sold))]
    last[sold] = hh.last[offset + np.arange(len(sold))]
    return first, last


def _policies_table(run: BookRun, pol: PlannedPolicies, hh: Households, idx: np.ndarray,
                    policy_no: np.ndarray, hh_id: np.ndarray, insured: np.ndarray) -> pd.DataFrame:
    status = run.status[idx]
    pending = status == PENDING
    eff = np.where(pending, run.start[idx], run.term_eff[idx])
    expiration = np.where(status == EXPIRED, run.end[idx], add_months(eff, 12))
    frame = pd.DataFrame({
        "policy_number": _text(policy_no[idx]),
        "household_id": _text(hh_id[pol.hh[idx]].astype(str)),
        "insured_name": _text(insured[pol.hh[idx]]),
        "product": _text(PRODUCT_NAMES[pol.product[idx]]),
        "status": _text(np.array([STATUS_NAMES[s] for s in status], dtype=object)),
        "original_effective_date": datetime64(run.start[idx]),
        "effective_date": datetime64(eff),
        "expiration_date": datetime64(expiration),
        "cancel_date": datetime64(np.where(status == CANCELLED, run.end[idx], NEVER)),
        "annual_premium": np.round(run.premium[idx], 2),
        "producer": _text(np.array(pf.PRODUCERS, dtype=object)[pol.producer[idx]]),
        "lead_source": _text(pol.source[idx]),
        "zip": _text(np.array([z for z, _ in pf.ZIPS], dtype=object)[hh.zip[pol.hh[idx]]]),
        "_seq": pol.seq[idx],
    })
    # Policies written the same day stay in the order the household bought them (Auto first).
    return frame.sort_values(["household_id", "original_effective_date", "_seq"], kind="stable",
                             ignore_index=True).drop(columns="_seq")


def _growth_table(run: BookRun, pol: PlannedPolicies, start: int, end: int) -> pd.DataFrame:
    """One row per month and product: the policy counts of the growth & retention report.
    Ending PIF = Beginning PIF + New Business - (Offered - Retained) - Cancellations."""
    written = np.isin(run.status, (IN_FORCE, CANCELLED, EXPIRED))
    first_month = int(month_number(start))
    n_months = int(month_number(end)) - first_month + 1
    bounds = np.append(add_months(np.full(n_months, start), np.arange(n_months)), end + 1)
    n_prod = len(pf.PRODUCT_PROFILES)
    a, e, p = run.start[written], run.end[written], pol.product[written]
    status = run.status[written]

    def in_force_on(b: int) -> np.ndarray:
        return np.bincount(p[(a < b) & (e >= b)], minlength=n_prod)

    def by_month(days: np.ndarray, prod: np.ndarray, weights=None) -> np.ndarray:
        m = np.searchsorted(bounds, days, side="right") - 1
        ok = (m >= 0) & (m < n_months)
        out = np.zeros((n_months, n_prod))
        np.add.at(out, (m[ok], prod[ok]), 1 if weights is None else weights[ok])
        return out

    begin = np.array([in_force_on(b) for b in bounds[:-1]])
    ending = np.array([in_force_on(b) for b in bounds[1:]])
    new = by_month(a, p)
    cancels = by_month(e[status == CANCELLED], p[status == CANCELLED])
    rp = pol.product[run.renewal_policy]
    offered = by_month(run.renewal_day, rp)
    kept = run.renewal_kept
    retained = by_month(run.renewal_day[kept], rp[kept])
    renewal_premium = by_month(run.renewal_day[kept], rp[kept], run.renewal_premium[kept])
    active = (begin + new).sum(axis=0) > 0
    rows = []
    for m in range(n_months):
        for j in np.flatnonzero(active):
            rows.append((bounds[m], PRODUCT_NAMES[j], begin[m, j], new[m, j], offered[m, j],
                         retained[m, j], cancels[m, j], ending[m, j], renewal_premium[m, j]))
    g = pd.DataFrame(rows, columns=["month", "product", "beginning_pif", "new_business",
                                    "renewals_offered", "renewals_retained", "cancellations",
                                    "ending_pif", "renewal_premium"])
    g["month"] = datetime64(g["month"].to_numpy())
    g["product"] = g["product"].astype("str")
    for c in ("beginning_pif", "new_business", "renewals_offered", "renewals_retained",
              "cancellations", "ending_pif"):
        g[c] = g[c].astype(np.int64)
    g["renewal_premium"] = g["renewal_premium"].round(2)
    with np.errstate(invalid="ignore", divide="ignore"):
        g["retention_pct"] = np.round(g["renewals_retained"] / g["renewals_offered"].where(
            g["renewals_offered"] > 0), 4)
    return g


def _leads_table(rng: np.random.Generator, leads: Leads, hh: Households, pol: PlannedPolicies,
                 run: BookRun, hh_id: np.ndarray, start: int) -> pd.DataFrame:
    n = len(leads.lead_id)
    household = np.full(n, -1)
    lead_hh = np.flatnonzero(hh.lead >= 0)
    household[hh.lead[lead_hh]] = lead_hh
    # Quoted premium: for a sale, what was bound on the day (the quote is a little off);
    # otherwise an estimate of the products quoted at the rates of the lead's date.
    quote = np.zeros(n)
    bound = pol.same_day & np.isin(run.status, (IN_FORCE, CANCELLED, EXPIRED))
    by_hh = np.bincount(pol.hh[bound], weights=run.first_premium[bound], minlength=len(hh))
    has_hh = household >= 0
    quote[has_hh] = by_hh[household[has_hh]] * rng.uniform(0.96, 1.08, has_hh.sum())
    rest = np.flatnonzero(~has_hh)
    count = np.minimum(leads.products_quoted[rest], PLAN_LEN[leads.plan[rest]])
    owner = np.repeat(rest, count)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    product = PLAN_PRODUCTS[leads.plan[owner], pos]
    each = premium_at(premium_draw(rng, product, leads.vehicles[owner]), product,
                      leads.date[owner], start)
    quote[rest] = np.bincount(np.searchsorted(rest, owner), weights=each, minlength=len(rest))
    quote = np.where(leads.quoted, np.round(quote, 2), np.nan)
    vendor_names = np.array([v[0] for v in pf.LEAD_VENDORS], dtype=object)
    return pd.DataFrame({
        "lead_id": _text(leads.lead_id.astype(str)),
        "lead_date": datetime64(leads.date),
        "vendor": _text(vendor_names[leads.vendor]),
        "cost": leads.cost.astype(float),
        "status": _text(leads.status),
        "sold_date": datetime64(np.where(leads.sold_date >= 0, leads.sold_date, NEVER)),
        "household_id": pd.Series([str(hh_id[h]) if h >= 0 else np.nan for h in household],
                                  dtype="str"),
        "quoted_premium": quote,
        "products_quoted": leads.products_quoted.astype(np.int64),
        "homeowner": leads.homeowner.astype(bool),
        "vehicles": leads.vehicles.astype(np.int64),
        "current_carrier": _text(np.array(pf.CARRIERS, dtype=object)[leads.carrier]),
        "zip": _text(np.array([z for z, _ in pf.ZIPS], dtype=object)[leads.zip]),
        # The sample's lead export carries no Producer column (the optional column stays blank).
        "producer": pd.Series(np.nan, index=range(n), dtype="str"),
    })
