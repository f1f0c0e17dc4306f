"""Settings about the agency as a whole."""

from agency_xl.assumptions.base import SettingsGroup, setting


class GeneralSettings(SettingsGroup):
    agency_name: str = setting("My Agency", "text", "Shown on the Home sheet.")
    show_personal_data: bool = setting(
        False, "yes/no", "Show customer and lead names on the dashboards (they are personal data)."
    )
    discount_rate: float = setting(
        0.10, "%", "Yearly discount rate for lifetime values (LTV) in every model.", ge=0, le=1)
    commission_rate: float = setting(
        0.07, "%", "Commission rate used only when the commission statements are missing "
        "(otherwise it is measured).", ge=0, le=1)
