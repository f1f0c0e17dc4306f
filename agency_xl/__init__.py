"""agency_xl: the business models of a captive personal-lines insurance agency, as Excel worksheet
functions and dashboard sheets refreshed from AMS exports."""

__version__ = "0.1.0"
