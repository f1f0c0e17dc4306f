import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def engine():
    """One headless LibreOffice for the whole test session (tests/uno_engine.py), stopped at the
    end. Skips where LibreOffice or python3-uno is missing, except in CI, which installs both."""
    from uno_engine import EngineMissing, start_engine

    try:
        session = start_engine()
        running = session.__enter__()
    except EngineMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (.ci/run should have installed it)")
        pytest.skip(str(exc))
    try:
        yield running
    finally:
        session.__exit__(None, None, None)
