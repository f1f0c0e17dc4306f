"""The words both the reader and the models use: the reports, the products, the statuses and the
commission transaction types, as ../shared/AMS_EXPORTS.md names them.

The bottom layer: it imports nothing of agency_xl, and everything may import it. The reader
(``ams``) maps what the exports say onto these words; the models compute with them.
"""

from __future__ import annotations

# The seven reports, in the contract's order: key -> the owner's name for it.
REPORT_TITLES: dict[str, str] = {
    "policies": "Book of business (All Purpose Audit)",
    "growth": "Policy growth & retention",
    "claims": "Claims detail",
    "commissions": "Commission statement",
    "sales": "New business (sales)",
    "leads": "Lead log",
    "referrals": "Referral log",
}

# Canonical products, and the AMS names mapped to them (AMS_EXPORTS.md, "Products").
PRODUCTS: tuple[str, ...] = (
    "Auto", "Home", "Condo", "Renters", "Landlord", "Umbrella", "Life", "Motorcycle",
    "Specialty", "Commercial", "Other",
)
PRODUCT_ALIASES: dict[str, str] = {
    "private passenger auto": "Auto", "ppa": "Auto", "auto - std": "Auto", "auto": "Auto",
    "personal auto": "Auto",
    "homeowners": "Home", "ho-3": "Home", "ho3": "Home", "home": "Home",
    "condominium": "Condo", "ho-6": "Condo", "ho6": "Condo", "condo": "Condo",
    "ho-4": "Renters", "ho4": "Renters", "renters": "Renters",
    "landlord package": "Landlord", "landlord": "Landlord", "landlords": "Landlord",
    "personal umbrella policy": "Umbrella", "pup": "Umbrella", "umbrella": "Umbrella",
    "term life": "Life", "universal life": "Life", "whole life": "Life", "life": "Life",
    "motorcycle": "Motorcycle",
    "boat": "Specialty", "motor home": "Specialty", "rv": "Specialty", "specialty": "Specialty",
    "business owners": "Commercial", "bop": "Commercial", "commercial": "Commercial",
    "other": "Other",
}

# Policy statuses of the book of business.
IN_FORCE, CANCELLED, EXPIRED, PENDING = "In Force", "Cancelled", "Expired", "Pending"

# Commission statement transaction types.
NEW_BUSINESS, RENEWAL = "New Business", "Renewal"
CANCELLATION, CHARGEBACK = "Cancellation", "Chargeback"
