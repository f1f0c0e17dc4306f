"""The seven AMS reports: canonical columns, the aliases accepted for each, which are required,
the largest plausible value of each amount, and the key that identifies a row.

This table is the contract of ../shared/AMS_EXPORTS.md written as data, so the reader, the
sample-data generator and the Data Health sheet all use one list. Canonical column names
(``Policy Number``) become snake_case field names (``policy_number``) in the tables the reader
returns; every column of the report is present in the returned table, missing optional ones as
empty values.

Aliases belong to the field, not to one report: an alias listed for a canonical column in one
report is accepted for the column of the same canonical name in every report (``_share_aliases``;
"Product Line" names the Product of a sales report as it does in the book). Each column's names
are listed closest first: when two columns of one file match one field, the closer name is used
("Commission Paid" before "Commission on Written").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agency_xl.vocabulary import PRODUCT_ALIASES, PRODUCTS, REPORT_TITLES

__all__ = ["PRODUCTS", "PRODUCT_ALIASES", "REPORTS", "Column", "Report"]


@dataclass(frozen=True)
class Column:
    canonical: str  # the name in AMS_EXPORTS.md, e.g. "Policy Number"
    kind: str  # text | id | money | percent | date | month | int | number | status | product | yesno
    required: bool = False
    aliases: tuple[str, ...] = ()  # closest first
    # Amounts and counts: the largest plausible size (absolute value; a percentage as a fraction).
    # A value beyond it is a bad value, reported by cell (1e308 as a premium is a broken cell).
    most: float | None = None

    @property
    def field(self) -> str:
        """snake_case name used in the tables: "Policy Number" -> "policy_number"."""
        return (
            self.canonical.lower().replace("%", "pct").replace("&", "and").replace(" ", "_")
        )


@dataclass(frozen=True)
class Report:
    key: str  # short name: policies, growth, claims, commissions, sales, leads, referrals
    title: str  # the owner's name for it
    columns: tuple[Column, ...]
    row_key: tuple[str, ...]  # the fields that identify a row (AMS_EXPORTS.md, "Keys")
    status_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Words of the report's title ("New Business", "Claims"): when a header row completes two
    # reports equally well, the one named in the title rows or the file name is chosen.
    title_words: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)


def C(
    canonical: str, kind: str, required: bool = False, *aliases: str, most: float | None = None
) -> Column:
    if most is None:
        most = {"money": MOST_AMOUNT, "int": MOST_COUNT, "number": MOST_COUNT,
                "percent": MOST_PERCENT}.get(kind)
    return Column(canonical, kind, required, tuple(aliases), most)


# Plausible sizes. A personal-lines agency's policy premium is thousands of dollars; a premium
# over $10M, or any amount over $1 billion, is a broken cell, not a policy.
MOST_PREMIUM = 10_000_000.0
MOST_AMOUNT = 1_000_000_000.0
MOST_COUNT = 10_000_000.0  # policies, leads, vehicles ... in one row
MOST_PERCENT = 10.0  # 1,000%: a commission rate or retention is a fraction near 0..1


POLICIES = Report(
    "policies",
    REPORT_TITLES["policies"],
    (
        C("Policy Number", "id", True, "Policy #", "Policy No", "PolicyNumber", "Pol Num"),
        C("Household ID", "id", True, "Customer ID", "Client ID", "Household #", "HH ID",
          "Account Number"),
        C("Insured Name", "text", False, "Named Insured", "Customer Name", "Client Name"),
        C("Phone", "id", False, "Phone Number", "Home Phone", "Cell Phone", "Mobile Phone",
          "Primary Phone", "Insured Phone"),
        C("Product", "product", True, "Line of Business", "LOB", "Product Line", "Policy Type"),
        C("Status", "status", True, "Policy Status"),
        C("Original Effective Date", "date", True, "Orig Eff Date", "Inception Date", "Issue Date",
          "First Written Date"),
        C("Effective Date", "date", False, "Term Effective Date", "Current Term Eff"),
        C("Expiration Date", "date", False, "Exp Date", "Renewal Date"),
        C("Cancel Date", "date", False, "Cancellation Date"),
        C("Annual Premium", "money", True, "Written Premium", "Annualized Premium",
          "Full Term Premium", "Premium", most=MOST_PREMIUM),
        C("Producer", "text", False, "Agent", "Agent Name", "Producer Name"),
        C("Lead Source", "text", False, "Source", "Marketing Source"),
        C("ZIP", "text", False, "Zip Code", "Postal Code"),
    ),
    ("policy_number",),
    {
        "In Force": ("In Force", "Active", "Issued", "In-Force"),
        "Cancelled": ("Cancelled", "Canceled", "Cancel"),
        "Expired": ("Expired", "Lapsed", "Non-Renewed"),
        "Pending": ("Pending",),
    },
    ("all purpose audit", "book of business", "policy detail", "policy list", "in force",
     "policies"),
)

GROWTH = Report(
    "growth",
    REPORT_TITLES["growth"],
    (
        C("Month", "month", True, "Period", "Report Month"),
        C("Product", "product", True, "Line of Business", "LOB"),
        C("Beginning PIF", "int", True, "PIF Start", "Policies In Force Beginning"),
        C("New Business", "int", True, "New", "New Issues"),
        C("Renewals Offered", "int", True, "Up For Renewal", "Renewals Due"),
        C("Renewals Retained", "int", True, "Renewed", "Renewals Kept"),
        C("Cancellations", "int", False, "Cancels", "Lapses"),
        C("Ending PIF", "int", False, "PIF End", "Policies In Force Ending"),
        C("Renewal Premium", "money", False, "Renewal Written Premium"),
        C("Retention %", "percent", False, "Retention", "Retention Rate"),
    ),
    ("month", "product"),
    title_words=("growth", "retention"),
)

CLAIMS = Report(
    "claims",
    REPORT_TITLES["claims"],
    (
        C("Claim Number", "id", True, "Claim #", "Claim No"),
        C("Policy Number", "id", True, "Policy #"),
        C("Product", "product", True, "Line of Business", "LOB"),
        C("Loss Date", "date", True, "Date of Loss", "DOL"),
        C("Reported Date", "date", False, "Report Date", "Date Reported"),
        C("Claim Status", "text", False, "Status"),
        C("Paid Loss", "money", True, "Loss Paid", "Paid Amount", "Indemnity Paid"),
        C("Reserve", "money", False, "Outstanding Reserve", "O/S Reserve", "Loss Reserve"),
        C("Incurred Loss", "money", False, "Total Incurred", "Incurred"),
        C("LAE", "money", False, "Expense Paid", "ALAE"),
        C("Cause of Loss", "text", False, "Peril", "Loss Cause"),
    ),
    ("claim_number",),
    title_words=("claim", "loss run"),
)

COMMISSIONS = Report(
    "commissions",
    REPORT_TITLES["commissions"],
    (
        C("Statement Date", "date", True, "Pay Date", "Paid Date", "Statement Period"),
        C("Policy Number", "id", True, "Policy #"),
        C("Product", "product", True, "Line of Business", "LOB"),
        C("Transaction Type", "status", True, "Trans Type", "Type", "Reason", "Transaction Reason"),
        C("Transaction Effective Date", "date", True, "Effective Date", "Eff Date",
          "Trans Eff Date"),
        C("Premium", "money", False, "Written Premium", "Trans Premium", most=MOST_PREMIUM),
        C("Commission Rate", "percent", False, "Comm %", "Commission %"),
        C("Commission Amount", "money", True, "Commission", "Comm Amt", "Commission Paid",
          "Commission on Written"),
    ),
    # A transaction is identified by what it is, not by every cell: a monthly statement beside a
    # year-to-date one (or a CSV beside a workbook of the same statement) may differ in optional
    # columns or in how a rate is written ("7.20%" or 0.072), and is still the same transaction.
    ("policy_number", "transaction_type", "transaction_effective_date", "statement_date",
     "commission_amount"),
    {
        t: (t,)
        for t in ("New Business", "Renewal", "Endorsement", "Cancellation", "Chargeback",
                  "Chargeup", "Bonus", "Adjustment")
    },
    ("commission", "transaction detail", "statement"),
)

SALES = Report(
    "sales",
    REPORT_TITLES["sales"],
    (
        C("Policy Number", "id", True, "Policy #"),
        C("Household ID", "id", True, "Customer ID", "Client ID", "HH ID"),
        C("Product", "product", True, "Line of Business", "LOB"),
        C("Issue Date", "date", True, "Written Date", "Sale Date", "Bound Date"),
        C("Premium", "money", True, "Written Premium", "Annual Premium", most=MOST_PREMIUM),
        C("Producer", "text", False, "Agent"),
        C("Lead Source", "text", False, "Source"),
        C("Lead ID", "id", False),
    ),
    ("policy_number",),
    title_words=("new business", "sales", "production"),
)

LEADS = Report(
    "leads",
    REPORT_TITLES["leads"],
    (
        C("Lead ID", "id", True),
        C("Lead Date", "date", True, "Received Date", "Created"),
        C("Vendor", "text", True, "Lead Vendor", "Source"),
        C("Cost", "money", True, "Lead Cost", "Price", most=100_000.0),
        C("Status", "status", True, "Disposition"),
        C("Sold Date", "date", False),
        C("Household ID", "id", False),
        C("Quoted Premium", "money", False, most=MOST_PREMIUM),
        C("Products Quoted", "int", False, most=100.0),
        C("Homeowner", "yesno", False),
        C("Vehicles", "int", False, most=100.0),
        C("Current Carrier", "text", False),
        C("ZIP", "text", False),
        C("Lead Name", "text", False, "Name", "Contact Name", "Prospect Name"),
        C("Phone", "id", False),
        C("Producer", "text", False, "Assigned To", "Assigned Agent"),
    ),
    ("lead_id",),
    {s: (s,) for s in ("New", "Contacted", "Quoted", "Sold", "Lost", "Bad Lead")},
    ("lead",),
)

REFERRALS = Report(
    "referrals",
    REPORT_TITLES["referrals"],
    (
        C("Referral Date", "date", True),
        C("Referrer Household ID", "id", True),
        C("Referred Name", "text", False),
        C("Status", "status", True),
        C("Sold Date", "date", False),
        C("Household ID", "id", False),
        C("Incentive Paid", "money", False),
    ),
    ("referral_date", "referrer_household_id", "referred_name"),
    {s: (s,) for s in ("Quoted", "Sold", "Lost")},
    ("referral",),
)



def _share_aliases(reports: tuple[Report, ...]) -> tuple[Report, ...]:
    """Every alias of a canonical column, in every report that has a column of that name.

    A report's own aliases come first (they are its closest names), then those of the other
    reports in the contract's order. An alias another column of the same report already answers
    to is not taken (within one report a name means one column).
    """
    names: dict[str, list[str]] = {}
    for r in reports:
        for c in r.columns:
            names.setdefault(c.canonical, []).extend(
                a for a in c.aliases if a not in names.get(c.canonical, [])
            )
    out = []
    for r in reports:
        taken = {n.lower() for c in r.columns for n in (c.canonical, *c.aliases)}
        columns = []
        for c in r.columns:
            more = tuple(a for a in names[c.canonical] if a.lower() not in taken)
            taken |= {a.lower() for a in more}
            columns.append(replace(c, aliases=c.aliases + more))
        out.append(replace(r, columns=tuple(columns)))
    return tuple(out)


REPORTS: dict[str, Report] = {
    r.key: r
    for r in _share_aliases((POLICIES, GROWTH, CLAIMS, COMMISSIONS, SALES, LEADS, REFERRALS))
}

