"""A non-editable `pip install .` ships schemas/, i18n/ (compiled) and the plugin entry points."""
import pathlib
import subprocess
import sys
import zipfile

import pytest


@pytest.fixture(scope="module")
def wheel(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(repo_root)],
        check=True, capture_output=True,
    )
    (path,) = out.glob("ckanext_pancanadian-*.whl")
    return path


def test_wheel_ships_data_folders_inside_the_package(wheel, repo_root):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ckanext/pancanadian/config_declaration.yaml" in names
    assert "ckanext/pancanadian/schemas/__init__.py" in names
    assert "ckanext/pancanadian/bilingual/assets/fluent.css" in names
    for source in (repo_root / "ckanext" / "pancanadian").glob("*/public/**/*.*"):
        assert str(source.relative_to(repo_root)) in names, f"{source.name} missing: the portal serves it"
    for source in (repo_root / "ckanext" / "pancanadian" / "migration").rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            assert str(source.relative_to(repo_root)) in names, f"{source.name} missing: `ckan db upgrade -p` needs it"
    for source in (repo_root / "schemas").rglob("*.yaml"):
        assert f"ckanext/pancanadian/schemas/{source.relative_to(repo_root / 'schemas')}" in names
    for po in (repo_root / "i18n").glob("*/LC_MESSAGES/*.po"):
        mo = po.relative_to(repo_root / "i18n").with_suffix(".mo")
        assert f"ckanext/pancanadian/i18n/{mo}" in names, f"{po.name} was not compiled into the wheel"
    assert "ckanext/__init__.py" not in names, "ckanext must stay a namespace package shared with CKAN"


def test_wheel_registers_the_plugins(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "pancanadian_bilingual = ckanext.pancanadian.bilingual.plugin:BilingualPlugin" in text


def test_installed_wheel_finds_its_data_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    # -S skips the .pth files that activate the editable checkout; site-packages stays on the
    # path after the installed wheel for the dependencies (PyYAML).
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    probe = subprocess.run(
        [sys.executable, "-S", "-c",
         "from ckanext.pancanadian.lib import packaging as p; print(p.I18N_DIRECTORY); print(p.SCHEMAS_DIRECTORY)"],
        env={"PYTHONPATH": f"{target}:{site_packages}"}, cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    i18n_dir, schemas_dir = map(pathlib.Path, probe.stdout.split())
    assert i18n_dir == target / "ckanext" / "pancanadian" / "i18n" and i18n_dir.is_dir()
    assert schemas_dir == target / "ckanext" / "pancanadian" / "schemas" and schemas_dir.is_dir()
