import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import workbook_validity  # noqa: E402


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
