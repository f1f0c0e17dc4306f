"""The simulated agency's profile: who it is, what it sells, at what price, how customers behave.

Every number the simulation draws from lives here, so calibration is one place to read. The
targets are the plan's agency (../shared/REFERENCE_POINTS.md) at 1,000 households: about 1.3
products per household, ~$3.68M premium in force, overall renewal retention near 89.6%,
commission ~7% of premium, chargebacks on ~8% of new business, a loss ratio of 55-70%.
The constants were tuned by running the simulation with seed 7 and reading the truth tables
(tests/test_sample_data.py checks them within tolerances); they are plausible personal-lines
figures, not any carrier's.
"""

from __future__ import annotations

from dataclasses import dataclass

AGENCY_NAME = "Whitfield Insurance Agency, LLC"
AGENCY_CODE = "0J417"
PRODUCERS = ("Dana Whitfield", "Marcus Bell", "Priya Shah")
PRODUCER_WEIGHTS = (0.30, 0.42, 0.28)

# Month-of-year weights (Jan..Dec). Sales peak in spring (Mar-May) and sag in Jul-Aug, as in the
# plan's seasonal index; renewals follow when the book was first written, so the initial book's
# original effective months carry the plan's renewal concentration (March high, July low).
SALES_SEASON = (0.85, 0.95, 1.30, 1.35, 1.25, 1.05, 0.80, 0.75, 0.90, 1.00, 0.90, 0.90)
BOOK_SEASON = (0.90, 1.00, 1.45, 1.25, 1.10, 0.95, 0.58, 0.85, 0.95, 1.00, 0.95, 1.02)


@dataclass(frozen=True)
class ProductProfile:
    """One product line as the simulation sees it."""

    name: str  # canonical product (agency_xl.ams.reports.PRODUCTS)
    book_names: tuple[str, ...]  # AMS product names written in the exports, first most often
    premium: float  # mean annual premium at the start of the history, $
    premium_sigma: float  # lognormal spread of one policy's premium
    rate_trend: float  # yearly premium increase at renewal and for new business
    retention: tuple[float, float, float]  # renewal probability, household with 1 / 2 / 3+ products
    claim_frequency: float  # claims per policy-year
    commission_new: float  # commission rate on new business
    commission_renewal: float  # commission rate on renewals
    number_style: str  # policy number: "zero" 0 + 8 digits (text), "nine" 9 + 8 digits, or a prefix


PRODUCT_PROFILES: tuple[ProductProfile, ...] = (
    ProductProfile("Auto", ("Private Passenger Auto", "Auto - Std", "PPA"), 2650.0, 0.35, 0.09,
                   (0.862, 0.94, 0.975), 0.30, 0.09, 0.057, "zero"),
    ProductProfile("Home", ("HO-3", "Homeowners"), 3000.0, 0.35, 0.10,
                   (0.90, 0.945, 0.98), 0.14, 0.11, 0.072, "nine"),
    ProductProfile("Condo", ("HO-6",), 850.0, 0.30, 0.06, (0.88, 0.93, 0.97), 0.06, 0.11, 0.08,
                   "nine"),
    ProductProfile("Renters", ("HO-4",), 230.0, 0.25, 0.03, (0.76, 0.90, 0.95), 0.04, 0.15, 0.10,
                   "nine"),
    ProductProfile("Landlord", ("Landlord Package",), 1700.0, 0.30, 0.07, (0.86, 0.92, 0.96),
                   0.06, 0.10, 0.08, "nine"),
    ProductProfile("Umbrella", ("PUP", "Personal Umbrella Policy"), 420.0, 0.25, 0.05,
                   (0.95, 0.95, 0.95), 0.002, 0.12, 0.10, "zero"),
    ProductProfile("Life", ("Term Life", "Universal Life"), 1000.0, 0.45, 0.0,
                   (0.99, 0.99, 0.99), 0.0, 0.45, 0.03, "LF"),
    ProductProfile("Motorcycle", ("Motorcycle",), 900.0, 0.35, 0.05, (0.80, 0.90, 0.95), 0.06,
                   0.10, 0.08, "zero"),
    ProductProfile("Specialty", ("Boat", "Motor Home"), 900.0, 0.40, 0.05, (0.82, 0.90, 0.95),
                   0.06, 0.10, 0.08, "zero"),
    ProductProfile("Commercial", ("BOP",), 2800.0, 0.40, 0.06, (0.85, 0.90, 0.95), 0.08, 0.12,
                   0.10, "BOP"),
)
PRODUCT_INDEX = {p.name: i for i, p in enumerate(PRODUCT_PROFILES)}
# The growth report has one row per month and product; it names each product once.
GROWTH_NAMES = {
    "Auto": "Auto - Std", "Home": "Homeowners", "Condo": "Condominium", "Renters": "HO-4",
    "Landlord": "Landlord Package", "Umbrella": "Personal Umbrella Policy", "Life": "Life",
    "Motorcycle": "Motorcycle", "Specialty": "Specialty", "Commercial": "Business Owners",
}

