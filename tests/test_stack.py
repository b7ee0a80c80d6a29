"""The runnable stack: plugin loading, real Solr search, schema check, stack failure path."""
import os
import socket
import subprocess

import pytest

import ckan.lib.search as search
import ckan.plugins as plugins
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("with_plugins")
def test_plugin_loads():
    assert plugins.plugin_loaded("pancanadian_bilingual")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_through_the_api_is_found_by_package_search_on_solr():
    org = factories.Organization()
    dataset = factories.Dataset(
        owner_org=org["id"], title="Snow depth on the Prairies", notes="Daily snow depth readings"
    )
    result = helpers.call_action("package_search", q="prairies snow")
    assert [d["id"] for d in result["results"]] == [dataset["id"]]
    assert helpers.call_action("package_search", q="glaciers")["count"] == 0


def test_solr_answers_with_our_schema_for_this_ckan_version():
    search.check_solr_schema_version()
    conn = search.make_connection()
    assert conn.search(q="*:*", rows=0).hits >= 0


def test_search_index_check_command_passes(cli):
    result = cli.invoke(ckan_command, ["search-index", "check"])
    assert result.exit_code == 0, result.output


def _listening_socket():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stack_refuses_a_taken_solr_port_names_it_and_leaves_nothing_running(
    repo_root, stack_dir, tmp_path
):
    """A second stack whose Solr port is taken fails loudly and stops what it had started."""
    blocker = _listening_socket()
    taken = blocker.getsockname()[1]
    env = dict(
        os.environ,
        STACK_DIR=str(tmp_path / "stack"),
        STACK_VENV=str(stack_dir / "venv"),
        STACK_SOLR_LIB=str(stack_dir / "solr" / "lib"),
        PG_PORT=str(_free_port()),
        REDIS_PORT=str(_free_port()),
        SOLR_PORT=str(taken),
    )
    try:
        run = subprocess.run(
            [str(repo_root / "bin" / "stack"), "up"], env=env, capture_output=True, text=True, timeout=300
        )
    finally:
        blocker.close()
    assert run.returncode != 0
    assert f"solr cannot start: port {taken}" in run.stderr
    assert str(tmp_path / "stack" / "log" / "solr.log") in run.stderr
    status = subprocess.run(
        [str(repo_root / "bin" / "stack"), "status"], env=env, capture_output=True, text=True
    )
    assert status.returncode == 3
    for service in ("postgresql", "redis", "solr", "ckan"):
        assert f"{service} " in status.stdout and "running" not in status.stdout
    assert not list((tmp_path / "stack" / "run").glob("*.pid"))
