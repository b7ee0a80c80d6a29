"""Shared test fixtures. CKAN's pytest plugin (ckan.tests.pytest_ckan) is loaded through its
pytest11 entry point; run the suite with `make test` (bin/stack test) so the services are up."""
import os
import pathlib

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def stack_dir():
    return pathlib.Path(os.environ.get("STACK_DIR", REPO_ROOT / ".stack"))
