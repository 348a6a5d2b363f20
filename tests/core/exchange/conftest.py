import sys
from pathlib import Path

import pytest

# The helpers live beside the tests; make them importable under their own unique name.
sys.path.insert(0, str(Path(__file__).parent))

from desktop_app.exchange.keys import generate_office_key  # noqa: E402


@pytest.fixture(scope="session")
def county_key():
    return generate_office_key()


@pytest.fixture(scope="session")
def other_key():
    return generate_office_key()


@pytest.fixture
def trusted(county_key):
    return {"CNTY-07": county_key.public_key()}
