"""Interface wiring every pancanadian plugin shares: translations, config options, CLI group.

A plugin class inherits PancanadianPluginMixin and declares
``p.implements(p.ITranslation)``, ``p.implements(p.IConfigDeclaration)`` and
``p.implements(p.IClick)`` itself (CKAN reads implements() from the class body).
"""
import yaml

from ckan.lib.plugins import DefaultTranslation

from ckanext.pancanadian import cli
from ckanext.pancanadian.lib import packaging


def _load_declarations():
    with open(packaging.CONFIG_DECLARATION, encoding="utf-8") as source:
        return yaml.safe_load(source)


class PancanadianPluginMixin(DefaultTranslation):
    # ITranslation: one catalogue for the whole suite, shipped in the package.
    def i18n_directory(self):
        return packaging.I18N_DIRECTORY

    def i18n_domain(self):
        return packaging.GETTEXT_DOMAIN

    # IConfigDeclaration: the suite's options are declared once, in config_declaration.yaml.
    # Several pancanadian plugins may be enabled together and CKAN refuses a second
    # declaration of a key, so the file is loaded by whichever plugin comes first.
    def declare_config_options(self, declaration, key):
        declarations = _load_declarations()
        first_key = declarations["groups"][0]["options"][0]["key"]
        if first_key not in declaration:
            declaration.load_dict(declarations)

    # IClick: the `ckan pancanadian` group; capabilities add their subcommands to it.
    def get_commands(self):
        return [cli.pancanadian]
