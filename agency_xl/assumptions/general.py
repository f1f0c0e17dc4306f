"""Settings about the agency as a whole."""

from agency_xl.assumptions.base import SettingsGroup, setting


class GeneralSettings(SettingsGroup):
    agency_name: str = setting("My Agency", "text", "Shown on the Home sheet.")
    show_personal_data: bool = setting(
        False, "yes/no", "Show customer and lead names on the dashboards (they are personal data)."
    )
