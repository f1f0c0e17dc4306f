"""Cash flow: commission lag, chargebacks, working capital and a 12-month cash projection.

An agency books a commission when a policy is written (accrual view) but the carrier pays it on a
later statement (cash view); new business that cancels early is charged back. A growing agency can
therefore show a profit on paper while its bank balance falls. This module measures the lag and the
chargeback rate from the commission statements, projects accrual profit beside cash flow, and sizes
the working capital that carries the agency through.

Scalar formulas accept numbers or numpy arrays alike (like numpy-financial) and return NaN on empty
input (like empyrical) instead of raising.

Data conventions (the commission statement's fields, see ``agency_xl/ams/reports.py``):
statement_date, policy_number, transaction_type, transaction_effective_date, commission_amount.

References: Little's law (Little 1961; the average amount in transit = flow per period x average
time in transit) for the commission in transit; the indirect-method gap between accrual profit and
operating cash flow (change in receivables) from any corporate-finance text, e.g. Brealey, Myers &
Allen, *Principles of Corporate Finance*, ch. 28 (working capital).

The model in four modules, one job each:

- ``statements``: what the commission statements measure (lag, chargebacks, the monthly baseline);
- ``working_capital``: the base, lag and growth buffers and the months of runway;
- ``projection``: the 12-month projection of accrual profit beside cash flow, months to break even;
- ``alert``: the cash-burn warning and the cash-versus-accrual level.

Everything is imported from here (``from agency_xl.models import cash_flow``).
"""

from agency_xl.models.cash_flow.alert import (
    ALERT,
    OK,
    WATCH,
    CashBurn,
    cash_burn,
    cash_vs_accrual_level,
    money_k,
    recommendation,
)
from agency_xl.models.cash_flow.projection import (
    PROJECTION_COLUMNS,
    cash_flow_projection,
    months_to_break_even,
)
from agency_xl.models.cash_flow.statements import (
    CHARGEBACK_WINDOW_MONTHS,
    LAG_BUCKETS,
    LAG_TYPES,
    NEW_BUSINESS,
    RENEWAL,
    REVERSAL_TYPES,
    ChargebackMeasure,
    CommissionBaseline,
    LagSummary,
    Statements,
    chargeback_rate,
    commission_baseline,
    commission_lags,
    lag_histogram,
    lag_summary,
)
from agency_xl.models.cash_flow.working_capital import (
    DAYS_PER_MONTH,
    WorkingCapital,
    base_buffer,
    growth_buffer,
    growth_factor,
    lag_buffer,
    monthly_growth,
    new_business_cost,
    runway_months,
    working_capital_need,
)

__all__ = [
    "ALERT", "CHARGEBACK_WINDOW_MONTHS", "DAYS_PER_MONTH", "LAG_BUCKETS", "LAG_TYPES",
    "NEW_BUSINESS", "OK", "PROJECTION_COLUMNS", "RENEWAL", "REVERSAL_TYPES", "WATCH", "CashBurn",
    "ChargebackMeasure", "CommissionBaseline", "LagSummary", "Statements", "WorkingCapital",
    "base_buffer", "cash_burn", "cash_flow_projection", "cash_vs_accrual_level", "chargeback_rate",
    "commission_baseline", "commission_lags", "growth_buffer", "growth_factor", "lag_buffer",
    "lag_histogram", "lag_summary", "money_k", "monthly_growth", "months_to_break_even",
    "new_business_cost", "recommendation", "runway_months", "working_capital_need",
]
