"""Synthetic sample AMS exports for a simulated agency (``agency-xl sample-data``).

``simulate_agency`` returns the clean truth tables; ``write_sample_exports`` writes them as the
messy files an agency-management system produces (see data/README.md for what each carries).
"""

from agency_xl.sample_data.agency import SampleAgency, simulate_agency

__all__ = ["SampleAgency", "simulate_agency", "write_sample_exports"]


def write_sample_exports(out, households=1000, seed=7, as_of=None):  # noqa: ANN001, ANN201
    """See ``agency_xl.sample_data.writers.write_sample_exports``."""
    from agency_xl.sample_data.writers import write_sample_exports as _write

    kwargs = {} if as_of is None else {"as_of": as_of}
    return _write(out, households=households, seed=seed, **kwargs)
