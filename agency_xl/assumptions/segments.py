"""Settings of the segments model (tiers, lifetime value, marketing allocation, upgrades).

Measured on the exports when they hold it, these settings are only the fallback: the commission
rate (commission statements), retention by product count (book of business) and the cost to win a
household per tier (lead log)."""

from agency_xl.assumptions.base import SettingsGroup, setting


def _share(default: float, what: str) -> float:
    return setting(default, "%", what, ge=0, le=1)


class SegmentsSettings(SettingsGroup):
    # Tiers
    elite_min_products: int = setting(
        3, "products", "Households with at least this many products are Elite.", ge=2, le=10
    )
    premium_min_products: int = setting(
        2, "products", "Households with at least this many products (below Elite) are Premium.", ge=2, le=10
    )
    low_value_premium: float = setting(
        700.0, "$", "One-product households paying less than this a year are Low-Value.", ge=0, le=1e6
    )
    low_value_if_loss_making: bool = setting(
        True, "yes/no", "With the claims export: one-product households whose last-12-month claims "
        "exceed the loss-ratio limit below are Low-Value too.",
    )
    loss_ratio_limit: float = setting(
        1.0, "ratio", "A household is loss-making when its claims of the last 12 months exceed this "
        "multiple of its annual premium.", gt=0, le=20,
    )
    # Lifetime value
    retention_1_product: float = setting(
        0.72, "%", "Fallback annual retention of one-product households (used only when the book "
        "has no history to measure it).", ge=0, le=1,
    )
    retention_2_products: float = setting(
        0.91, "%", "Fallback annual retention of two-product households.", ge=0, le=1
    )
    retention_3_products: float = setting(
        0.97, "%", "Fallback annual retention of households with three or more products.", ge=0, le=1
    )
    target_ltv_cac: float = setting(
        3.0, "x", "Target lifetime value per dollar of acquisition cost; recommended CAC = LTV / this.",
        gt=0, le=100,
    )
    # Marketing allocation
    marketing_budget: float = setting(
        50_000.0, "$", "Marketing budget (a year) to split over the tiers. The default is the plan's example: "
        "set your own.", gt=0, le=1e9
    )
    current_share_elite: float = _share(0.20, "Share of the budget spent on Elite prospects today.")
    current_share_premium: float = _share(0.30, "Share of the budget spent on Premium prospects today.")
    current_share_standard: float = _share(0.35, "Share of the budget spent on Standard prospects today.")
    current_share_low_value: float = _share(0.15, "Share of the budget spent on Low-Value prospects today.")
    min_share_elite: float = _share(0.05, "Least share of the budget the optimiser gives Elite.")
    min_share_premium: float = _share(0.05, "Least share of the budget the optimiser gives Premium.")
    min_share_standard: float = _share(0.05, "Least share of the budget the optimiser gives Standard.")
    min_share_low_value: float = _share(0.05, "Least share of the budget the optimiser gives Low-Value.")
    max_share_elite: float = _share(0.50, "Largest share of the budget the optimiser gives Elite.")
    max_share_premium: float = _share(0.50, "Largest share of the budget the optimiser gives Premium.")
    max_share_standard: float = _share(0.50, "Largest share of the budget the optimiser gives Standard.")
    max_share_low_value: float = _share(0.50, "Largest share of the budget the optimiser gives Low-Value.")
    cac_elite: float = setting(
        1350.0, "$", "Fallback cost to win one Elite household, when the lead log cannot measure it.",
        gt=0, le=1e6,
    )
    cac_premium: float = setting(820.0, "$", "Fallback cost to win one Premium household.", gt=0, le=1e6)
    cac_standard: float = setting(520.0, "$", "Fallback cost to win one Standard household.", gt=0, le=1e6)
    cac_low_value: float = setting(280.0, "$", "Fallback cost to win one Low-Value household.", gt=0, le=1e6)
    diminishing_returns: float = setting(
        0.6, "exponent", "Doubling a tier's marketing wins 2^this times the households (1 = no "
        "diminishing returns).", gt=0, le=1,
    )
    # Upgrades
    upgrade_rate_to_premium: float = setting(
        0.15, "%", "Share of Standard households you expect to move to Premium (add a product).", ge=0, le=1
    )
    upgrade_rate_to_elite: float = setting(
        0.15, "%", "Share of Premium households you expect to move to Elite.", ge=0, le=1
    )

    def current_shares(self) -> list[float]:
        return [self.current_share_elite, self.current_share_premium, self.current_share_standard,
                self.current_share_low_value]

    def min_shares(self) -> list[float]:
        return [self.min_share_elite, self.min_share_premium, self.min_share_standard,
                self.min_share_low_value]

    def max_shares(self) -> list[float]:
        return [self.max_share_elite, self.max_share_premium, self.max_share_standard,
                self.max_share_low_value]

    def cac_fallback(self) -> list[float]:
        return [self.cac_elite, self.cac_premium, self.cac_standard, self.cac_low_value]

    def retention_fallback(self) -> dict[str, float]:
        return {"1": self.retention_1_product, "2": self.retention_2_products,
                "3+": self.retention_3_products}
