"""End to end: the sample generator's messy exports, read back, equal its truth tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from agency_xl.ams import REPORTS, read_exports
from tests.fixtures_ams import folder_hashes

sample_data = pytest.importorskip("agency_xl.sample_data")

AS_OF = dt.date(2025, 10, 31)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    sample_data.write_sample_exports(folder, households=1000, seed=7, as_of=AS_OF)
    return folder


@pytest.fixture(scope="module")
def truth():
    return sample_data.simulate_agency(households=1000, seed=7, as_of=AS_OF)


@pytest.fixture(scope="module")
def read_back(exports):
    before = folder_hashes(exports)
    data = read_exports(exports)
    assert folder_hashes(exports) == before
    return data


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True)


# Optional columns of the contract the generator's truth tables do not hold: the book of business
# is written without a Phone column, and the lead log's Name and Phone are made up by its writer
# (crm.write_leads) at export time. (Its Producer column is in the truth table, blank: the lead log
# is written without one.)
NOT_SIMULATED = {"policies": ["phone"], "leads": ["lead_name", "phone"]}


@pytest.mark.parametrize("report", list(REPORTS))
def test_every_table_equals_the_truth(read_back, truth, report):
    got, want = getattr(read_back, report), getattr(truth, report)
    extra = NOT_SIMULATED.get(report, [])
    assert list(got.columns.drop(extra)) == list(want.columns) and set(extra) <= set(got.columns)
    got = got.drop(columns=extra)
    amounts = [c.field for c in REPORTS[report].columns if c.kind in ("money", "int", "number")]
    # The exports write a zero amount as "—", which the reader keeps as "nothing" (NaN).
    got = got.fillna({c: 0.0 for c in amounts})
    want = want.astype({c: "float64" for c in amounts}).fillna({c: 0.0 for c in amounts})
    pd.testing.assert_frame_equal(_sorted(got), _sorted(want), check_exact=False, atol=0.005)


def test_not_simulated_columns_read_as_written(read_back):
    """The book has no Phone column (empty); every lead has the name and phone its writer gave it."""
    assert read_back.policies["phone"].isna().all()
    leads = read_back.leads
    assert leads["lead_name"].str.match(r"^\S+ \S+").all()
    assert leads["phone"].str.fullmatch(r"\(973\) 555-01\d\d").all()
    assert leads["producer"].isna().all()


def test_data_health_of_the_sample_folder(read_back):
    h = read_back.health
    assert read_back.as_of == AS_OF and not read_back.sales_derived
    assert [f.path for f in h.files if f.rejected or f.skipped] == []
    assert all(f.rows_rejected == 0 for f in h.files)
    assert {f.report for f in h.files} == set(REPORTS)
    by_name = {f.path: f for f in h.files}
    # The Claims files of two months overlap; the later one wins for claims that moved on.
    claims_notes = [n for n in h.notes if n.startswith("Claims detail")]
    assert len(claims_notes) == 1
    assert (
        "the file with the later report date won: 2025-10_Claims_Detail_Report.xlsx"
        in claims_notes[0]
    )
    # Issue 15.5: the claims listed identically in both files are information, not a problem.
    assert [i for i in h.info if i.startswith("Claims detail")] == [
        i for i in h.info if "appear identically in more than one file" in i]
    assert len([i for i in h.info if i.startswith("Claims detail")]) == 1
    assert by_name["2025-10_Claims_Detail_Report.xlsx"].report_date == AS_OF
    # Every problem listed names a file of the folder.
    assert all(
        p.split(":")[0].split("!")[0] in by_name for p in h.problems() if not p.startswith("Claims")
    )


def test_zero_amounts_written_as_dashes_read_as_nothing(read_back, truth):
    paid = read_back.claims.set_index("claim_number")["paid_loss"]
    zero = truth.claims.set_index("claim_number")["paid_loss"] == 0
    assert paid[zero[zero].index].isna().all()
    assert np.allclose(
        paid[zero[~zero].index], truth.claims.set_index("claim_number")["paid_loss"][~zero]
    )