# Product bundles a household buys over time, in order (first product, then the ones added).
# Auto -> Home -> Umbrella -> Life is the dominant sequence.
HOUSEHOLD_PLANS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("Auto",), 0.74),
    (("Auto", "Home"), 0.085),
    (("Auto", "Renters"), 0.03),
    (("Auto", "Condo"), 0.015),
    (("Home",), 0.065),
    (("Renters",), 0.06),
    (("Condo",), 0.025),
    (("Home", "Auto"), 0.015),
    (("Auto", "Home", "Umbrella"), 0.02),
    (("Auto", "Home", "Umbrella", "Life"), 0.006),
    (("Auto", "Home", "Life"), 0.008),
    (("Auto", "Life"), 0.012),
    (("Auto", "Motorcycle"), 0.015),
    (("Auto", "Home", "Specialty"), 0.004),
    (("Auto", "Specialty"), 0.008),
    (("Life",), 0.01),
    (("Home", "Landlord"), 0.004),
    (("Auto", "Home", "Landlord"), 0.002),
    (("Landlord",), 0.005),
    (("Commercial",), 0.004),
    (("Auto", "Home", "Umbrella", "Specialty"), 0.002),
    (("Motorcycle",), 0.01),
    (("Home", "Umbrella"), 0.003),
)
# A lead household's bundle depends on what the lead said: (homeowner, has a vehicle) -> plans.
LEAD_PLANS: dict[tuple[bool, bool], tuple[tuple[tuple[str, ...], float], ...]] = {
    (True, True): ((("Auto", "Home"), 0.62), (("Auto", "Home", "Umbrella"), 0.14),
                   (("Auto", "Home", "Life"), 0.05), (("Auto", "Home", "Umbrella", "Life"), 0.03),
                   (("Auto", "Home", "Specialty"), 0.03), (("Auto",), 0.13)),
    (True, False): ((("Home",), 0.75), (("Home", "Umbrella"), 0.25)),
    (False, True): ((("Auto",), 0.45), (("Auto", "Renters"), 0.35), (("Auto", "Condo"), 0.10),
                    (("Auto", "Life"), 0.05), (("Auto", "Motorcycle"), 0.05)),
    (False, False): ((("Renters",), 0.70), (("Condo",), 0.30)),
}
BUNDLE_AT_SALE = 0.35  # share of added products bought on the same day as the first one
CROSS_SELL_DAYS = (1.4, 95.0)  # gamma (shape, scale) of days to an added product, capped at 400
HOUSEHOLD_SHOCK = 0.5  # share of renewal decisions made jointly with the household's others

# Growth: households at the start of the history per final household, and new households a year
# per 1,000 final households that come in without a lead or referral.
INITIAL_HOUSEHOLDS = 0.98
WALK_IN_PER_YEAR = 52.0
WALK_IN_SOURCES = (("Walk-in", 0.35), ("Web", 0.30), ("Call-in", 0.25), ("Yellow Pages", 0.10))
HISTORIC_SOURCES = (("Referral", 0.22), ("Walk-in", 0.20), ("Call-in", 0.18), ("Web", 0.12),
                    ("Yellow Pages", 0.08), ("PrimeQuote Leads", 0.08), ("ClickQuote", 0.07),
                    ("Transfer", 0.05))
CUSTOMER_AGE_YEARS = 6.0  # mean years a household of the initial book has been a customer

EARLY_CANCEL = 0.085  # new business cancelled in its first months (chargebacks)
EARLY_CANCEL_DAYS = (20, 180)
MID_TERM_CANCEL = 0.02  # renewal terms cancelled before they end

# Pay plans: (name in the book, installments a year, share of policies).
PAY_PLANS = (("Paid in Full", 1, 0.45), ("Semi-Annual", 2, 0.15), ("Quarterly", 4, 0.10),
             ("Monthly EFT", 12, 0.30))
STATEMENT_DAY = 15  # commission statements are dated the 15th of each month
PROCESSING_DAYS = (20.0, 3.0, 4.5)  # commission processing: offset + gamma(shape, scale) days
ENDORSEMENT_RATE = {"Auto": 0.10, "Home": 0.04}  # share of terms with a mid-term change
OTHER_ENDORSEMENT_RATE = 0.02
BONUS_SHARE = 0.005  # yearly bonus as a share of the year's written premium, paid in February

# Lead vendors: (name, leads a year per 1,000 households, cost per lead, target conversion,
# homeowner share, bad-lead share). One good and one poor vendor, as in the plan.
LEAD_VENDORS = (
    ("PrimeQuote Leads", 240.0, 50.0, 0.15, 0.62, 0.05),
    ("ClickQuote", 320.0, 25.0, 0.06, 0.35, 0.18),
    ("HomeShield Leads", 160.0, 35.0, 0.10, 0.50, 0.10),
)
# How lead features move the odds of a sale (logit coefficients).
LEAD_SCORE = {"homeowner": 0.9, "vehicle": 0.35, "product": 0.45}
CARRIERS = ("GEICO", "Progressive", "State Farm", "Liberty Mutual", "Travelers", "NJM",
            "Plymouth Rock", "USAA", "Farmers", "None")

