"""Synthetic sample AMS exports for a simulated agency (``agency-xl sample-data``).

``simulate_agency`` returns the clean truth tables; ``write_sample_exports`` writes them as the
messy files an agency-management system produces (data/README.md says what each file carries).
"""

from agency_xl.sample_data.agency import SampleAgency, simulate_agency
from agency_xl.sample_data.writers import write_sample_exports

__all__ = ["SampleAgency", "simulate_agency", "write_sample_exports"]
