"""Commission statement rows from the policy terms the book wrote.

Each term is billed by its pay plan (paid in full, semi-annual, quarterly or monthly); every
installment brings a commission row ("New Business" in a policy's first term, "Renewal" after)
at the term's commission rate. A term cancelled early gives back the commission on the premium
billed but not earned: a pro-rated negative row, "Chargeback" when new business cancels in its
first months (the early cancellations), "Cancellation" otherwise. Mid-term changes give
"Chargeup" (a vehicle added) and "Endorsement" rows (a vehicle removed, a coverage change),
pro-rated to the term's end; a few "Adjustment" rows correct a rate; a yearly "Bonus" row is
paid in February.

A row reaches the statement dated on the 15th of the month after the carrier has processed it
(20 days plus a gamma-distributed delay), so commission lag (statement date minus transaction
effective date) centres near 48 days, with 80% of rows between about 32 and 63 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agency_xl.sample_data import profile as pf
from agency_xl.sample_data.book import CANCELLED, BookRun
from agency_xl.sample_data.dates import add_months, day, next_day_of_month, to_date
from agency_xl.sample_data.households import PlannedPolicies

RATE_NEW = np.array([p.commission_new for p in pf.PRODUCT_PROFILES])
RATE_RENEWAL = np.array([p.commission_renewal for p in pf.PRODUCT_PROFILES])
INSTALLMENTS = np.array([p[1] for p in pf.PAY_PLANS])
BONUS = -1  # policy index of the agency bonus row


@dataclass
class Terms:
    """One element per term written, with when it actually ended."""

    policy: np.ndarray
    start: np.ndarray
    scheduled_end: np.ndarray
    end: np.ndarray  # min(scheduled end, next term, cancellation/expiry); scheduled if running
    premium: np.ndarray
    new: np.ndarray  # the policy's first term
    cancelled: np.ndarray  # the term ended by a mid-term cancellation
    rate: np.ndarray  # commission rate


@dataclass
class CommissionRows:
    statement: np.ndarray
    policy: np.ndarray  # policy index, BONUS for the bonus
    product: np.ndarray  # product index, -1 for the bonus
    kind: np.ndarray  # object: transaction type
    effective: np.ndarray
    premium: np.ndarray  # NaN when none
    rate: np.ndarray  # NaN when none
    amount: np.ndarray


def policy_terms(run: BookRun, pol: PlannedPolicies) -> Terms:
    order = np.lexsort((run.term_start, run.term_policy))
    policy, start = run.term_policy[order], run.term_start[order]
    scheduled = add_months(start, 12)
    nxt = np.full(len(policy), np.iinfo(np.int64).max)
    same = policy[1:] == policy[:-1]
    nxt[:-1][same] = start[1:][same]
    end = np.minimum(np.minimum(scheduled, nxt), run.end[policy])
    last = ~np.append(same, False)
    cancelled = last & (run.status[policy] == CANCELLED)
    new = run.term_new[order]
    product = pol.product[policy]
    return Terms(policy=policy, start=start, scheduled_end=scheduled, end=end,
                 premium=run.term_premium[order], new=new, cancelled=cancelled,
                 rate=np.where(new, RATE_NEW[product], RATE_RENEWAL[product]))


def statement_dates(rng: np.random.Generator, effective: np.ndarray) -> np.ndarray:
    offset, shape, scale = pf.PROCESSING_DAYS
    processed = effective + offset + np.floor(rng.gamma(shape, scale, len(effective)))
    return next_day_of_month(processed.astype(np.int64), pf.STATEMENT_DAY)


def commission_rows(rng: np.random.Generator, terms: Terms, pol: PlannedPolicies,
                    window_start: int, as_of: int) -> CommissionRows:
    """Every commission row with a statement date from the first statement of the history's
    first month to ``as_of``."""
    t_n = len(terms.policy)
    product = pol.product[terms.policy]
    n_inst = INSTALLMENTS[pol.pay_plan[terms.policy]]
    length = terms.scheduled_end - terms.start

    # Installments billed before the term ended.
    rows = np.repeat(np.arange(t_n), n_inst)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(n_inst) - n_inst, n_inst)
    inst_day = add_months(terms.start[rows], k * (12 // n_inst[rows]))
    billed = (inst_day < terms.end[rows]) & (inst_day <= as_of)
    rows, inst_day = rows[billed], inst_day[billed]
    inst_premium = terms.premium[rows] / n_inst[rows]
    parts = [(rows, inst_day, inst_premium, np.where(terms.new[rows], "New Business", "Renewal"))]

    # Cancelled terms give back the unearned part of what was billed.
    c = np.flatnonzero(terms.cancelled & (terms.end <= as_of))
    n_billed = np.bincount(rows, minlength=t_n)[c]
    unearned = terms.premium[c] * (n_billed / n_inst[c]
                                   - (terms.end[c] - terms.start[c]) / length[c])
    keep = unearned > 0.5
    c = c[keep]
    early = terms.new[c] & (terms.end[c] - terms.start[c] <= pf.EARLY_CANCEL_DAYS[1])
    parts.append((c, terms.end[c], -unearned[keep], np.where(early, "Chargeback", "Cancellation")))

    # Mid-term changes.
    p_change = np.array([pf.ENDORSEMENT_RATE.get(p.name, pf.OTHER_ENDORSEMENT_RATE)
                         for p in pf.PRODUCT_PROFILES])[product]
    room = terms.end - terms.start - 15
    e = np.flatnonzero((rng.random(t_n) < p_change) & (room > 0))
    e_day = terms.start[e] + 10 + np.floor(rng.random(len(e)) * room[e]).astype(np.int64)
    keep = e_day <= as_of
    e, e_day = e[keep], e_day[keep]
    u = rng.random(len(e))
    is_auto = product[e] == pf.PRODUCT_INDEX["Auto"]
    added_car = is_auto & (u < 0.45)
    removed_car = is_auto & (u >= 0.45) & (u < 0.70)
    change = np.where(added_car, rng.uniform(0.25, 0.45, len(e)),
                      np.where(removed_car, -rng.uniform(0.15, 0.30, len(e)),
                               rng.uniform(-0.08, 0.12, len(e))))
    remaining = (terms.scheduled_end[e] - e_day) / length[e]
    parts.append((e, e_day, change * terms.premium[e] * remaining,
                  np.where(added_car, "Chargeup", "Endorsement")))

    policy_rows = np.concatenate([p[0] for p in parts])
    effective = np.concatenate([p[1] for p in parts])
    premium = np.round(np.concatenate([p[2] for p in parts]), 2)
    kind = np.concatenate([p[3] for p in parts]).astype(object)
    rate = terms.rate[policy_rows]
    amount = np.round(rate * premium, 2)
    statement = statement_dates(rng, effective)

    # A few rate corrections, with no premium.
    a = np.flatnonzero(rng.random(t_n) < 0.003)
    a_amount = np.round(terms.premium[a] * rng.choice([-0.005, 0.005, 0.01], len(a)), 2)
    a_statement = statement_dates(rng, terms.start[a])

    first_statement = next_day_of_month(np.array([window_start]), pf.STATEMENT_DAY)[0]
    # The yearly bonus on the year's written premium, paid on the February statement.
    bonus_statement, bonus_effective, bonus_amount = [], [], []
    for year in range(to_date(window_start).year, to_date(as_of).year + 1):
        paid = day(to_date(window_start).replace(year=year + 1, month=2, day=pf.STATEMENT_DAY))
        if first_statement <= paid <= as_of:
            in_year = (terms.start >= day(to_date(0).replace(year=year))) & (
                terms.start < day(to_date(0).replace(year=year + 1)))
            bonus_statement.append(paid)
            bonus_effective.append(day(to_date(0).replace(year=year, month=12, day=31)))
            bonus_amount.append(round(pf.BONUS_SHARE * float(terms.premium[in_year].sum()), 2))
    nb = len(bonus_statement)

    out = CommissionRows(
        statement=np.concatenate([statement, a_statement,
                                  np.array(bonus_statement, dtype=np.int64)]),
        policy=np.concatenate([terms.policy[policy_rows], terms.policy[a], np.full(nb, BONUS)]),
        product=np.concatenate([product[policy_rows], product[a], np.full(nb, -1)]),
        kind=np.concatenate([kind, np.full(len(a), "Adjustment", dtype=object),
                             np.full(nb, "Bonus", dtype=object)]),
        effective=np.concatenate([effective, terms.start[a],
                                  np.array(bonus_effective, dtype=np.int64)]),
        premium=np.concatenate([premium, np.full(len(a) + nb, np.nan)]),
        rate=np.concatenate([rate, np.full(len(a) + nb, np.nan)]),
        amount=np.concatenate([amount, a_amount, np.array(bonus_amount)]),
    )
    keep = (out.statement >= first_statement) & (out.statement <= as_of)
    order = np.lexsort((out.policy[keep], out.effective[keep], out.statement[keep]))
    idx = np.flatnonzero(keep)[order]
    return CommissionRows(**{f: getattr(out, f)[idx] for f in out.__dataclass_fields__})
