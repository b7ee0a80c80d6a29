"""Real-browser harness: the demo portal served by a real CKAN process, driven by Chromium.

Once for the whole tests/browser package: reset the test database (and run the portal plugins'
migrations) and the Solr index, seed the demo content (``ckanext.pancanadian.demo.seed``) with a sysadmin who has a password, then start
``ckan run`` on a free port with test.ini plus the demo portal's plugins (PORTAL_OPTIONS), the
services ``bin/stack test`` exported
(CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, CKAN_REDIS_URL) and a storage path under a temporary
directory. Chromium runs headless through Debian's /usr/bin/chromedriver with a fresh profile.

Run with ``bin/stack test tests/browser``; the server log is kept at
test-artifacts/browser/ckan-server.log and screenshots go to test-artifacts/screenshots/.
"""
import dataclasses
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import ckan.model as model
import ckan.plugins as plugins
from ckan.common import config
from ckan.tests import helpers

from ckanext.pancanadian.demo import seed
from ckanext.pancanadian.federation import demo as federation_demo
from ckanext.pancanadian.profile import jobs as profile_jobs
from ckanext.pancanadian.quality import scan

from tests.browser import support

# The portal as `bin/stack demo` configures it, over test.ini: the demo content is written for
# the pan-Canadian metadata profile. Services come from test.ini and the CKAN_* variables.
PORTAL_OPTIONS = {
    "ckan.plugins": "harvest pancanadian_bilingual pancanadian_profile pancanadian_stories pancanadian_federation "
                    "pancanadian_ckan pancanadian_quality scheming_datasets scheming_organizations scheming_groups",
    "scheming.presets": "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
                        "ckanext.pancanadian.schemas:profile_presets.yaml",
    "scheming.dataset_schemas": "ckanext.pancanadian.schemas:dataset.yaml ckanext.pancanadian.schemas:story.yaml",
    "ckanext.pancanadian.stories.organization": "community-stories",
}
ADMIN_NAME = "browser-admin"
ADMIN_PASSWORD = "browser-admin-2026"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
SERVER_START_TIMEOUT = 120


