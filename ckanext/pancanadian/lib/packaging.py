"""Where the suite's shipped data lives, for editable and wheel installs alike."""
import os

import yaml

import ckanext.pancanadian.i18n
import ckanext.pancanadian.schemas

I18N_DIRECTORY = os.path.dirname(ckanext.pancanadian.i18n.__file__)
SCHEMAS_DIRECTORY = os.path.dirname(ckanext.pancanadian.schemas.__file__)
CONFIG_DECLARATION = os.path.join(os.path.dirname(os.path.dirname(__file__)), "config_declaration.yaml")
GETTEXT_DOMAIN = "ckanext-pancanadian"


def load_schema_data(name):
    """A YAML data file shipped in schemas/ (formats, licences, standards…)."""
    with open(os.path.join(SCHEMAS_DIRECTORY, name), encoding="utf-8") as source:
        return yaml.safe_load(source)
