"""Customer segments: tiers of households by products and premium, their lifetime value, where the
marketing budget earns most, and what upgrading customers to the next tier is worth.

Tiers (the plan's four, thresholds are Settings inputs):
    Elite      households with ``elite_min_products`` (3) or more products in force
    Premium    ``premium_min_products`` (2) up to the Elite threshold
    Standard   one product
    Low-Value  one product and annual premium below ``low_value_premium`` - or, when the claims
               export is there, one product and loss-making (claims of the last 12 months above
               ``loss_ratio_limit`` x its annual premium).

Lifetime value of a household is ``agency_xl.models.ltv.lifetime_value`` of its premium, the
commission rate (measured on the commission statements), the retention MEASURED on the book for its
product count (``households.retention_by_product_count``) and the discount rate.

Marketing allocation: the budget is handed out in steps (1% of it) to the tier whose next step
buys the most lifetime value, within min/max shares per tier; a tier's returns diminish as its
spend grows. See ``optimise_allocation``.

Functions take scalars or numpy arrays where that makes sense and return NaN (not an error) where a
figure has nothing to be measured on, like the profitability model.

References: Gupta & Lehmann (2003), "Customers as assets" (LTV); Ibaraki & Katoh (1988), "Resource
Allocation Problems", ch. 4 (greedy steps are optimal for separable concave returns with bounds);
Hanssens, Parsons & Schultz (2001), "Market Response Models", ch. 3 (power response
``sales ~ spend^beta`` with 0 < beta < 1 for diminishing returns to marketing).

The model in four modules, one job each:

- ``tiers``: the tier rule;
- ``valuation``: retention, tier and LTV of every household, the summary and CAC per tier;
- ``allocation``: the recommended split of the marketing budget over the tiers;
- ``upgrades``: the upgrade opportunity and the measured upgrade rate.

Everything is imported from here (``from agency_xl.models import segments``).
"""

from agency_xl.models.ltv import (  # noqa: F401 (part of this module's API)
    COMMISSIONED_TYPES,
    lifetime_value,
    measured_commission_rate,
)
from agency_xl.models.segments.allocation import (
    ALLOCATION_RULE,
    Allocation,
    allocation_roi,
    customers_from_spend,
    optimise_allocation,
)
from agency_xl.models.segments.tiers import (
    ELITE,
    LOW_VALUE,
    PREMIUM,
    STANDARD,
    TIERS,
    segment,
    tier_products_label,
)
from agency_xl.models.segments.upgrades import (
    UpgradeOpportunity,
    measured_upgrade_rate,
    round_half_up,
    upgrade_opportunity,
)
from agency_xl.models.segments.valuation import (
    COUNT_LABELS,
    RetentionUsed,
    cac_by_tier,
    household_losses,
    retention_for_ltv,
    segment_households,
    tier_summary,
    value_households,
)

__all__ = [
    "ALLOCATION_RULE", "COMMISSIONED_TYPES", "COUNT_LABELS", "ELITE", "LOW_VALUE", "PREMIUM",
    "STANDARD", "TIERS", "Allocation", "RetentionUsed", "UpgradeOpportunity", "allocation_roi",
    "cac_by_tier", "customers_from_spend", "household_losses", "lifetime_value",
    "measured_commission_rate", "measured_upgrade_rate", "optimise_allocation", "retention_for_ltv",
    "round_half_up", "segment", "segment_households", "tier_products_label", "tier_summary",
    "upgrade_opportunity", "value_households",
]
