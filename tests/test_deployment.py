"""docker-compose.yml cannot run here (no Docker engine): check that it parses, that every file
it builds from or mounts exists, and that the Solr it runs gets the repository's schema."""
import re

import pytest
import yaml


@pytest.fixture(scope="module")
def compose(repo_root):
    with open(repo_root / "docker-compose.yml", encoding="utf-8") as source:
        return yaml.safe_load(source)


def test_compose_declares_the_production_services(compose):
    assert {"ckan", "db", "redis", "solr", "harvester-gather", "harvester-fetch", "harvester-scheduler"} <= set(
        compose["services"]
    )
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["solr"]["image"].startswith("solr:9")


def test_every_bind_mount_and_build_context_exists(compose, repo_root):
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = repo_root / (build if isinstance(build, str) else build.get("context", "."))
            assert (context / "Dockerfile").is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (repo_root / source).exists(), f"{name} mounts missing {source}"


def test_solr_container_uses_the_one_repository_schema(compose, repo_root):
    mounted = {v.split(":")[0] for v in compose["services"]["solr"]["volumes"]}
    assert "./solr/schema.xml" in mounted and "./solr/solrconfig.xml" in mounted


def test_dockerfile_copies_files_that_exist(repo_root):
    for line in (repo_root / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and not line.startswith("COPY . "):
            for path in line.split()[1:-1]:
                assert (repo_root / path).is_file(), path


def test_every_file_the_solr_schema_reads_is_mounted(compose, repo_root):
    """Analysers load word lists from the core's conf/: each must reach the container."""
    schema = (repo_root / "solr" / "schema.xml").read_text()
    referenced = set(re.findall(r'(?:words|synonyms|protected|articles)="([^"]+)"', schema))
    mounts = {}
    for volume in compose["services"]["solr"]["volumes"]:
        source, _, rest = volume.partition(":")
        if source.startswith("./"):
            mounts[rest.split(":")[0].split("/conf/", 1)[1]] = repo_root / source
    for name in referenced:
        covered = [target for target in mounts if name == target or name.startswith(target + "/")]
        assert covered, f"{name} is read by schema.xml but not mounted into the Solr container"
        assert (repo_root / "solr" / name).is_file(), name


def test_compose_runs_the_demo_portals_plugins_and_their_migrations(compose, repo_root):
    """Production enables what `bin/stack demo` enables (plus the DCAT endpoints), in the same
    order, migrates every plugin that has tables, and runs the jobs worker."""
    stack = (repo_root / "bin" / "stack").read_text()
    demo_plugins = re.search(r'^DEMO_PLUGINS="([^"]+)"', stack, re.M).group(1).split()
    production = compose["x-ckan"]["environment"]["CKAN_PLUGINS"].split()
    assert demo_plugins[:2] == ["activity", "harvest"]
    assert production == ["activity", "harvest", "dcat"] + demo_plugins[2:]
    entrypoint = (repo_root / "docker" / "entrypoint.sh").read_text()
    for plugin in re.findall(r"db upgrade -p (\w+)", stack):
        assert plugin in entrypoint, f"{plugin} is migrated by bin/stack demo, not in production"
    assert compose["services"]["jobs-worker"]["command"] == ["ckan", "jobs", "worker"]
