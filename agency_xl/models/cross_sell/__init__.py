"""Cross-sell: which product each household should be offered next, when, what it is worth, and
how much retention a second and third product buys.

Everything is measured on the book of business (and the sales report when there is one):

- Portfolio: households in force by product combination ("Auto+Home") and by product count
  (1, 2, 3+), from ``households.household_table``.
- Timing: for each household, the days from its first policy to the first product it ADDED (a
  product it did not have on its first day; products written on the first day are the initial
  sale, a bundle, not a cross-sell). The days are bucketed 0-30, 31-60, 61-90, 91-120 and 120+
  (day 121 to ``last_day``), and each bucket gets a hazard-style conversion rate:

      at risk(bucket)  = households whose first policy is old enough to have passed through the
                         whole bucket (first date + bucket end <= as_of), that had not added a
                         product before the bucket began and were still customers then;
      conversion(bucket) = those of them that added their first new product inside the bucket
                           / at risk.

  This is the life-table (actuarial) hazard: the chance of converting in the window given that the
  household has not converted yet (Kalbfleisch & Prentice, "The Statistical Analysis of Failure
  Time Data", 2002, ch. 1; the same idea as a retention curve's conditional churn). Buckets of
  different widths are compared on the 30-day equivalent 1 - (1 - h)^(30 / width).
  Average LTV per bucket is the mean ``ltv.lifetime_value`` of the households that converted in it,
  valued at conversion: their annual premium of the policies written up to and including the added
  one, the measured commission rate, the measured retention of their product count then
  (``households.retention_by_product_count``) and the discount rate.
- Next product: the owner's sequence (default Auto -> Home/Condo/Renters -> Umbrella -> Life); the
  next product of a household is the first step it does not hold.
- Observed conversion S -> X: of the households whose products in force were exactly S at the start
  of the window (``months`` before as_of), the share that wrote a policy of X within the window.
  Households that left count as not converted.
- Retention lift n -> m products = retention(m) - retention(n), retention measured by product
  count; lift(n, n) = 0.
- Opportunity: expected converts = round half up(customers x conversion rate); value = converts x
  LTV increase per convert (on the rounded count, as the plan computes 280 x 22% -> 62 ->
  $279,000). LTV increase = LTV(premium + added product's average premium, retention of n+1
  products) - LTV(premium, retention of n products).

Scalars and numpy arrays alike where that makes sense; NaN (not an error) where there is nothing
to measure, like the profitability model.

References: Gupta & Lehmann (2003), "Customers as assets" (the LTV formula, ``models/ltv.py``);
Kamakura, Ramaswami & Srivastava (1991), "Applying latent trait analysis in the evaluation of
prospects for cross-selling of financial services", IJRM 8(4) (financial products are acquired in
a typical order, the basis of a product sequence); the plan, section 6 (timing buckets, sequence
auto -> home -> umbrella -> life, retention 72% / 91% / 97% by product count).

The model in four modules, one job each:

- ``sequence``: the owner's product sequence and the next product of a household;
- ``portfolio``: households by product count and combination, retention by product count;
- ``conversion``: the sales history, the first added product, the timing windows, the observed
  conversion of each product set;
- ``opportunities``: the plan's opportunity arithmetic, the opportunity table, the sequence
  recommender.

Everything is imported from here (``from agency_xl.models import cross_sell``).
"""

from agency_xl.models.cross_sell.conversion import (
    BUCKET_EDGES,
    best_bucket,
    bucket_bounds,
    conversion_matrix,
    first_additions,
    observed_conversion,
    per_30_days,
    sale_events,
    timing_buckets,
    timing_recommendation,
)
from agency_xl.models.cross_sell.opportunities import (
    cross_sell_value,
    expected_converts,
    ltv_increase,
    opportunity_table,
    product_premiums,
    sequence_table,
)
from agency_xl.models.cross_sell.portfolio import (
    COUNT_LABELS,
    PLAN_RETENTION,
    average_products,
    combination_label,
    count_label,
    customers_kept,
    portfolio_by_combination,
    portfolio_by_count,
    retention_by_count,
    retention_for,
    retention_lift,
)
from agency_xl.models.cross_sell.sequence import (
    DEFAULT_SEQUENCE,
    canonical_product,
    next_product,
    next_products,
    parse_sequence,
    split_products,
)

__all__ = [
    "BUCKET_EDGES", "COUNT_LABELS", "DEFAULT_SEQUENCE", "PLAN_RETENTION", "average_products",
    "best_bucket", "bucket_bounds", "canonical_product", "combination_label", "conversion_matrix",
    "count_label", "cross_sell_value", "customers_kept", "expected_converts", "first_additions",
    "ltv_increase", "next_product", "next_products", "observed_conversion", "opportunity_table",
    "parse_sequence", "per_30_days", "portfolio_by_combination", "portfolio_by_count",
    "product_premiums", "retention_by_count", "retention_for", "retention_lift", "sale_events",
    "sequence_table", "split_products", "timing_buckets", "timing_recommendation",
]
