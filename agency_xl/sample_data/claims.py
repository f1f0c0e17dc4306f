"""Claims on the simulated policies, and how each develops from report to settlement.

Claims arrive on a policy while it is in force, at the product's yearly frequency (Auto most
often; Home less often but larger). Each claim has a cause of loss with its own severity, time
to settle, chance of closing without payment, and expense (LAE) ratio. On any date the claim's
state follows from its age: paid grows towards the ultimate amount, the reserve is the adjuster's
estimate of the rest (off by a random factor that shrinks as the claim matures), and the claim
closes at its settlement age. So two monthly claims reports show the same claims developing.
A few settled collision claims end as net recoveries (subrogation): a negative paid amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agency_xl.sample_data import profile as pf

CAUSES = [(pf.PRODUCT_INDEX[product], *cause)
          for product, causes in pf.CLAIM_CAUSES.items() for cause in causes]
FREQUENCY = np.array([p.claim_frequency for p in pf.PRODUCT_PROFILES])


@dataclass
class Claims:
    policy: np.ndarray
    product: np.ndarray
    cause: np.ndarray  # object
    loss: np.ndarray  # day of loss
    reported: np.ndarray
    ultimate: np.ndarray  # final paid (0 when closed without payment; negative for a recovery)
    settle: np.ndarray  # days from report to closing
    no_pay: np.ndarray  # bool: closes without payment
    recovery: np.ndarray  # bool
    first_estimate: np.ndarray  # the adjuster's first estimate of the ultimate
    lae_ratio: np.ndarray


@dataclass
class ClaimState:
    """The claims known on one date (reported on or before it), as a claims report shows them."""

    index: np.ndarray  # rows of the Claims arrays
    status: np.ndarray  # object
    paid: np.ndarray
    reserve: np.ndarray
    lae: np.ndarray


def simulate_claims(rng: np.random.Generator, product: np.ndarray, start: np.ndarray,
                    end: np.ndarray, window_start: int, as_of: int) -> Claims:
    """Claims with a loss date in [window_start, as_of] on policies in force on that date
    (``start``/``end``: each policy's first day and the day it stopped, NEVER if in force)."""
    lo = np.maximum(start, window_start)
    hi = np.minimum(end, as_of + 1)
    exposure = np.maximum(hi - lo, 0)
    count = rng.poisson(FREQUENCY[product] * exposure / 365.25)
    policy = np.repeat(np.arange(len(product)), count)
    loss = lo[policy] + np.floor(rng.random(len(policy)) * exposure[policy]).astype(np.int64)
    prod = product[policy]

    cause_idx = np.empty(len(policy), dtype=np.int64)
    for p in np.unique(prod):
        options = [i for i, c in enumerate(CAUSES) if c[0] == p]
        share = np.array([CAUSES[i][2] for i in options])
        mask = prod == p
        pick = rng.choice(len(options), mask.sum(), p=share / share.sum())
        cause_idx[mask] = np.array(options)[pick]
    table = np.array([c[3:] for c in CAUSES], dtype=float)  # severity, sigma, settle, no-pay, lae
    severity, sigma, settle_mean, no_pay_share, lae_ratio = table[cause_idx].T
    liability = np.array(["Injury" in c[1] or "Liability" in c[1] for c in CAUSES])[cause_idx]

    n = len(policy)
    reported = loss + np.floor(rng.exponential(np.where(liability, 20.0, 4.0))).astype(np.int64)
    ultimate = severity * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    no_pay = rng.random(n) < no_pay_share
    first_estimate = ultimate * np.exp(0.35 * rng.standard_normal(n) - 0.06)
    ultimate = np.where(no_pay, 0.0, np.round(ultimate, 2))
    settle = np.maximum(np.round(settle_mean * np.exp(0.6 * rng.standard_normal(n) - 0.18)), 3)

    # A few settled collision claims end as a net recovery.
    collision = np.flatnonzero((np.array([c[1] for c in CAUSES])[cause_idx] == "Collision")
                               & ~no_pay & (reported + settle < as_of - 60))
    recovery = np.zeros(n, dtype=bool)
    n_rec = min(len(collision), max(1, int(round(pf.RECOVERY_SHARE * n))))
    recovery[rng.choice(collision, n_rec, replace=False)] = True
    ultimate[recovery] = -np.round(rng.uniform(400, 2500, n_rec), 2)

    keep = reported <= as_of
    order = np.argsort(reported[keep], kind="stable")
    idx = np.flatnonzero(keep)[order]
    return Claims(
        policy=policy[idx], product=prod[idx],
        cause=np.array([c[1] for c in CAUSES], dtype=object)[cause_idx[idx]], loss=loss[idx],
        reported=reported[idx], ultimate=ultimate[idx], settle=settle[idx].astype(np.int64),
        no_pay=no_pay[idx], recovery=recovery[idx], first_estimate=first_estimate[idx],
        lae_ratio=lae_ratio[idx],
    )


def claim_state(c: Claims, on: int) -> ClaimState:
    """Each claim reported by day ``on`` as it stands that day."""
    idx = np.flatnonzero(c.reported <= on)
    age = on - c.reported[idx]
    settle = c.settle[idx]
    closed = age >= settle
    f = np.minimum(age / settle, 1.0)
    ult = c.ultimate[idx]
    estimate = np.abs(c.first_estimate[idx])
    # Paid starts after the first quarter of the claim's life and stops short of the whole
    # amount until it closes; the estimate moves from the first guess to the true amount.
    paid = np.where(closed, ult, np.round(ult * np.clip(1.2 * f - 0.25, 0, 0.9), 2))
    believed = np.where(c.no_pay[idx], estimate * (1 - f),
                        estimate ** (1 - f) * np.maximum(ult, 1) ** f)
    reserve = np.where(closed, 0.0, np.round(np.maximum(believed - paid, 0), 2))
    lae = np.round(c.lae_ratio[idx] * np.maximum(paid, 0), 2)
    status = np.where(closed, "Closed", "Open").astype(object)
    status[closed & c.no_pay[idx]] = "Closed - No Payment"
    status[closed & c.recovery[idx]] = "Closed - Subrogation"
    return ClaimState(index=idx, status=status, paid=paid, reserve=reserve, lae=lae)
