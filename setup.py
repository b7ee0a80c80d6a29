"""Packaging for ckanext-pancanadian.

schemas/ and i18n/ sit at the top of the repository (data, edited by people who never open the
Python package) but ship inside it as ckanext.pancanadian.schemas and ckanext.pancanadian.i18n,
which is where ckanext-scheming (``module:path``) and ITranslation look for them.
"""
import os

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    """Compile i18n/*/LC_MESSAGES/*.po into .mo files inside the built package."""

    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        target = os.path.join(self.build_lib, "ckanext", "pancanadian", "i18n")
        for lang in sorted(os.listdir("i18n")):
            messages = os.path.join("i18n", lang, "LC_MESSAGES")
            if not os.path.isdir(messages):
                continue
            for name in os.listdir(messages):
                if not name.endswith(".po"):
                    continue
                with open(os.path.join(messages, name), "rb") as po:
                    catalog = read_po(po, locale=lang)
                out_dir = os.path.join(target, lang, "LC_MESSAGES")
                os.makedirs(out_dir, exist_ok=True)
                with open(os.path.join(out_dir, name[:-3] + ".mo"), "wb") as mo:
                    write_mo(mo, catalog)


DATA_PACKAGES = {
    "ckanext.pancanadian.schemas": "schemas",
    "ckanext.pancanadian.i18n": "i18n",
}

setup(
    packages=find_namespace_packages(include=["ckanext.*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "ckanext.pancanadian": ["config_declaration.yaml", "templates/**/*", "assets/**/*", "*/templates/**/*", "*/assets/*", "*/public/**/*", "demo/*.yaml", "migration/*/alembic.ini", "migration/*/script.py.mako", "migration/*/README", "demo/files/*"],
        "ckanext.pancanadian.schemas": ["*.yaml", "*.json", "**/*.yaml", "**/*.json"],
        "ckanext.pancanadian.i18n": ["*.pot", "*/LC_MESSAGES/*.po"],
    },
    cmdclass={"build_py": BuildPyWithCatalogues},
)