REFERRER_SHARE = 0.08  # households that refer someone over the history
EXTRA_REFERRALS = 0.4  # Poisson mean of referrals beyond the first
REFERRAL_CLOSE = 0.35
REFERRAL_INCENTIVE = (50.0, 100.0)  # one product sold / two or more

# Claims: per product, (cause, share, mean severity $, lognormal sigma, mean days to settle,
# share closed without payment, LAE as a share of paid).
CLAIM_CAUSES: dict[str, tuple[tuple[str, float, float, float, float, float, float], ...]] = {
    "Auto": (
        ("Collision", 0.38, 7400, 0.8, 45, 0.05, 0.05),
        ("Comprehensive", 0.22, 3600, 0.9, 30, 0.08, 0.04),
        ("Glass", 0.15, 700, 0.4, 10, 0.02, 0.0),
        ("Property Damage Liability", 0.15, 5600, 0.8, 60, 0.1, 0.06),
        ("Bodily Injury", 0.1, 31900, 0.95, 300, 0.15, 0.15),
    ),
    "Home": (
        ("Wind/Hail", 0.35, 16000, 1.0, 75, 0.1, 0.05),
        ("Water Damage", 0.3, 12700, 0.9, 60, 0.12, 0.05),
        ("Fire", 0.07, 74100, 0.95, 180, 0.05, 0.08),
        ("Theft", 0.13, 5600, 0.8, 40, 0.15, 0.04),
        ("Liability", 0.08, 22900, 0.95, 240, 0.25, 0.2),
        ("Other", 0.07, 4600, 0.8, 30, 0.1, 0.04),
    ),
    "Condo": (
        ("Water Damage", 0.6, 8000, 0.9, 60, 0.12, 0.05),
        ("Theft", 0.2, 4600, 0.8, 40, 0.15, 0.04),
        ("Fire", 0.1, 28500, 1.0, 150, 0.05, 0.08),
        ("Liability", 0.1, 17200, 0.95, 240, 0.25, 0.2),
    ),
    "Renters": (
        ("Theft", 0.6, 2900, 0.8, 30, 0.15, 0.03),
        ("Water Damage", 0.25, 3500, 0.8, 40, 0.1, 0.03),
        ("Fire", 0.15, 13600, 1.0, 120, 0.05, 0.06),
    ),
    "Landlord": (
        ("Water Damage", 0.4, 10200, 0.9, 60, 0.1, 0.05),
        ("Wind/Hail", 0.3, 13600, 1.0, 75, 0.1, 0.05),
        ("Liability", 0.2, 22900, 0.95, 240, 0.25, 0.2),
        ("Fire", 0.1, 68400, 0.95, 180, 0.05, 0.08),
    ),
    "Umbrella": (
        ("Liability", 1.0, 171200, 0.8, 400, 0.3, 0.2),
    ),
    "Life": (),
    "Motorcycle": (
        ("Collision", 0.6, 8000, 0.8, 45, 0.05, 0.05),
        ("Bodily Injury", 0.15, 28500, 0.95, 300, 0.15, 0.15),
        ("Comprehensive", 0.25, 2900, 0.9, 30, 0.08, 0.04),
    ),
    "Specialty": (
        ("Physical Damage", 0.7, 6800, 0.9, 50, 0.08, 0.04),
        ("Liability", 0.1, 17200, 0.95, 240, 0.25, 0.15),
        ("Theft", 0.2, 5600, 0.8, 40, 0.15, 0.04),
    ),
    "Commercial": (
        ("Property", 0.5, 17200, 1.0, 90, 0.1, 0.05),
        ("Liability", 0.3, 22900, 0.95, 240, 0.25, 0.2),
        ("Theft", 0.2, 5600, 0.8, 40, 0.15, 0.04),
    ),
}
RECOVERY_SHARE = 0.004  # claims that end as a net recovery (subrogation), at least one

ZIPS = (("07052", 0.22), ("07039", 0.15), ("07006", 0.12), ("07009", 0.08), ("07042", 0.10),
        ("07043", 0.06), ("07044", 0.07), ("07028", 0.05), ("07110", 0.09), ("07050", 0.06))
FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark",
    "Sandra", "Steven", "Ashley", "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda",
    "Brian", "Melissa", "George", "Deborah", "Luis", "Maria", "Carlos", "Ana", "José", "Sofía",
    "Wei", "Mei", "Raj", "Priya", "Ahmed", "Fatima", "Chloé", "André", "Jürgen", "Zoë",
    "Kenji", "Aiko", "Olga", "Dmitri", "Grace", "Samuel", "Hannah", "Noah", "Olivia", "Liam",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Shah", "Kim", "Chen",
    "O'Brien", "D'Amico", "Peña", "Muñoz", "Müller", "Schröder", "Lefèvre", "Kowalski",
    "Rossi", "Esposito", "Nakamura", "Ivanov", "Cohen", "Murphy", "Sullivan", "Byrne",
)