@dataclasses.dataclass
class Portal:
    url: str
    admin_name: str
    admin_password: str
    datasets: dict  # name -> package_show at seed time
    organizations: dict  # name -> organization_show at seed time
    log_path: pathlib.Path

    def page(self, path, lang="en"):
        """Absolute URL of path in lang: English at the root, French under /fr/."""
        path = path if path.startswith("/") else "/" + path
        return self.url + ("/fr" + path if lang == "fr" else path)

    def package_show(self, name):
        """package_show through the portal's API, as an anonymous visitor."""
        query = urllib.parse.urlencode({"id": name})
        with urllib.request.urlopen(f"{self.url}/api/3/action/package_show?{query}", timeout=30) as response:
            return json.load(response)["result"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _has_migrations(plugin):
    """Whether `ckan db upgrade -p plugin` has anything to run (a migration/<plugin> folder)."""
    from ckan.cli.db import _resolve_alembic_config

    return os.path.exists(_resolve_alembic_config(plugin))


def _seed_demo_portal(reset_db, reset_index, migrate_db_for, storage, site_url):
    """Fresh database (with the portal's plugin migrations) and index holding exactly the demo
    content and the browser sysadmin. The site URL is the server's: the search index keeps
    absolute URLs (resource downloads)."""
    options = dict(PORTAL_OPTIONS, **{"ckan.storage_path": str(storage), "ckan.site_url": site_url})
    saved = {key: config.get(key) for key in options}
    config.update(options)
    plugins.load_all()
    try:
        reset_db()
        reset_index()
        for plugin in PORTAL_OPTIONS["ckan.plugins"].split():
            if _has_migrations(plugin):
                migrate_db_for(plugin)
        helpers.call_action(
            "user_create", name=ADMIN_NAME, email="browser-admin@example.org", password=ADMIN_PASSWORD,
            fullname="Browser Admin",
        )
        user = model.User.by_name(ADMIN_NAME)
        user.sysadmin = True
        model.repo.commit_and_remove()
        list(seed.seed(ADMIN_NAME))
        # One harvested source (the Toronto stand-in, one dataset) for the federation pages.
        list(federation_demo.run(pathlib.Path(__file__).resolve().parent.parent / "fixtures", names=["toronto-demo"]))
        scan.scan_batch(scan.select_package_ids())  # quality badges and dashboards with content
        content = seed.load_content()
        # `bin/stack demo` queues the conformance checks for its worker; here they run in-process.
        for dataset in content["datasets"]:
            if dataset.get("hvd_standard"):
                for resource in helpers.call_action("package_show", id=dataset["name"])["resources"]:
                    profile_jobs.check_resource(resource["id"])
        datasets = {
            d["name"]: helpers.call_action("package_show", id=d["name"]) for d in content["datasets"]
        }
        organizations = {
            o["name"]: helpers.call_action("organization_show", id=o["name"]) for o in content["organizations"]
        }
    finally:
        plugins.unload_all()
        model.Session.remove()
        config.update(saved)
    return datasets, organizations


def _write_portal_ini(path, base_ini):
    """An ini that is base_ini (test.ini) with PORTAL_OPTIONS on top."""
    lines = ["[app:main]", f"use = config:{base_ini}"] + [f"{key} = {value}" for key, value in PORTAL_OPTIONS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _wait_for_server(process, url, log_path):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"CKAN exited during startup (code {process.returncode}); log {log_path}:\n"
                        + support.tail(log_path))
        try:
            with urllib.request.urlopen(url + "/api/3/action/status_show", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"no answer from {url} after {SERVER_START_TIMEOUT} s; log {log_path}:\n" + support.tail(log_path))


def _stop(process):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@pytest.fixture(scope="package")
def portal(reset_db, reset_index, migrate_db_for, tmp_path_factory, repo_root, ckan_ini_path):
    for needed in (CHROMIUM, CHROMEDRIVER):
        if not os.access(needed, os.X_OK):
            pytest.fail(f"{needed} is missing: run bin/stack install (Debian packages chromium, chromium-driver)")
    support.axe_source()  # fails early, with the fix, when node_modules/ is missing

    storage = tmp_path_factory.mktemp("browser-storage")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    datasets, organizations = _seed_demo_portal(reset_db, reset_index, migrate_db_for, storage, url)
    artifacts = repo_root / "test-artifacts" / "browser"
    artifacts.mkdir(parents=True, exist_ok=True)
    log_path = artifacts / "ckan-server.log"
    ini = _write_portal_ini(tmp_path_factory.mktemp("browser-config") / "portal.ini", ckan_ini_path)
    env = dict(os.environ, CKAN_STORAGE_PATH=str(storage), CKAN_SITE_URL=url)
    ckan = pathlib.Path(os.environ.get("STACK_VENV", repo_root / ".stack" / "venv")) / "bin" / "ckan"
    if not ckan.exists():
        ckan = pathlib.Path(shutil.which("ckan") or ckan)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(ckan), "-c", str(ini), "run", "--host", "127.0.0.1", "--port", str(port),
             "--disable-reloader"],
            cwd=repo_root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        _wait_for_server(process, url, log_path)
        yield Portal(url, ADMIN_NAME, ADMIN_PASSWORD, datasets, organizations, log_path)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def ckan_ini_path(request, repo_root):
    return pathlib.Path(request.config.getoption("ckan_ini") or repo_root / "test.ini").resolve()


@pytest.fixture(scope="package")
def browser(portal, tmp_path_factory):
    """An anonymous visitor."""
    driver = support.start_chromium(tmp_path_factory.mktemp("chromium-anonymous"))
    yield driver
    driver.quit()


@pytest.fixture(scope="package")
def admin_browser(portal, tmp_path_factory):
    """The sysadmin, logged in through /user/login."""
    driver = support.start_chromium(tmp_path_factory.mktemp("chromium-admin"))
    support.log_in(driver, portal, portal.admin_name, portal.admin_password)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def screenshots(repo_root):
    folder = repo_root / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
