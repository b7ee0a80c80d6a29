"""Fixtures of the quality tests: the plugin's migrations, a local server of resource URLs."""
import pytest

from tests.quality.servers import Handler, serving
from tests.quality.support import BAD_CSV, GOOD_CSV


@pytest.fixture
def migrated(clean_db, migrate_db_for):
    migrate_db_for("pancanadian_profile")
    migrate_db_for("pancanadian_quality")


@pytest.fixture(scope="module")
def server():
    with serving() as url:
        Handler.files.update({"/good.csv": ("text/csv", GOOD_CSV), "/bad.csv": ("text/plain", BAD_CSV)})
        yield url
