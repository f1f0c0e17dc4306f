import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import workbook_validity  # noqa: E402
from hypothesis import settings  # noqa: E402

# Speed is measured by benchmarks/, not by tests: on a loaded machine (two cores shared by several
# runs) one example can take longer than hypothesis' 200 ms deadline and fail a correct property.
settings.register_profile("agency_xl", deadline=None)
settings.load_profile("agency_xl")


@pytest.fixture(scope="session", autouse=True)
def every_built_workbook_is_valid():
    """Wrap ``agency_xl.excel.builder.build_workbook`` for the whole session so that every workbook
    any test builds (template, refresh, over an existing file, ...) is checked to be a valid file
    (``workbook_validity.check_workbook``) before the test goes on. Session-scoped, so workbooks
    built by module- or session-scoped fixtures are checked too; modules that imported the function
    by name before the session started get the wrapper as well."""
    from agency_xl.excel import builder

    original = builder.build_workbook

    def build_and_check(*args, **kwargs):
        path = original(*args, **kwargs)
        workbook_validity.check_workbook(path)
        workbook_validity.CHECKED.append(Path(path))
        return path

    patch = pytest.MonkeyPatch()
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                patch.setattr(module, name, build_and_check)
    yield
    patch.undo()
